from otter.test_files import test_case

OK_FORMAT = False

name = "q1_4_1"
points = None

@test_case(points=1, hidden=False)
def test_block_structure(TransformerBlock):
    import torch
    import labtest
    torch.manual_seed(0)
    block = TransformerBlock(11, context_window_size=8, embed_size=12, num_heads=3)
    labtest.require(block, 'ln1', 'ln2', 'atten_heads', 'feed_forward')
    labtest.require(block.atten_heads, 'heads', 'proj')
    assert len(block.atten_heads.heads) == 3 and block.atten_heads.heads[0].head_size == 4, 'atten_heads should have num_heads (3) heads of size embed_size // num_heads (4)'
    out = block(torch.randn(2, 5, 12))
    assert tuple(out.shape) == (2, 5, 12), f'TransformerBlock should return shape (B, T, D) = (2, 5, 12), got {tuple(out.shape)}'

@test_case(points=1, hidden=False)
def test_block_causal(TransformerBlock, Head):
    import torch
    import labtest
    from lab_checks import head_is_causal
    if not head_is_causal(Head):
        return
    torch.manual_seed(0)
    block = TransformerBlock(11, context_window_size=8, embed_size=12, num_heads=3)
    labtest.check_causal(block, torch.randn(2, 6, 12), 'TransformerBlock')

