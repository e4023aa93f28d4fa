from otter.test_files import test_case

OK_FORMAT = False

name = "make_causal_mask"
points = None

@test_case(points=1, hidden=False)
def test_make_causal_mask_small(make_causal_mask):
    import torch
    from labtest import run

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

