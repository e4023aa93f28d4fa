from otter.test_files import test_case

OK_FORMAT = False

name = "merge_heads"
points = None

@test_case(points=1, hidden=False)
def test_merge_heads_small(merge_heads):
    import torch
    from labtest import DEVICE as dev, expect_shape, run
    from lab_checks import MERGE_HINT
    split = torch.tensor([[[[0.0, 1.0], [6.0, 7.0]], [[2.0, 3.0], [8.0, 9.0]], [[4.0, 5.0], [10.0, 11.0]]]], device=dev)
    out = run(merge_heads, 'merge_heads', split, hint_on_error=MERGE_HINT)
    expected = torch.arange(12.0, device=dev).view(1, 2, 6)
    expect_shape('merge_heads', out, expected.shape, MERGE_HINT)
    assert torch.equal(out, expected), f'merge_heads, three heads [[0, 1], [6, 7]], [[2, 3], [8, 9]], [[4, 5], [10, 11]] of two tokens: the tokens should become [0, ..., 5] and [6, ..., 11], not {out.tolist()}. ' + MERGE_HINT

