from otter.test_files import test_case

OK_FORMAT = False

name = "apply_causal_mask"
points = None

@test_case(points=1, hidden=False)
def test_apply_causal_mask_small(apply_causal_mask):
    import torch
    from labtest import DEVICE as dev, expect_shape, run

    def check_masked(out, A, allowed, label):
        expect_shape('apply_causal_mask', out, A.shape)
        kept = torch.where(allowed, out, A)
        assert torch.equal(kept, A), f'apply_causal_mask, {label}: the scores where the mask is True must stay unchanged'
        hidden = out.masked_select(~allowed.expand_as(out))
        if hidden.numel() and hidden.max().item() > -1000000000.0:
            hint = " They are 0: a score of 0 is not 'no attention', since exp(0) = 1 still gives future tokens weight. Use -inf." if (hidden == 0).all() else ''
            raise AssertionError(f'apply_causal_mask, {label}: the scores where the mask is False must become -inf, but some are {hidden.max().item():.3g}.' + hint)
    A = torch.arange(1.0, 10.0, device=dev).view(1, 3, 3)
    mask = torch.ones(3, 3, dtype=torch.bool, device=dev).tril()
    out = run(apply_causal_mask, 'apply_causal_mask', mask, A)
    check_masked(out, A, mask, 'scores [[1, 2, 3], [4, 5, 6], [7, 8, 9]] with a causal mask')

