from otter.test_files import test_case

OK_FORMAT = False

name = "make_causal_mask"
points = None

@test_case(points=1, hidden=False)
def test_make_causal_mask_small(make_causal_mask):
    import torch
    from labtest import run
    from lab_checks import check_mask
    check_mask(run(make_causal_mask, 'make_causal_mask', 4), torch.ones(4, 4, dtype=torch.bool).tril())

