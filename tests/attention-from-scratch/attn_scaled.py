from otter.test_files import test_case

OK_FORMAT = False

name = "attn_scaled"
points = None

@test_case(points=1, hidden=False)
def test_attn_scaled_small(attn_scaled):
    import torch
    from labtest import DEVICE as dev, expect_close, matching_hint, run

    def scale_hint(A, out, n_embd, n_heads):
        return matching_hint(out, [(f'It looks like the scores are {hint}.', A * factor) for hint, factor in [('scaled by 1/sqrt(n_embd) instead of 1/sqrt(n_embd / n_heads), the size of one head', n_embd ** (-0.5)), ('scaled by 1/sqrt(n_heads) instead of 1/sqrt(n_embd / n_heads)', n_heads ** (-0.5)), ('divided by n_embd / n_heads without the square root', n_heads / n_embd), ('not scaled at all', 1.0)]])
    A = torch.full((1, 2, 2), 8.0, device=dev)
    out = run(attn_scaled, 'attn_scaled', A, 64, 4)
    expect_close('attn_scaled', out, torch.full((1, 2, 2), 2.0, device=dev), 'scores of 8 with n_embd = 64 and n_heads = 4 (heads of size 16) should become 8 / sqrt(16) = 2', scale_hint(A, out, 64, 4))

