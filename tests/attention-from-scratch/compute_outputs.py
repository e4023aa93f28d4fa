from otter.test_files import test_case

OK_FORMAT = False

name = "compute_outputs"
points = None

@test_case(points=1, hidden=False)
def test_compute_outputs_small(compute_outputs):
    import torch
    from labtest import DEVICE as dev, expect_close, run
    A = torch.tensor([[[0.25, 0.75], [1.0, 0.0], [0.5, 0.5]]], device=dev)
    V = torch.tensor([[[4.0, 0.0, 1.0], [0.0, 8.0, 1.0]]], device=dev)
    out = run(compute_outputs, 'compute_outputs', A, V)
    expected = torch.tensor([[[1.0, 6.0, 1.0], [4.0, 0.0, 1.0], [2.0, 4.0, 1.0]]], device=dev)
    expect_close('compute_outputs', out, expected, 'weights [0.25, 0.75], [1, 0], [0.5, 0.5]', 'Output i is sum_j A[i, j] * V[j], that is A @ V.')

