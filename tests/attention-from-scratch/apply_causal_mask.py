from otter.test_files import test_case

OK_FORMAT = False

name = "apply_causal_mask"
points = None

@test_case(points=1, hidden=False)
def test_apply_causal_mask_small(apply_causal_mask):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(15)

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

    def check_masked(out, A, allowed, label):
        expect_shape('apply_causal_mask', out, A.shape)
        kept = torch.where(allowed, out, A)
        assert torch.equal(kept, A), f'apply_causal_mask, {label}: the scores where the mask is True must stay unchanged'
        hidden = out.masked_select(~allowed.expand_as(out))
        if hidden.numel() and hidden.max().item() > -1000000000.0:
            hint = " They are 0: a score of 0 is not 'no attention', since exp(0) = 1 still gives future tokens weight. Use -inf." if (hidden == 0).all() else ''
            raise AssertionError(f'apply_causal_mask, {label}: the scores where the mask is False must become -inf, but some are {hidden.max().item():.3g}.' + hint)
    A = torch.arange(1.0, 10.0, device=dev).view(1, 3, 3)
    mask = torch.ones(3, 3, dtype=torch.bool, device=dev).tril()
    out = run(apply_causal_mask, 'apply_causal_mask', mask, A)
    check_masked(out, A, mask, 'scores [[1, 2, 3], [4, 5, 6], [7, 8, 9]] with a causal mask')

