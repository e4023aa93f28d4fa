from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_2_2"
points = None

@test_case(points=1, hidden=False)
def test_head_shape(Head):
    import math
    import torch
    import torch.nn.functional as F

    def require(module, *names):
        """Fails with a clear message when `module` lacks one of the attributes the lab prescribes."""
        missing = [n for n in names if not hasattr(module, n)]
        assert not missing, f'{type(module).__name__} has no attribute(s) {missing}: keep the attribute names the lab prescribes, the tests (and the reference weights) use them'
    torch.manual_seed(0)
    head = Head(head_size=4, context_window_size=8, embed_size=6)
    require(head, 'key', 'query', 'value', 'tril')
    out = head(torch.randn(2, 5, 6))
    assert torch.is_tensor(out) and tuple(out.shape) == (2, 5, 4), f'Head(head_size=4, ..., embed_size=6) on x of shape (2, 5, 6) should return shape (B, T, K) = (2, 5, 4), got {(tuple(out.shape) if torch.is_tensor(out) else type(out).__name__)}'

@test_case(points=1, hidden=False)
def test_head_causal(Head):
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
    torch.manual_seed(0)
    head = Head(head_size=4, context_window_size=8, embed_size=6)
    check_causal(head, torch.randn(2, 6, 6), 'Head')

@test_case(points=1, hidden=False)
def test_head_first_position(Head):
    import math
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    head = Head(head_size=4, context_window_size=8, embed_size=6)
    x = torch.randn(2, 5, 6)
    with torch.no_grad():
        out = head(x)
        expected = head.value(x[:, 0])
    assert torch.allclose(out[:, 0], expected, atol=1e-05), 'position 0 can only attend to itself, so its output must be its own value vector value(x[:, 0])'

