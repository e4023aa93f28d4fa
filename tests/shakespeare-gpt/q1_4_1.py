from otter.test_files import test_case

OK_FORMAT = False

name = "q1_4_1"
points = None

@test_case(points=1, hidden=False)
def test_block_structure(TransformerBlock):
    import math
    import torch
    import torch.nn.functional as F

    def require(module, *names):
        """Fails with a clear message when `module` lacks one of the attributes the lab prescribes."""
        missing = [n for n in names if not hasattr(module, n)]
        assert not missing, f'{type(module).__name__} has no attribute(s) {missing}: keep the attribute names the lab prescribes, the tests (and the reference weights) use them'
    torch.manual_seed(0)
    block = TransformerBlock(11, context_window_size=8, embed_size=12, num_heads=3)
    require(block, 'ln1', 'ln2', 'atten_heads', 'feed_forward')
    require(block.atten_heads, 'heads', 'proj')
    assert len(block.atten_heads.heads) == 3 and block.atten_heads.heads[0].head_size == 4, 'atten_heads should have num_heads (3) heads of size embed_size // num_heads (4)'
    out = block(torch.randn(2, 5, 12))
    assert tuple(out.shape) == (2, 5, 12), f'TransformerBlock should return shape (B, T, D) = (2, 5, 12), got {tuple(out.shape)}'

@test_case(points=1, hidden=False)
def test_block_causal(TransformerBlock, Head):
    import math
    import torch
    import torch.nn.functional as F

    def check_causal(fn, x, what):
        """Changing the last position of x must leave the outputs at all earlier positions unchanged."""
        with torch.no_grad():
            original = x.clone()
            out = fn(x)
            assert torch.equal(x, original), f"{what} changed its input in place (x += ... or x[...] = ...): the caller's tensor is modified. Write the residual connections as x = x + ..., which makes a new tensor."
            changed = x.clone()
            if changed.dtype == torch.long:
                changed[:, -1] = (changed[:, -1] + 1) % 5
            else:
                changed[:, -1] = torch.randn_like(changed[:, -1]) * 3
            out2 = fn(changed)
        out = out[0] if isinstance(out, tuple) else out
        out2 = out2[0] if isinstance(out2, tuple) else out2
        moved = (out[:, -1] - out2[:, -1]).abs().max().item()
        assert moved > 1e-06, f'{what} ignores its input: changing the last position does not change the output there at all.'
        diff = (out[:, :-1] - out2[:, :-1]).abs().max().item()
        assert diff < 1e-05, f'{what} is not causal: changing only the LAST position changed the outputs at earlier positions (by up to {diff:.3g}). Each position may only look at itself and earlier positions: mask the attention scores above the diagonal with -inf before the softmax.'

    def head_is_causal(Head):
        """Whether the notebook's Head is causal: a Head that sees the future is charged to Head's question only."""
        torch.manual_seed(0)
        head = Head(4, 8, 6)
        x = torch.randn(1, 5, 6)
        changed = x.clone()
        changed[:, -1] += 3.0
        with torch.no_grad():
            return (head(x) - head(changed))[:, :-1].abs().max().item() < 1e-05
    if not head_is_causal(Head):
        return
    torch.manual_seed(0)
    block = TransformerBlock(11, context_window_size=8, embed_size=12, num_heads=3)
    check_causal(block, torch.randn(2, 6, 12), 'TransformerBlock')

