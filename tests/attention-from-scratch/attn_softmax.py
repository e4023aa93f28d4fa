from otter.test_files import test_case

OK_FORMAT = False

name = "attn_softmax"
points = None

@test_case(points=1, hidden=False)
def test_attn_softmax_small(attn_softmax):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(9)

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

    def softmax_hint(A, out):
        for dim in range(A.dim() - 1):
            if out.shape == A.shape and torch.allclose(out, torch.softmax(A, dim=dim), atol=1e-06, equal_nan=True):
                return f"It looks like the softmax runs over dimension {dim}; it must run over the keys, the last dimension (dim=-1), so that every query's weights sum to one."
        return ''
    A = torch.tensor([[[0.0, math.log(3.0)], [5.0, 5.0], [-1.0, float('-inf')]]], device=dev)
    out = run(attn_softmax, 'attn_softmax', A)
    expected = torch.tensor([[[0.25, 0.75], [0.5, 0.5], [1.0, 0.0]]], device=dev)
    expect_close('attn_softmax', out, expected, 'scores [0, ln 3], [5, 5] and [-1, -inf]', softmax_hint(A, out))

