from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_2_2"
points = None

@test_case(points=1, hidden=False)
def test_head_shape(Head):
    import torch
    import labtest
    torch.manual_seed(0)
    head = Head(head_size=4, context_window_size=8, embed_size=6)
    labtest.require(head, 'key', 'query', 'value', 'tril')
    out = head(torch.randn(2, 5, 6))
    assert torch.is_tensor(out) and tuple(out.shape) == (2, 5, 4), f'Head(head_size=4, ..., embed_size=6) on x of shape (2, 5, 6) should return shape (B, T, K) = (2, 5, 4), got {(tuple(out.shape) if torch.is_tensor(out) else type(out).__name__)}'

@test_case(points=1, hidden=False)
def test_head_causal(Head):
    import torch
    import labtest
    torch.manual_seed(0)
    head = Head(head_size=4, context_window_size=8, embed_size=6)
    labtest.check_causal(head, torch.randn(2, 6, 6), 'Head')

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

