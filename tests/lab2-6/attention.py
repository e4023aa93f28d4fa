from otter.test_files import test_case

OK_FORMAT = False

name = "attention"
points = None

@test_case(points=0, hidden=False)
def test_attention_shapes(attention):
    import torch
    import labtest
    from lab_checks import run_attention
    assert callable(attention), 'attention is not defined: run the cell that defines it'
    randn = labtest.Random(0).randn
    Q, K, V = (randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 4))
    A, C = run_attention(attention, Q, K, V)
    assert tuple(A.shape) == (2, 3, 5), f'batched_A should have shape (bsz, q_len, k_len) = (2, 3, 5), but has shape {tuple(A.shape)}'
    assert tuple(C.shape) == (2, 3, 4), f'batched_C should have shape (bsz, q_len, D) = (2, 3, 4), but has shape {tuple(C.shape)}'
    assert A.dtype == torch.float32 and C.dtype == torch.float32, f'batched_A and batched_C should be float32, not {A.dtype} and {C.dtype}'

@test_case(points=1, hidden=False)
def test_attention_rows_and_mask(attention):
    import torch
    import labtest
    from lab_checks import run_attention
    generator = torch.Generator().manual_seed(1)
    Q = torch.randn(2, 3, 4, generator=generator)
    K = torch.randn(2, 5, 4, generator=generator)
    V = torch.randn(2, 5, 4, generator=generator)
    T, F = (True, False)
    mask = torch.tensor([[[T, T, F, F, F], [T, F, T, F, T], [F, F, F, F, T]], [[T, T, T, T, T], [F, T, F, T, F], [T, F, F, F, F]]])
    for m, label in [(None, 'without a mask'), (mask, 'with a mask')]:
        inputs = [t.to(labtest.DEVICE) for t in (Q, K, V)] + ([] if m is None else [m.to(labtest.DEVICE)])
        A, C = run_attention(attention, *inputs)
        A, C = (A.cpu(), C.cpu())
        assert torch.isfinite(A).all(), f'batched_A contains NaN or infinite values {label}.'
        assert (A >= 0).all(), f'batched_A has negative entries {label}: apply a softmax to the scores.'
        sums = A.sum(dim=-1)
        wrong = ((sums - 1).abs() > 0.0001).nonzero()
        if len(wrong) > 0:
            b, i = wrong[0].tolist()
            raise AssertionError(f'{label}, row {i} of batched_A[{b}] sums to {sums[b, i].item():.3f}, but every row should sum to one (a distribution over the keys). With a mask, set the masked *scores* to -inf before the softmax: zeroing weights after it breaks the sums.')
        if m is not None:
            leaked = A.masked_select(~m)
            assert leaked.abs().max().item() == 0, f'batched_A gives weight up to {leaked.abs().max().item():.3f} to keys where the mask is False; those weights must be exactly zero (mask == False marks the keys a query may NOT attend to).'
        assert torch.allclose(C, A @ V, atol=1e-05), f'{label}, batched_C should be the weighted sum of the values, batched_A @ batched_V'

@test_case(points=1, hidden=False)
def test_attention_by_hand(attention):
    import math
    import torch
    import labtest
    from lab_checks import run_attention
    dev = labtest.DEVICE
    Q = torch.tensor([[[2.0, 0.0, 0.0, 0.0]]], device=dev)
    K = torch.tensor([[[math.log(3), 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]], device=dev)
    V = torch.tensor([[[4.0, 0.0, 0.0, 0.0], [0.0, 8.0, 0.0, 0.0]]], device=dev)
    A, C = run_attention(attention, Q, K, V)
    weights = [round(w, 4) for w in A.view(-1).tolist()]
    if weights == [0.9, 0.1]:
        raise AssertionError('got weights [0.9, 0.1] instead of [0.75, 0.25]: divide the scores by sqrt(D) = 2')
    if weights == [round(math.sqrt(3) / (math.sqrt(3) + 1), 4), round(1 / (math.sqrt(3) + 1), 4)]:
        raise AssertionError(f'got weights {weights} instead of [0.75, 0.25]: divide the scores by sqrt(D) = 2, not by D = 4')
    if weights == [1.0, 1.0]:
        raise AssertionError('got weights [1.0, 1.0]: the softmax must normalise over the keys (the last dimension), not over the queries')
    assert weights == [0.75, 0.25], f'the weights should be [0.75, 0.25], but are {weights}'
    assert torch.allclose(C.view(-1).cpu(), torch.tensor([3.0, 2.0, 0.0, 0.0]), atol=1e-05), f'the weights are right, but the context vector should be [3, 2, 0, 0], not {C.view(-1).tolist()}'
    A, C = run_attention(attention, Q, K, V, torch.tensor([[[False, True]]], device=dev))
    assert torch.allclose(A.view(-1).cpu(), torch.tensor([0.0, 1.0]), atol=1e-06), f'with mask [[False, True]] the weights should be [0, 1], but are {A.view(-1).tolist()}'
    assert torch.allclose(C.view(-1).cpu(), torch.tensor([0.0, 8.0, 0.0, 0.0]), atol=1e-05), 'with only key 2 allowed, the context should be v2'

