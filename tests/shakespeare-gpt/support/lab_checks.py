# TEST SUPPORT
# What several of this lab's tests share; no expected value.
import torch


def head_is_causal(Head):
    """Whether the notebook's Head is causal: a Head that sees the future is charged to Head's question only."""
    torch.manual_seed(0)
    head = Head(4, 8, 6)
    x = torch.randn(1, 5, 6)
    changed = x.clone()
    changed[:, -1] += 3.0
    with torch.no_grad():
        return (head(x) - head(changed))[:, :-1].abs().max().item() < 1e-5
