from otter.test_files import test_case

OK_FORMAT = False

name = "attnlm_sample"
points = None

@test_case(points=1, hidden=False)
def test_attnlm_shapes_and_first_position(attn_lm_madison):
    import torch
    import labtest
    import lab_checks
    model = attn_lm_madison
    assert model is not None, 'attn_lm_madison is not defined: run the cells that define and load the models'
    state = lab_checks.trained_weights(model, 'attn_lm_madison', 'attnlm_lm_m.pt')
    V = len(lab_checks.shipped_vocab())
    ids = torch.tensor([[1, 5, 6, 7, 8], [1, 9, 10, 11, 12]])
    with torch.no_grad():
        out = model.all_logits(ids.to(labtest.DEVICE, copy=True))
        assert isinstance(out, torch.Tensor), f'ATTNLM.all_logits should return a tensor, but returned {type(out).__name__}'
        assert tuple(out.shape) == (2, 5, V), f'for ids of shape (2, 5), all_logits should return logits of shape (2, 5, {V}), not {tuple(out.shape)}'
        assert not torch.allclose(out[0, 1:], out[1, 1:]), 'two different sequences got the same logits after BOS: all_logits must use the ids it is given'
        last = model(['the', 'union'])
        assert isinstance(last, torch.Tensor) and tuple(last.shape) == (1, V), 'model(context_words) should have shape (1, V)'
    value = state['embed.weight'][1] @ state['v_proj.weight'].T + state['v_proj.bias']
    expected = value @ state['hidden2output.weight'].T + state['hidden2output.bias']
    difference = (out[:, 0].cpu() - expected).abs().max().item()
    assert difference < 0.0001, f'at position 0 the only allowed key is position 0 itself, so the logits there should be hidden2output(v_proj(embed(BOS))); they differ by up to {difference:.3g}. Check that you use q_proj, k_proj and v_proj for queries, keys and values, pass a causal mask of shape (B, T, T) and pass the context vectors (the second result of attention) to hidden2output.'

@test_case(points=1, hidden=False)
def test_attnlm_causal(attn_lm_madison):
    import torch
    import labtest
    import lab_checks
    lab_checks.trained_weights(attn_lm_madison, 'attn_lm_madison', 'attnlm_lm_m.pt')
    ids = torch.tensor([[1, 5, 6, 7, 8, 9]])
    changed = ids.clone()
    changed[0, -1] = 10
    with torch.no_grad():
        out = attn_lm_madison.all_logits(ids.to(labtest.DEVICE, copy=True))
        out_changed = attn_lm_madison.all_logits(changed.to(labtest.DEVICE, copy=True))
    assert isinstance(out, torch.Tensor) and isinstance(out_changed, torch.Tensor), f'ATTNLM.all_logits should return a tensor, but returned {type(out).__name__}'
    difference = (out[:, :-1] - out_changed[:, :-1]).abs().max().item()
    assert difference < 1e-05, f'changing the last word changed the logits at earlier positions (by up to {difference:.3g}): earlier positions must not see later ones. Pass a causal mask of shape (B, T, T) to attention.'
    assert (out[:, -1] - out_changed[:, -1]).abs().max().item() > 0.0001, 'changing the last word did not change the logits at the last position, which may attend to it'

