from otter.test_files import test_case

OK_FORMAT = False

name = "uattnlm_sample"
points = None

@test_case(points=1, hidden=False)
def test_uattnlm_shapes(u_attn_lm_madison, hf_tokenizer):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    model = u_attn_lm_madison
    assert model is not None, 'u_attn_lm_madison is not defined: run the cells that define and load the models'
    V = len(hf_tokenizer)
    model_device = model.embed.weight.device
    ids = torch.tensor([[1, 5, 6, 7, 8], [1, 9, 10, 11, 12]], device=model_device)
    with torch.no_grad():
        out = model.all_logits(ids)
        assert isinstance(out, torch.Tensor), f'all_logits should return a tensor, but returned {type(out).__name__}'
        assert tuple(out.shape) == (2, 5, V), f'for ids of shape (B, T) = (2, 5), all_logits should return logits of shape (B, T, V) = (2, 5, {V}), but they have shape {tuple(out.shape)}'
        assert out.dtype == torch.float32, f'the logits should be float32, not {out.dtype}'
        last = model(['the', 'constitution'])
        assert tuple(last.shape) == (1, V), f'model(context_words) should return logits of shape (1, {V}), not {tuple(last.shape)}'
        first = model([])
        assert tuple(first.shape) == (1, V), 'model([]) (an empty context) should work too'

@test_case(points=1, hidden=False)
def test_uattnlm_running_mean_by_hand(u_attn_lm_madison):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

    def uniform_hint(model, ids, out):
        """Names a classic mistake of the running mean whose output matches `out`, if any."""
        with torch.no_grad():
            x = model.embed(ids)
            T = ids.size(1)
            counts = torch.arange(1, T + 1, device=ids.device).view(1, -1, 1)
            candidates = [('each position averages over ALL positions, including later ones: use a running (cumulative) mean', x.mean(dim=1, keepdim=True).expand_as(x)), ('the embeddings are summed but not divided by the number of positions', x.cumsum(1)), ('position t is divided by t instead of t + 1 (positions are counted from 0, BOS included)', x.cumsum(1) / (counts - 1).clamp(min=1)), ('the running mean runs over the batch dimension instead of the position dimension', x.cumsum(0) / torch.arange(1, x.size(0) + 1, device=ids.device).view(-1, 1, 1))]
            for hint, hidden in candidates:
                if torch.allclose(model.hidden2output(hidden), out, atol=0.0001, rtol=0.0001):
                    return ' It looks like ' + hint + '.'
        return ''
    model = u_attn_lm_madison
    model_device = model.embed.weight.device
    ids = torch.tensor([[1, 20, 30, 40]], device=model_device)
    with torch.no_grad():
        out = model.all_logits(ids)
        x = model.embed.weight[ids[0]]
        for t in range(4):
            expected = model.hidden2output(x[:t + 1].mean(dim=0))
            difference = (out[0, t] - expected).abs().max().item()
            assert difference < 0.0001, f'the logits at position {t} should be hidden2output(mean of the embeddings at positions 0..{t}), but differ from it by up to {difference:.3g}.' + uniform_hint(model, ids, out)

