from otter.test_files import test_case

OK_FORMAT = False

name = "split_heads"
points = None

@test_case(points=1, hidden=False)
def test_split_heads_small(split_heads):
    import torch
    from labtest import DEVICE as dev, expect_shape, run
    from lab_checks import split_hint
    x = torch.arange(12.0, device=dev).view(1, 2, 6)
    out = run(split_heads, 'split_heads', x, 3)
    expected = torch.tensor([[[[0.0, 1.0], [6.0, 7.0]], [[2.0, 3.0], [8.0, 9.0]], [[4.0, 5.0], [10.0, 11.0]]]], device=dev)
    hint = split_hint(x, 3, out)
    expect_shape('split_heads', out, expected.shape, hint)
    assert torch.equal(out, expected), f'split_heads, two tokens [0, ..., 5] and [6, ..., 11] with three heads: head h should hold the h-th pair of numbers of each token, [[[0, 1], [6, 7]], [[2, 3], [8, 9]], [[4, 5], [10, 11]]], not {out.tolist()}. ' + hint

