from otter.test_files import test_case

OK_FORMAT = False

name = "uattnlm_sample"
points = None

@test_case(points=1, hidden=False)
def test_uattnlm_shapes(u_attn_lm_madison):
    import torch
    import labtest
    import lab_checks
    model = u_attn_lm_madison
    assert model is not None, 'u_attn_lm_madison is not defined: run the cells that define and load the models'
    lab_checks.trained_weights(model, 'u_attn_lm_madison', 'ualm_lm_m.pt')
    V = len(lab_checks.shipped_vocab())
    ids = torch.tensor([[1, 5, 6, 7, 8], [1, 9, 10, 11, 12]], device=labtest.DEVICE)
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
    import lab_checks
    state = lab_checks.trained_weights(u_attn_lm_madison, 'u_attn_lm_madison', 'ualm_lm_m.pt')
    ids = torch.tensor([[1, 20, 30, 40]])
    with torch.no_grad():
        out = u_attn_lm_madison.all_logits(ids.to(labtest.DEVICE, copy=True))
    assert isinstance(out, torch.Tensor), f'all_logits should return a tensor, but returned {type(out).__name__}'
    out = out.cpu()
    x = state['embed.weight'][ids[0]]
    for t in range(4):
        expected = x[:t + 1].mean(dim=0) @ state['hidden2output.weight'].T + state['hidden2output.bias']
        difference = (out[0, t] - expected).abs().max().item()
        assert difference < 0.0001, f'the logits at position {t} should be hidden2output(mean of the embeddings at positions 0..{t}), but differ from it by up to {difference:.3g}.' + lab_checks.uniform_hint(state, ids, out)

