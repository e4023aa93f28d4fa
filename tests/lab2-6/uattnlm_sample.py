from otter.test_files import test_case

OK_FORMAT = False

name = "uattnlm_sample"
points = None

@test_case(points=1, hidden=False)
def test_uattnlm_shapes(u_attn_lm_madison):
    import torch
    import labtest
    dev = labtest.DEVICE

    def trained_weights(model, name, filename):
        return labtest.shipped_weights(model, name, labtest.lab_file('lab2-6', 'models/' + filename), 'create it with load_model and do not change its parameters afterwards')
    model = u_attn_lm_madison
    assert model is not None, 'u_attn_lm_madison is not defined: run the cells that define and load the models'
    trained_weights(model, 'u_attn_lm_madison', 'ualm_lm_m.pt')
    V = len(labtest.load_json(labtest.lab_file('lab2-6', 'tokenizer.json'))['model']['vocab'])
    ids = torch.tensor([[1, 5, 6, 7, 8], [1, 9, 10, 11, 12]], device=dev)
    with torch.no_grad():
        out = model.all_logits(ids)
        assert isinstance(out, torch.Tensor), f'all_logits should return a tensor, but returned {type(out).__name__}'
        assert tuple(out.shape) == (2, 5, V), f'for ids of shape (B, T) = (2, 5), all_logits should return logits of shape (B, T, V) = (2, 5, {V}), but they have shape {tuple(out.shape)}'
        assert out.dtype == torch.float32, f'the logits should be float32, not {out.dtype}'
        assert not torch.allclose(out[0, 1:], out[1, 1:]), 'two different sequences got the same logits after BOS: all_logits must use the ids it is given'
        last = model(['the', 'constitution'])
        assert tuple(last.shape) == (1, V), f'model(context_words) should return logits of shape (1, {V}), not {tuple(last.shape)}'
        first = model([])
        assert tuple(first.shape) == (1, V), 'model([]) (an empty context) should work too'

@test_case(points=1, hidden=False)
def test_uattnlm_running_mean_by_hand(u_attn_lm_madison):
    import torch
    import labtest
    dev = labtest.DEVICE

    def trained_weights(model, name, filename):
        return labtest.shipped_weights(model, name, labtest.lab_file('lab2-6', 'models/' + filename), 'create it with load_model and do not change its parameters afterwards')

    def uniform_hint(state, ids, out):
        """Names a classic mistake of the running mean whose output matches `out`, if any."""
        x = state['embed.weight'][ids]
        positions = torch.arange(ids.size(1)).view(1, -1, 1)
        candidates = [('each position averages over ALL positions, including later ones: use a running (cumulative) mean', x.mean(dim=1, keepdim=True).expand_as(x)), ('the embeddings are summed but not divided by the number of positions', x.cumsum(1)), ('position t is divided by t instead of t + 1 (positions are counted from 0, BOS included)', x.cumsum(1) / positions.clamp(min=1)), ('the running mean runs over the batch dimension instead of the position dimension', x.cumsum(0) / torch.arange(1, x.size(0) + 1).view(-1, 1, 1))]
        for hint, hidden in candidates:
            logits = hidden @ state['hidden2output.weight'].T + state['hidden2output.bias']
            if torch.allclose(logits, out, atol=0.0001, rtol=0.0001):
                return ' It looks like ' + hint + '.'
        return ''
    model = u_attn_lm_madison
    state = trained_weights(model, 'u_attn_lm_madison', 'ualm_lm_m.pt')
    ids = torch.tensor([[1, 20, 30, 40]])
    with torch.no_grad():
        out = model.all_logits(ids.to(dev, copy=True))
    assert isinstance(out, torch.Tensor), f'all_logits should return a tensor, but returned {type(out).__name__}'
    out = out.cpu()
    x = state['embed.weight'][ids[0]]
    for t in range(4):
        expected = x[:t + 1].mean(dim=0) @ state['hidden2output.weight'].T + state['hidden2output.bias']
        difference = (out[0, t] - expected).abs().max().item()
        assert difference < 0.0001, f'the logits at position {t} should be hidden2output(mean of the embeddings at positions 0..{t}), but differ from it by up to {difference:.3g}.' + uniform_hint(state, ids, out)

