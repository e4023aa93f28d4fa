from otter.test_files import test_case

OK_FORMAT = False

name = "attnlm_sample"
points = None

@test_case(points=1, hidden=False)
def test_attnlm_shapes_and_first_position(env, attn_lm_madison, hf_tokenizer):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

    def ref_attention(Q, K, V, mask=None):
        """Reference scaled dot-product attention."""
        if mask is not None:
            assert tuple(mask.shape) == (Q.size(0), Q.size(1), K.size(1)), f'attention received a mask of shape {tuple(mask.shape)}; it must have shape (B, T, T) = {(Q.size(0), Q.size(1), K.size(1))}: add a batch dimension to the causal mask'
            assert mask.dtype == torch.bool, 'attention received a mask that is not boolean'
        scores = Q @ K.transpose(1, 2) / math.sqrt(Q.size(-1))
        if mask is not None:
            scores = scores.masked_fill(~mask, float('-inf'))
        A = torch.softmax(scores, dim=-1)
        return (A, A @ V)

    def with_reference_attention(check):
        """Runs check() with the reference attention and causal_mask swapped into the notebook, so that only
        ATTNLM.all_logits is tested; the student's functions are restored afterwards."""
        missing = object()
        saved = {name: env.get(name, missing) for name in ('attention', 'causal_mask')}
        env['attention'] = ref_attention
        env['causal_mask'] = lambda T: torch.ones(T, T, dtype=torch.bool, device=dev).tril()
        try:
            check()
        finally:
            for name, value in saved.items():
                if value is missing:
                    env.pop(name, None)
                else:
                    env[name] = value
    model = attn_lm_madison
    assert model is not None, 'attn_lm_madison is not defined: run the cells that define and load the models'
    V = len(hf_tokenizer)
    model_device = model.embed.weight.device

    def check():
        ids = torch.tensor([[1, 5, 6, 7, 8], [1, 9, 10, 11, 12]], device=model_device)
        with torch.no_grad():
            out = model.all_logits(ids)
            assert isinstance(out, torch.Tensor), f'ATTNLM.all_logits should return a tensor, but returned {type(out).__name__}'
            assert tuple(out.shape) == (2, 5, V), f'for ids of shape (2, 5), all_logits should return logits of shape (2, 5, {V}), not {tuple(out.shape)}'
            assert tuple(model(['the', 'union']).shape) == (1, V), 'model(context_words) should have shape (1, V)'
            x = model.embed(ids[:, :1])
            expected = model.hidden2output(model.v_proj(x))[:, 0]
            difference = (out[:, 0] - expected).abs().max().item()
            assert difference < 0.0001, f'at position 0 the only allowed key is position 0 itself, so the logits there should be hidden2output(v_proj(embed(BOS))); they differ by up to {difference:.3g}. Check that you use q_proj, k_proj and v_proj for queries, keys and values and pass the context vectors (the second result of attention) to hidden2output.'
    with_reference_attention(check)

@test_case(points=1, hidden=False)
def test_attnlm_causal(env, attn_lm_madison):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

    def ref_attention(Q, K, V, mask=None):
        """Reference scaled dot-product attention."""
        if mask is not None:
            assert tuple(mask.shape) == (Q.size(0), Q.size(1), K.size(1)), f'attention received a mask of shape {tuple(mask.shape)}; it must have shape (B, T, T) = {(Q.size(0), Q.size(1), K.size(1))}: add a batch dimension to the causal mask'
            assert mask.dtype == torch.bool, 'attention received a mask that is not boolean'
        scores = Q @ K.transpose(1, 2) / math.sqrt(Q.size(-1))
        if mask is not None:
            scores = scores.masked_fill(~mask, float('-inf'))
        A = torch.softmax(scores, dim=-1)
        return (A, A @ V)

    def with_reference_attention(check):
        """Runs check() with the reference attention and causal_mask swapped into the notebook, so that only
        ATTNLM.all_logits is tested; the student's functions are restored afterwards."""
        missing = object()
        saved = {name: env.get(name, missing) for name in ('attention', 'causal_mask')}
        env['attention'] = ref_attention
        env['causal_mask'] = lambda T: torch.ones(T, T, dtype=torch.bool, device=dev).tril()
        try:
            check()
        finally:
            for name, value in saved.items():
                if value is missing:
                    env.pop(name, None)
                else:
                    env[name] = value
    model = attn_lm_madison
    model_device = model.embed.weight.device

    def check():
        ids = torch.tensor([[1, 5, 6, 7, 8, 9]], device=model_device)
        changed = ids.clone()
        changed[0, -1] = 10
        with torch.no_grad():
            out, out_changed = (model.all_logits(ids), model.all_logits(changed))
        assert isinstance(out, torch.Tensor), f'ATTNLM.all_logits should return a tensor, but returned {type(out).__name__}'
        difference = (out[:, :-1] - out_changed[:, :-1]).abs().max().item()
        assert difference < 1e-05, f'changing the last word changed the logits at earlier positions (by up to {difference:.3g}): earlier positions must not see later ones. Pass a causal mask of shape (B, T, T) to attention.'
    with_reference_attention(check)

