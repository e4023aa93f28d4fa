from otter.test_files import test_case

OK_FORMAT = False

name = "self_attention"
points = None

@test_case(points=1, hidden=False)
def test_1_no_mask_one_head(self_attention):
    import torch
    import labtest
    randn = labtest.Random(1).randn
    trace_calls = labtest.in_kernel(labtest.trace_calls)

    def check_assembly(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        """Runs self_attention and checks that it is assembled from the notebook's functions; returns the inputs and
        its output, or None when one of the student's functions raised inside it (that function's own check says
        why)."""
        assert callable(self_attention), 'self_attention is not defined: run the cell that defines it'
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        call = f'self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)}'
        own = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs', 'make_causal_mask', 'apply_causal_mask', 'split_heads', 'merge_heads', 'torch_self_attention']
        library = [('torch.nn.functional', 'scaled_dot_product_attention', 'F.scaled_dot_product_attention'), ('torch.nn.functional', 'multi_head_attention_forward', 'F.multi_head_attention_forward'), ('torch', 'nn.MultiheadAttention.forward', 'nn.MultiheadAttention')]
        out, calls, error = trace_calls(self_attention, (Q, K, V, n_heads, causal), own, library)
        if any((name.startswith('!') for name in calls)):
            return None
        assert error is None, f'{label}: {call} raised {error}'
        library = [name for name in dict.fromkeys(calls) if name.startswith(('F.', 'nn.', 'torch_'))]
        assert not library, f"{label}: {call} calls {', '.join(library)}. This lab builds attention from scratch: assemble self_attention from your own functions of Steps 1-3; PyTorch's attention is only what the notebook compares it with."
        if causal and 'attn_softmax' in calls:
            masking = [i for i, name in enumerate(calls) if name in ('make_causal_mask', 'apply_causal_mask')]
            assert not masking or min(masking) < calls.index('attn_softmax'), f'{label}: {call} masks after the softmax. Mask the scaled *scores* (apply_causal_mask) and take the softmax of the masked scores, so that future tokens get exactly zero weight and the rest still sums to one.'
        needed = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs']
        needed += ['make_causal_mask', 'apply_causal_mask'] if causal else []
        needed += ['split_heads', 'merge_heads'] if n_heads > 1 else []
        missing = [name for name in needed if name not in calls]
        assert not missing, f"{label}: {call} does not call {', '.join(missing)}. self_attention is the assembly of your functions: scores (pairwise_similarities), scaling (attn_scaled), the mask if causal (make_causal_mask, apply_causal_mask), the softmax (attn_softmax) and the outputs (compute_outputs), with the heads split (split_heads_qkv) before and merged (merge_heads) after when n_heads > 1."
        assert causal or 'apply_causal_mask' not in calls, f'{label}: {call} masks the scores although causal=False: mask only when causal is True.'
        assert isinstance(out, torch.Tensor), f'{label}: self_attention should return a tensor, not {type(out).__name__}'
        assert tuple(out.shape) == (B, n_tok, n_embd), f'{label}: {call} returned shape {tuple(out.shape)}; it should return {(B, n_tok, n_embd)}, the heads merged back together.'
        return (Q, K, V, out)
    check_assembly(self_attention, 'Test 1', B=2, n_tok=6, n_embd=12, n_heads=1, causal=False)

@test_case(points=1, hidden=False)
def test_2_causal_one_head(self_attention):
    import torch
    import labtest
    randn = labtest.Random(2).randn
    trace_calls = labtest.in_kernel(labtest.trace_calls)

    def check_assembly(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        """Runs self_attention and checks that it is assembled from the notebook's functions; returns the inputs and
        its output, or None when one of the student's functions raised inside it (that function's own check says
        why)."""
        assert callable(self_attention), 'self_attention is not defined: run the cell that defines it'
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        call = f'self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)}'
        own = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs', 'make_causal_mask', 'apply_causal_mask', 'split_heads', 'merge_heads', 'torch_self_attention']
        library = [('torch.nn.functional', 'scaled_dot_product_attention', 'F.scaled_dot_product_attention'), ('torch.nn.functional', 'multi_head_attention_forward', 'F.multi_head_attention_forward'), ('torch', 'nn.MultiheadAttention.forward', 'nn.MultiheadAttention')]
        out, calls, error = trace_calls(self_attention, (Q, K, V, n_heads, causal), own, library)
        if any((name.startswith('!') for name in calls)):
            return None
        assert error is None, f'{label}: {call} raised {error}'
        library = [name for name in dict.fromkeys(calls) if name.startswith(('F.', 'nn.', 'torch_'))]
        assert not library, f"{label}: {call} calls {', '.join(library)}. This lab builds attention from scratch: assemble self_attention from your own functions of Steps 1-3; PyTorch's attention is only what the notebook compares it with."
        if causal and 'attn_softmax' in calls:
            masking = [i for i, name in enumerate(calls) if name in ('make_causal_mask', 'apply_causal_mask')]
            assert not masking or min(masking) < calls.index('attn_softmax'), f'{label}: {call} masks after the softmax. Mask the scaled *scores* (apply_causal_mask) and take the softmax of the masked scores, so that future tokens get exactly zero weight and the rest still sums to one.'
        needed = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs']
        needed += ['make_causal_mask', 'apply_causal_mask'] if causal else []
        needed += ['split_heads', 'merge_heads'] if n_heads > 1 else []
        missing = [name for name in needed if name not in calls]
        assert not missing, f"{label}: {call} does not call {', '.join(missing)}. self_attention is the assembly of your functions: scores (pairwise_similarities), scaling (attn_scaled), the mask if causal (make_causal_mask, apply_causal_mask), the softmax (attn_softmax) and the outputs (compute_outputs), with the heads split (split_heads_qkv) before and merged (merge_heads) after when n_heads > 1."
        assert causal or 'apply_causal_mask' not in calls, f'{label}: {call} masks the scores although causal=False: mask only when causal is True.'
        assert isinstance(out, torch.Tensor), f'{label}: self_attention should return a tensor, not {type(out).__name__}'
        assert tuple(out.shape) == (B, n_tok, n_embd), f'{label}: {call} returned shape {tuple(out.shape)}; it should return {(B, n_tok, n_embd)}, the heads merged back together.'
        return (Q, K, V, out)
    check_assembly(self_attention, 'Test 2', B=2, n_tok=6, n_embd=12, n_heads=1, causal=True)

@test_case(points=1, hidden=False)
def test_3_causal_four_heads(self_attention):
    import torch
    import labtest
    randn = labtest.Random(3).randn
    trace_calls = labtest.in_kernel(labtest.trace_calls)

    def check_assembly(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        """Runs self_attention and checks that it is assembled from the notebook's functions; returns the inputs and
        its output, or None when one of the student's functions raised inside it (that function's own check says
        why)."""
        assert callable(self_attention), 'self_attention is not defined: run the cell that defines it'
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        call = f'self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)}'
        own = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs', 'make_causal_mask', 'apply_causal_mask', 'split_heads', 'merge_heads', 'torch_self_attention']
        library = [('torch.nn.functional', 'scaled_dot_product_attention', 'F.scaled_dot_product_attention'), ('torch.nn.functional', 'multi_head_attention_forward', 'F.multi_head_attention_forward'), ('torch', 'nn.MultiheadAttention.forward', 'nn.MultiheadAttention')]
        out, calls, error = trace_calls(self_attention, (Q, K, V, n_heads, causal), own, library)
        if any((name.startswith('!') for name in calls)):
            return None
        assert error is None, f'{label}: {call} raised {error}'
        library = [name for name in dict.fromkeys(calls) if name.startswith(('F.', 'nn.', 'torch_'))]
        assert not library, f"{label}: {call} calls {', '.join(library)}. This lab builds attention from scratch: assemble self_attention from your own functions of Steps 1-3; PyTorch's attention is only what the notebook compares it with."
        if causal and 'attn_softmax' in calls:
            masking = [i for i, name in enumerate(calls) if name in ('make_causal_mask', 'apply_causal_mask')]
            assert not masking or min(masking) < calls.index('attn_softmax'), f'{label}: {call} masks after the softmax. Mask the scaled *scores* (apply_causal_mask) and take the softmax of the masked scores, so that future tokens get exactly zero weight and the rest still sums to one.'
        needed = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs']
        needed += ['make_causal_mask', 'apply_causal_mask'] if causal else []
        needed += ['split_heads', 'merge_heads'] if n_heads > 1 else []
        missing = [name for name in needed if name not in calls]
        assert not missing, f"{label}: {call} does not call {', '.join(missing)}. self_attention is the assembly of your functions: scores (pairwise_similarities), scaling (attn_scaled), the mask if causal (make_causal_mask, apply_causal_mask), the softmax (attn_softmax) and the outputs (compute_outputs), with the heads split (split_heads_qkv) before and merged (merge_heads) after when n_heads > 1."
        assert causal or 'apply_causal_mask' not in calls, f'{label}: {call} masks the scores although causal=False: mask only when causal is True.'
        assert isinstance(out, torch.Tensor), f'{label}: self_attention should return a tensor, not {type(out).__name__}'
        assert tuple(out.shape) == (B, n_tok, n_embd), f'{label}: {call} returned shape {tuple(out.shape)}; it should return {(B, n_tok, n_embd)}, the heads merged back together.'
        return (Q, K, V, out)
    check_assembly(self_attention, 'Test 3', B=2, n_tok=6, n_embd=12, n_heads=4, causal=True)

