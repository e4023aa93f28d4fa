from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_3_1"
points = None

@test_case(points=1, hidden=False)
def test_multi_head_structure(MultiHeadAttention):
    import torch
    import labtest
    import torch.nn as nn
    torch.manual_seed(0)
    mha = MultiHeadAttention(context_window_size=8, num_heads=3, head_size=4, embed_size=10)
    labtest.require(mha, 'heads', 'proj')
    assert isinstance(mha.heads, nn.ModuleList) and len(mha.heads) == 3, 'self.heads should be an nn.ModuleList of num_heads (3) heads (a plain list hides them from PyTorch)'
    assert (mha.proj.in_features, mha.proj.out_features) == (12, 10), f'proj should map num_heads * head_size (12) to embed_size (10), got {mha.proj.in_features} -> {mha.proj.out_features}'
    head_parameters = sum((p.numel() for p in mha.heads.parameters()))
    assert head_parameters == 3 * 3 * 10 * 4, f'the three heads hold {head_parameters} parameters instead of 3 x 3 x (10 x 4) = 360: they share weights. [Head(...)] * num_heads repeats ONE module num_heads times; build a new head for each: nn.ModuleList([Head(...) for _ in range(num_heads)]).'
    out = mha(torch.randn(2, 5, 10))
    assert tuple(out.shape) == (2, 5, 10), f'MultiHeadAttention should return shape (B, T, D) = (2, 5, 10), got {tuple(out.shape)}'

@test_case(points=1, hidden=False)
def test_multi_head_causal(MultiHeadAttention, Head):
    import torch
    import labtest
    from lab_checks import head_is_causal
    if not head_is_causal(Head):
        return
    torch.manual_seed(0)
    mha = MultiHeadAttention(context_window_size=8, num_heads=3, head_size=4, embed_size=10)
    labtest.check_causal(mha, torch.randn(2, 6, 10), 'MultiHeadAttention')

