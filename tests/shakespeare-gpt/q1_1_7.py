from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1_7"
points = None

@test_case(points=1, hidden=False)
def test_bigram_loss(BigramLanguageModel):
    import math
    import torch
    import torch.nn.functional as F

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
    check_loss(BigramLanguageModel(11), 11, 'BigramLanguageModel')

@test_case(points=1, hidden=False)
def test_bigram_generate_shape(BigramLanguageModel):
    import math
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    model = BigramLanguageModel(11)
    out = model.generate(torch.zeros((2, 3), dtype=torch.long), 4)
    assert torch.is_tensor(out) and tuple(out.shape) == (2, 7), f'generate(ids of shape (2, 3), 4) should return shape (2, 7), got {(tuple(out.shape) if torch.is_tensor(out) else type(out).__name__)}'
    assert out.dtype == torch.long, f'generate should return integer ids (torch.long), got {out.dtype}'
    first = model.generate(torch.zeros((1, 1), dtype=torch.long), 30)
    second = model.generate(torch.zeros((1, 1), dtype=torch.long), 30)
    assert not torch.equal(first, second), 'generate gave the same 30 new tokens twice: it should SAMPLE each one from the softmax of the logits (torch.multinomial), not take the most likely one (argmax) or a fixed one, so that two runs differ'

