from otter.test_files import test_case

OK_FORMAT = False

name = "apply_causal_mask"
points = None

@test_case(points=1, hidden=False)
def test_apply_causal_mask_small(apply_causal_mask):
    import torch
    from labtest import DEVICE as dev, run
    from lab_checks import check_masked
    A = torch.arange(1.0, 10.0, device=dev).view(1, 3, 3)
    mask = torch.ones(3, 3, dtype=torch.bool, device=dev).tril()
    out = run(apply_causal_mask, 'apply_causal_mask', mask, A)
    check_masked(out, A, mask, 'scores [[1, 2, 3], [4, 5, 6], [7, 8, 9]] with a causal mask')

