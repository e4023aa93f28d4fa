from otter.test_files import test_case

OK_FORMAT = False

name = "attn_scaled"
points = None

@test_case(points=1, hidden=False)
def test_attn_scaled_small(attn_scaled):
    import torch
    from labtest import DEVICE as dev, expect_close, run
    from lab_checks import scale_hint
    A = torch.full((1, 2, 2), 8.0, device=dev)
    out = run(attn_scaled, 'attn_scaled', A, 64, 4)
    expect_close('attn_scaled', out, torch.full((1, 2, 2), 2.0, device=dev), 'scores of 8 with n_embd = 64 and n_heads = 4 (heads of size 16) should become 8 / sqrt(16) = 2', scale_hint(A, out, 64, 4))

