from otter.test_files import test_case

OK_FORMAT = False

name = "causal_attention_mask"
points = None

@test_case(points=1, hidden=False)
def test_causal_mask_small(causal_mask):
    import torch

    def mask_hint(got, expected):
        """Names a classic mistake whose mask equals `got`, if any (`expected` is the right mask)."""
        diagonal = torch.eye(len(expected), dtype=torch.bool, device=expected.device)
        if torch.equal(got, expected & ~diagonal):
            return ' The diagonal is False, but every position may attend to itself: use tril without an offset.'
        if torch.equal(got, expected.T) or torch.equal(got, ~(expected & ~diagonal)):
            return ' True entries are above the diagonal: mask[i, j] must be True when j <= i (the past), not j >= i.'
        if torch.equal(got, ~expected):
            return " The mask is inverted: True means 'may attend'."
        return ''
    assert callable(causal_mask), 'causal_mask is not defined: run the cell that defines it'
    mask = causal_mask(4)
    assert isinstance(mask, torch.Tensor), f'causal_mask should return a tensor, not {type(mask).__name__}'
    assert tuple(mask.shape) == (4, 4), f'causal_mask(4) should have shape (4, 4), not {tuple(mask.shape)}'
    assert mask.dtype == torch.bool, f'causal_mask should return a boolean tensor (dtype torch.bool), not {mask.dtype}'
    T, F = (True, False)
    expected = torch.tensor([[T, F, F, F], [T, T, F, F], [T, T, T, F], [T, T, T, T]], device=mask.device)
    assert torch.equal(mask, expected), f'causal_mask(4) should be\n{expected.int().tolist()}\nbut is\n{mask.int().tolist()}.\n' + mask_hint(mask, expected)

