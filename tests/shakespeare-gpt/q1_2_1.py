from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2_1"
points = None

@test_case(points=1, hidden=False)
def test_embeddings_layers(BigramWithWordEmbeddingsLM):
    import math
    import torch
    import torch.nn.functional as F

    def require(module, *names):
        """Fails with a clear message when `module` lacks one of the attributes the lab prescribes."""
        missing = [n for n in names if not hasattr(module, n)]
        assert not missing, f'{type(module).__name__} has no attribute(s) {missing}: keep the attribute names the lab prescribes, the tests (and the reference weights) use them'
    import torch.nn as nn
    model = BigramWithWordEmbeddingsLM(11, embed_size=5)
    require(model, 'token_embedding_table', 'lm_head')
    assert tuple(model.token_embedding_table.weight.shape) == (11, 5), f'token_embedding_table should map 11 ids to vectors of size 5, its weight has shape {tuple(model.token_embedding_table.weight.shape)}'
    assert isinstance(model.lm_head, nn.Linear) and (model.lm_head.in_features, model.lm_head.out_features) == (5, 11), 'lm_head should be an nn.Linear from embed_size (5) to vocab_size (11)'

@test_case(points=1, hidden=False)
def test_embeddings_loss(BigramWithWordEmbeddingsLM):
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
    check_loss(BigramWithWordEmbeddingsLM(11, embed_size=5), 11, 'BigramWithWordEmbeddingsLM')

