from otter.test_files import test_case

OK_FORMAT = False

name = "pairwise_similarities"
points = None

@test_case(points=1, hidden=False)
def test_pairwise_similarities_small(pairwise_similarities):
    import torch
    from labtest import DEVICE as dev, expect_close, run
    from lab_checks import TRANSPOSE_HINT
    Q = torch.tensor([[[1.0, 0.0], [0.0, 2.0]]], device=dev)
    K = torch.tensor([[[3.0, 4.0], [1.0, 1.0], [0.0, -1.0]]], device=dev)
    A = run(pairwise_similarities, 'pairwise_similarities', Q, K, hint_on_error=TRANSPOSE_HINT)
    expected = torch.tensor([[[3.0, 1.0, 0.0], [8.0, 2.0, -2.0]]], device=dev)
    expect_close('pairwise_similarities', A, expected, 'queries [1, 0], [0, 2] and keys [3, 4], [1, 1], [0, -1]', 'A[0, i, j] should be the dot product of query i and key j. ' + TRANSPOSE_HINT)
    A = run(pairwise_similarities, 'pairwise_similarities', Q[:, None], K[:, None], hint_on_error=TRANSPOSE_HINT)
    expect_close('pairwise_similarities', A, expected[:, None], 'the same queries and keys with a head dimension, Q (1, 1, 2, 2) and K (1, 1, 3, 2)', TRANSPOSE_HINT)

