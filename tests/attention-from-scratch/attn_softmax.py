from otter.test_files import test_case

OK_FORMAT = False

name = "attn_softmax"
points = None

@test_case(points=1, hidden=False)
def test_attn_softmax_small(attn_softmax):
    import math
    import torch
    from labtest import DEVICE as dev, expect_close, run
    from lab_checks import softmax_hint
    A = torch.tensor([[[0.0, math.log(3.0)], [5.0, 5.0], [-1.0, float('-inf')]]], device=dev)
    out = run(attn_softmax, 'attn_softmax', A)
    expected = torch.tensor([[[0.25, 0.75], [0.5, 0.5], [1.0, 0.0]]], device=dev)
    expect_close('attn_softmax', out, expected, 'scores [0, ln 3], [5, 5] and [-1, -inf]', softmax_hint(A, out))

