from otter.test_files import test_case

OK_FORMAT = False

name = "attn_scaled"
points = None

@test_case(points=1, hidden=False)
def test_attn_scaled_small(attn_scaled):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(7)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(dev)

    def shape_of(args):
        return ', '.join((str(tuple(a.shape)) if isinstance(a, torch.Tensor) else repr(a) for a in args))

    def run(function, name, *args, hint_on_error=''):
        """Calls the student's function; fails with a clear message if it raises, edits an input or returns no tensor."""
        assert callable(function), f'{name} is not defined: run the cell that defines it'
        before = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        try:
            out = function(*args)
        except Exception as err:
            raise AssertionError(f'{name}({shape_of(args)}) raised {type(err).__name__}: {err}. {hint_on_error}')
        for position, (arg, copy) in enumerate(zip(args, before)):
            if isinstance(arg, torch.Tensor) and (not torch.equal(arg, copy)):
                raise AssertionError(f'{name} changed its input number {position + 1} in place (with /=, masked_fill_, an indexed assignment, ...): the caller may still need it. Compute and return a new tensor instead.')
        assert isinstance(out, torch.Tensor), f'{name} should return a tensor, not {type(out).__name__}'
        return out

    def expect_shape(name, out, shape, hint=''):
        assert tuple(out.shape) == tuple(shape), f'{name} should return shape {tuple(shape)}, but returned shape {tuple(out.shape)}. {hint}'

    def expect_close(name, out, expected, label, hint=''):
        expect_shape(name, out, expected.shape, hint)
        if not torch.allclose(out.float(), expected.float(), atol=1e-05, rtol=0.0001, equal_nan=False):
            difference = (out.float() - expected.float()).abs().nan_to_num(float('inf')).max().item()
            raise AssertionError(f'{name}, {label}: the result differs from the expected one by up to {difference:.3g}. {hint}')

    def scale_hint(A, out, n_embd, n_heads):
        for hint, factor in [('scaled by 1/sqrt(n_embd) instead of 1/sqrt(n_embd / n_heads), the size of one head', n_embd ** (-0.5)), ('scaled by 1/sqrt(n_heads) instead of 1/sqrt(n_embd / n_heads)', n_heads ** (-0.5)), ('divided by n_embd / n_heads without the square root', n_heads / n_embd), ('not scaled at all', 1.0)]:
            if out.shape == A.shape and torch.allclose(out, A * factor, atol=1e-06, rtol=1e-05):
                return f'It looks like the scores are {hint}.'
        return ''
    A = torch.full((1, 2, 2), 8.0, device=dev)
    out = run(attn_scaled, 'attn_scaled', A, 64, 4)
    expect_close('attn_scaled', out, torch.full((1, 2, 2), 2.0, device=dev), 'scores of 8 with n_embd = 64 and n_heads = 4 (heads of size 16) should become 8 / sqrt(16) = 2', scale_hint(A, out, 64, 4))

