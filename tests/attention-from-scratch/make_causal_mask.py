from otter.test_files import test_case

OK_FORMAT = False

name = "make_causal_mask"
points = None

@test_case(points=1, hidden=False)
def test_make_causal_mask_small(make_causal_mask):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(13)

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

    def check_mask(mask, n_tok):
        assert isinstance(mask, torch.Tensor), f'make_causal_mask should return a tensor, not {type(mask).__name__}'
        assert tuple(mask.shape) == (n_tok, n_tok), f'make_causal_mask({n_tok}) should have shape {(n_tok, n_tok)}, not {tuple(mask.shape)}'
        assert mask.dtype == torch.bool, f'make_causal_mask should return a boolean tensor (dtype torch.bool), not {mask.dtype}'
        got = mask.cpu()
        allowed = torch.ones(n_tok, n_tok, dtype=torch.bool).tril()
        if torch.equal(got, allowed):
            return
        hint = ''
        if torch.equal(got, allowed.tril(-1)):
            hint = 'The diagonal is excluded, but every token may attend to itself (and token 0 has nothing else): keep the diagonal, torch.tril without an offset.'
        elif torch.equal(got, allowed.T) or torch.equal(got, ~allowed.tril(-1)):
            hint = 'The mask is transposed: mask[i, j] must be True when j <= i (the past), not when j >= i. torch.tril keeps the lower triangle, torch.triu the upper one.'
        elif torch.equal(got, ~allowed) or torch.equal(got, ~allowed.tril(-1)):
            hint = "The mask is inverted: True means 'may attend'."
        raise AssertionError(f'make_causal_mask({n_tok}) should be\n{allowed.int().tolist()}\nbut is\n{got.int().tolist()}. {hint}')
    check_mask(run(make_causal_mask, 'make_causal_mask', 4), 4)

