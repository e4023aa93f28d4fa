from otter.test_files import test_case

OK_FORMAT = False

name = "causal_attention_mask"
points = None

@test_case(points=1, hidden=False)
def test_causal_mask_small(causal_mask):
    import torch
    from lab_checks import mask_hint
    assert callable(causal_mask), 'causal_mask is not defined: run the cell that defines it'
    mask = causal_mask(4)
    assert isinstance(mask, torch.Tensor), f'causal_mask should return a tensor, not {type(mask).__name__}'
    assert tuple(mask.shape) == (4, 4), f'causal_mask(4) should have shape (4, 4), not {tuple(mask.shape)}'
    assert mask.dtype == torch.bool, f'causal_mask should return a boolean tensor (dtype torch.bool), not {mask.dtype}'
    T, F = (True, False)
    expected = torch.tensor([[T, F, F, F], [T, T, F, F], [T, T, T, F], [T, T, T, T]], device=mask.device)
    assert torch.equal(mask, expected), f'causal_mask(4) should be\n{expected.int().tolist()}\nbut is\n{mask.int().tolist()}.\n' + mask_hint(mask, expected)

