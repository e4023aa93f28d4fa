from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_2_3"
points = None

@test_case(points=1, hidden=False)
def test_single_head_lm_loss(SingleHeadedAttentionLM):
    import math
    import torch
    import torch.nn.functional as F

    def require(module, *names):
        """Fails with a clear message when `module` lacks one of the attributes the lab prescribes."""
        missing = [n for n in names if not hasattr(module, n)]
        assert not missing, f'{type(module).__name__} has no attribute(s) {missing}: keep the attribute names the lab prescribes, the tests (and the reference weights) use them'

    def check_loss(model, V, name):
        """forward returns logits (B, T, V) and the mean cross-entropy of the targets; loss is None without targets."""
        torch.manual_seed(1)
        ids = torch.randint(V, (3, 7))
        targets = torch.randint(V, (3, 7))
        try:
            logits, loss = model(ids, targets)
        except Exception as err:
            hint = ''
            if 'target size' in str(err):
                hint = ' F.cross_entropy takes logits of shape (N, V) and targets of shape (N,): flatten both first, logits.view(B * T, V) and targets.view(B * T).'
            elif 'mat1 and mat2' in str(err):
                hint = ' A linear layer got vectors of another size than it expects: lm_head must take what comes before it (embed_size features, or num_heads * head_size), and map it to vocab_size.'
            raise AssertionError(f'{name}(token ids of shape (3, 7), targets of shape (3, 7)) raised {type(err).__name__}: {err}.{hint}')
        assert tuple(logits.shape) == (3, 7, V), f'{name}: logits should have shape (B, T, V) = (3, 7, {V}), got {tuple(logits.shape)}'
        assert loss is not None and torch.is_tensor(loss) and (loss.dim() == 0), f'{name}: with targets, forward should return the loss as a scalar tensor, got {loss!r}'
        expected = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
        if not torch.allclose(loss, expected, atol=1e-05):
            hint = ''
            if torch.allclose(loss, expected * 21, atol=0.001):
                hint = ' It looks like the loss is SUMMED over the 21 positions: take the mean (per character).'
            raise AssertionError(f'{name}: the loss {loss.item():.4f} is not the cross-entropy of the returned logits and the targets ({expected.item():.4f}).' + hint)
        logits2, loss2 = model(ids)
        assert loss2 is None, f'{name}: without targets the loss should be None'
        assert torch.allclose(logits, logits2, atol=1e-06), f'{name}: the logits should not depend on the targets'
    torch.manual_seed(0)
    model = SingleHeadedAttentionLM(11, context_window_size=8, head_size=6, embed_size=10)
    require(model, 'token_embedding_table', 'position_embedding_table', 'atten_head', 'lm_head')
    check_loss(model, 11, 'SingleHeadedAttentionLM')

@test_case(points=1, hidden=False)
def test_single_head_lm_causal(SingleHeadedAttentionLM, Head):
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
    model = SingleHeadedAttentionLM(11, context_window_size=8, head_size=6, embed_size=10)
    check_causal(lambda ids: model(ids)[0], torch.randint(11, (2, 7)), 'SingleHeadedAttentionLM')

