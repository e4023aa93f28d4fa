from otter.test_files import test_case

OK_FORMAT = False

name = "self_attention"
points = None

@test_case(points=1, hidden=False)
def test_1_no_mask_one_head(self_attention):
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(1)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(dev)

    def trace_self_attention(self_attention, Q, K, V, n_heads, causal):
        """In the notebook's kernel: self_attention's output (None if it raised), in call order which of the
        notebook's attention functions and of PyTorch's own attention it called ("!name" when that one raised), and
        the error it raised (or None). Nothing is computed here."""
        import torch
        import torch.nn.functional as F
        own = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs', 'make_causal_mask', 'apply_causal_mask', 'split_heads', 'merge_heads', 'torch_self_attention']
        library = [(F, 'scaled_dot_product_attention', 'F.scaled_dot_product_attention'), (F, 'multi_head_attention_forward', 'F.multi_head_attention_forward'), (torch.nn.MultiheadAttention, 'forward', 'nn.MultiheadAttention')]
        namespace = getattr(self_attention, '__globals__', {})
        calls = []

        def spy(label, function):

            def recorded(*args, **kwargs):
                calls.append(label)
                try:
                    return function(*args, **kwargs)
                except Exception:
                    calls.append('!' + label)
                    raise
            return recorded
        saved = {name: namespace[name] for name in own if callable(namespace.get(name))}
        originals = [(owner, attribute, label, getattr(owner, attribute)) for owner, attribute, label in library]
        labels = {id(function): label for _, _, label, function in originals}
        aliases = {name: value for name, value in namespace.items() if id(value) in labels}
        try:
            for name, function in saved.items():
                namespace[name] = spy(name, function)
            for name, function in aliases.items():
                namespace[name] = spy(labels[id(function)], function)
            for owner, attribute, label, function in originals:
                setattr(owner, attribute, spy(label, function))
            out, error = (self_attention(Q, K, V, n_heads, causal), None)
        except Exception as err:
            out, error = (None, f'{type(err).__name__}: {err}')
        finally:
            namespace.update(saved)
            namespace.update(aliases)
            for owner, attribute, label, function in originals:
                setattr(owner, attribute, function)
        return (out, calls, error)
    try:
        from labkit_grading import in_kernel
    except ImportError:

        def in_kernel(function):
            return function
    trace_self_attention = in_kernel(trace_self_attention)

    def check_assembly(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        """Runs self_attention and checks that it is assembled from the notebook's functions; returns the inputs and
        its output, or None when one of the student's functions raised inside it (that function's own check says
        why)."""
        assert callable(self_attention), 'self_attention is not defined: run the cell that defines it'
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        call = f'self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)}'
        out, calls, error = trace_self_attention(self_attention, Q, K, V, n_heads, causal)
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
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(2)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(dev)

    def trace_self_attention(self_attention, Q, K, V, n_heads, causal):
        """In the notebook's kernel: self_attention's output (None if it raised), in call order which of the
        notebook's attention functions and of PyTorch's own attention it called ("!name" when that one raised), and
        the error it raised (or None). Nothing is computed here."""
        import torch
        import torch.nn.functional as F
        own = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs', 'make_causal_mask', 'apply_causal_mask', 'split_heads', 'merge_heads', 'torch_self_attention']
        library = [(F, 'scaled_dot_product_attention', 'F.scaled_dot_product_attention'), (F, 'multi_head_attention_forward', 'F.multi_head_attention_forward'), (torch.nn.MultiheadAttention, 'forward', 'nn.MultiheadAttention')]
        namespace = getattr(self_attention, '__globals__', {})
        calls = []

        def spy(label, function):

            def recorded(*args, **kwargs):
                calls.append(label)
                try:
                    return function(*args, **kwargs)
                except Exception:
                    calls.append('!' + label)
                    raise
            return recorded
        saved = {name: namespace[name] for name in own if callable(namespace.get(name))}
        originals = [(owner, attribute, label, getattr(owner, attribute)) for owner, attribute, label in library]
        labels = {id(function): label for _, _, label, function in originals}
        aliases = {name: value for name, value in namespace.items() if id(value) in labels}
        try:
            for name, function in saved.items():
                namespace[name] = spy(name, function)
            for name, function in aliases.items():
                namespace[name] = spy(labels[id(function)], function)
            for owner, attribute, label, function in originals:
                setattr(owner, attribute, spy(label, function))
            out, error = (self_attention(Q, K, V, n_heads, causal), None)
        except Exception as err:
            out, error = (None, f'{type(err).__name__}: {err}')
        finally:
            namespace.update(saved)
            namespace.update(aliases)
            for owner, attribute, label, function in originals:
                setattr(owner, attribute, function)
        return (out, calls, error)
    try:
        from labkit_grading import in_kernel
    except ImportError:

        def in_kernel(function):
            return function
    trace_self_attention = in_kernel(trace_self_attention)

    def check_assembly(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        """Runs self_attention and checks that it is assembled from the notebook's functions; returns the inputs and
        its output, or None when one of the student's functions raised inside it (that function's own check says
        why)."""
        assert callable(self_attention), 'self_attention is not defined: run the cell that defines it'
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        call = f'self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)}'
        out, calls, error = trace_self_attention(self_attention, Q, K, V, n_heads, causal)
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
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(3)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(dev)

    def trace_self_attention(self_attention, Q, K, V, n_heads, causal):
        """In the notebook's kernel: self_attention's output (None if it raised), in call order which of the
        notebook's attention functions and of PyTorch's own attention it called ("!name" when that one raised), and
        the error it raised (or None). Nothing is computed here."""
        import torch
        import torch.nn.functional as F
        own = ['pairwise_similarities', 'attn_scaled', 'attn_softmax', 'compute_outputs', 'make_causal_mask', 'apply_causal_mask', 'split_heads', 'merge_heads', 'torch_self_attention']
        library = [(F, 'scaled_dot_product_attention', 'F.scaled_dot_product_attention'), (F, 'multi_head_attention_forward', 'F.multi_head_attention_forward'), (torch.nn.MultiheadAttention, 'forward', 'nn.MultiheadAttention')]
        namespace = getattr(self_attention, '__globals__', {})
        calls = []

        def spy(label, function):

            def recorded(*args, **kwargs):
                calls.append(label)
                try:
                    return function(*args, **kwargs)
                except Exception:
                    calls.append('!' + label)
                    raise
            return recorded
        saved = {name: namespace[name] for name in own if callable(namespace.get(name))}
        originals = [(owner, attribute, label, getattr(owner, attribute)) for owner, attribute, label in library]
        labels = {id(function): label for _, _, label, function in originals}
        aliases = {name: value for name, value in namespace.items() if id(value) in labels}
        try:
            for name, function in saved.items():
                namespace[name] = spy(name, function)
            for name, function in aliases.items():
                namespace[name] = spy(labels[id(function)], function)
            for owner, attribute, label, function in originals:
                setattr(owner, attribute, spy(label, function))
            out, error = (self_attention(Q, K, V, n_heads, causal), None)
        except Exception as err:
            out, error = (None, f'{type(err).__name__}: {err}')
        finally:
            namespace.update(saved)
            namespace.update(aliases)
            for owner, attribute, label, function in originals:
                setattr(owner, attribute, function)
        return (out, calls, error)
    try:
        from labkit_grading import in_kernel
    except ImportError:

        def in_kernel(function):
            return function
    trace_self_attention = in_kernel(trace_self_attention)

    def check_assembly(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        """Runs self_attention and checks that it is assembled from the notebook's functions; returns the inputs and
        its output, or None when one of the student's functions raised inside it (that function's own check says
        why)."""
        assert callable(self_attention), 'self_attention is not defined: run the cell that defines it'
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        call = f'self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)}'
        out, calls, error = trace_self_attention(self_attention, Q, K, V, n_heads, causal)
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

