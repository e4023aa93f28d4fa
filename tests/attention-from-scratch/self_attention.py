from otter.test_files import test_case

OK_FORMAT = False

name = "self_attention"
points = None

@test_case(points=1, hidden=False)
def test_1_no_mask_one_head(self_attention):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(1)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(dev)

    def shape_of(args):
        return ', '.join((str(tuple(a.shape)) if isinstance(a, torch.Tensor) else repr(a) for a in args))

    def run(function, name, *args, hint_on_error=''):
        """Calls the student's function; fails with a clear message if it raises, edits an input or returns no tensor."""
        assert callable(function), f'{name} is not defined: run the cell that defines it'
        before = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        try:
            out = function(*args)
        except Exception as err:
            raise AssertionError(f'{name}({shape_of(args)}) raised {type(err).__name__}: {err}. {hint_on_error}')
        for position, (arg, copy) in enumerate(zip(args, before)):
            if isinstance(arg, torch.Tensor) and (not torch.equal(arg, copy)):
                raise AssertionError(f'{name} changed its input number {position + 1} in place (with /=, masked_fill_, an indexed assignment, ...): the caller may still need it. Compute and return a new tensor instead.')
        assert isinstance(out, torch.Tensor), f'{name} should return a tensor, not {type(out).__name__}'
        return out

    def expect_shape(name, out, shape, hint=''):
        assert tuple(out.shape) == tuple(shape), f'{name} should return shape {tuple(shape)}, but returned shape {tuple(out.shape)}. {hint}'

    def expect_close(name, out, expected, label, hint=''):
        expect_shape(name, out, expected.shape, hint)
        if not torch.allclose(out.float(), expected.float(), atol=1e-05, rtol=0.0001, equal_nan=False):
            difference = (out.float() - expected.float()).abs().nan_to_num(float('inf')).max().item()
            raise AssertionError(f'{name}, {label}: the result differs from the expected one by up to {difference:.3g}. {hint}')
    import torch.nn.functional as F

    def torch_self_attention(Q, K, V, n_heads, causal):
        """The reference: PyTorch's multi-head attention with identity projections."""
        B, n_tok, n_embd = Q.shape
        identity = torch.eye(n_embd, device=Q.device)
        future = torch.ones(n_tok, n_tok, dtype=torch.bool, device=Q.device).triu(1) if causal else None
        y, _ = F.multi_head_attention_forward(Q.transpose(0, 1), K.transpose(0, 1), V.transpose(0, 1), n_embd, n_heads, in_proj_weight=torch.cat([identity, identity, identity]), in_proj_bias=torch.zeros(3 * n_embd, device=Q.device), bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0.0, out_proj_weight=identity, out_proj_bias=torch.zeros(n_embd, device=Q.device), training=False, need_weights=False, attn_mask=future)
        return y.transpose(0, 1)

    def classic_mistake(Q, K, V, n_heads, causal, out):
        """Names a classic mistake whose result matches the student's output, if any."""
        B, n_tok, n_embd = Q.shape

        def variant(scale, mask='before'):
            split = lambda x: x.reshape(B, n_tok, n_heads, n_embd // n_heads).transpose(1, 2)
            A = split(Q) @ split(K).transpose(-2, -1) * scale
            future = torch.ones(n_tok, n_tok, dtype=torch.bool, device=Q.device).triu(1)
            if mask == 'before':
                A = A.masked_fill(future, float('-inf'))
            A = A.softmax(dim=-1)
            if mask == 'after':
                A = A.masked_fill(future, 0.0)
            return (A @ split(V)).transpose(1, 2).reshape(B, n_tok, n_embd)
        per_head = (n_embd / n_heads) ** (-0.5)
        mask = 'before' if causal else None
        candidates = [('the scores are scaled by 1/sqrt(n_embd) instead of 1/sqrt(n_embd / n_heads), the size of one head', variant(n_embd ** (-0.5), mask)), ('the scores are not scaled', variant(1.0, mask)), ('the causal mask is ignored', variant(per_head, None)), ('the output is causal although causal=False was passed', variant(per_head, 'before'))]
        if causal:
            candidates.insert(0, ("the mask is applied after the softmax: the weights of future tokens are zeroed after normalising, so the rows no longer sum to one (and the future still enters the softmax's denominator). Set the future *scores* to -inf before the softmax", variant(per_head, 'after')))
        if not torch.isfinite(out).all():
            return ' The output contains NaN or inf: a row of scores that is entirely -inf (does the mask hide the diagonal?) or -inf masking applied after the softmax (-inf * 0 = NaN) produces them.'
        for hint, candidate in candidates:
            if candidate.shape == out.shape and torch.allclose(candidate, out, atol=1e-05, rtol=0.0001):
                return ' It looks like ' + hint + '.'
        return ''

    def check_against_torch(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        out = run(self_attention, 'self_attention', Q, K, V, n_heads, causal)
        expected = torch_self_attention(Q, K, V, n_heads, causal)
        expect_shape('self_attention', out, expected.shape, 'The heads must be merged back into (B, n_tok, n_embd).')
        difference = (out.detach() - expected).abs().nan_to_num(float('inf')).max().item()
        assert difference < 0.0001, f"{label}: self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)} differs from PyTorch's multi_head_attention_forward by up to {difference:.3g}." + classic_mistake(Q, K, V, n_heads, causal, out.detach())
    check_against_torch(self_attention, 'Test 1', B=2, n_tok=6, n_embd=12, n_heads=1, causal=False)

@test_case(points=1, hidden=False)
def test_2_causal_one_head(self_attention):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(2)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(dev)

    def shape_of(args):
        return ', '.join((str(tuple(a.shape)) if isinstance(a, torch.Tensor) else repr(a) for a in args))

    def run(function, name, *args, hint_on_error=''):
        """Calls the student's function; fails with a clear message if it raises, edits an input or returns no tensor."""
        assert callable(function), f'{name} is not defined: run the cell that defines it'
        before = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        try:
            out = function(*args)
        except Exception as err:
            raise AssertionError(f'{name}({shape_of(args)}) raised {type(err).__name__}: {err}. {hint_on_error}')
        for position, (arg, copy) in enumerate(zip(args, before)):
            if isinstance(arg, torch.Tensor) and (not torch.equal(arg, copy)):
                raise AssertionError(f'{name} changed its input number {position + 1} in place (with /=, masked_fill_, an indexed assignment, ...): the caller may still need it. Compute and return a new tensor instead.')
        assert isinstance(out, torch.Tensor), f'{name} should return a tensor, not {type(out).__name__}'
        return out

    def expect_shape(name, out, shape, hint=''):
        assert tuple(out.shape) == tuple(shape), f'{name} should return shape {tuple(shape)}, but returned shape {tuple(out.shape)}. {hint}'

    def expect_close(name, out, expected, label, hint=''):
        expect_shape(name, out, expected.shape, hint)
        if not torch.allclose(out.float(), expected.float(), atol=1e-05, rtol=0.0001, equal_nan=False):
            difference = (out.float() - expected.float()).abs().nan_to_num(float('inf')).max().item()
            raise AssertionError(f'{name}, {label}: the result differs from the expected one by up to {difference:.3g}. {hint}')
    import torch.nn.functional as F

    def torch_self_attention(Q, K, V, n_heads, causal):
        """The reference: PyTorch's multi-head attention with identity projections."""
        B, n_tok, n_embd = Q.shape
        identity = torch.eye(n_embd, device=Q.device)
        future = torch.ones(n_tok, n_tok, dtype=torch.bool, device=Q.device).triu(1) if causal else None
        y, _ = F.multi_head_attention_forward(Q.transpose(0, 1), K.transpose(0, 1), V.transpose(0, 1), n_embd, n_heads, in_proj_weight=torch.cat([identity, identity, identity]), in_proj_bias=torch.zeros(3 * n_embd, device=Q.device), bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0.0, out_proj_weight=identity, out_proj_bias=torch.zeros(n_embd, device=Q.device), training=False, need_weights=False, attn_mask=future)
        return y.transpose(0, 1)

    def classic_mistake(Q, K, V, n_heads, causal, out):
        """Names a classic mistake whose result matches the student's output, if any."""
        B, n_tok, n_embd = Q.shape

        def variant(scale, mask='before'):
            split = lambda x: x.reshape(B, n_tok, n_heads, n_embd // n_heads).transpose(1, 2)
            A = split(Q) @ split(K).transpose(-2, -1) * scale
            future = torch.ones(n_tok, n_tok, dtype=torch.bool, device=Q.device).triu(1)
            if mask == 'before':
                A = A.masked_fill(future, float('-inf'))
            A = A.softmax(dim=-1)
            if mask == 'after':
                A = A.masked_fill(future, 0.0)
            return (A @ split(V)).transpose(1, 2).reshape(B, n_tok, n_embd)
        per_head = (n_embd / n_heads) ** (-0.5)
        mask = 'before' if causal else None
        candidates = [('the scores are scaled by 1/sqrt(n_embd) instead of 1/sqrt(n_embd / n_heads), the size of one head', variant(n_embd ** (-0.5), mask)), ('the scores are not scaled', variant(1.0, mask)), ('the causal mask is ignored', variant(per_head, None)), ('the output is causal although causal=False was passed', variant(per_head, 'before'))]
        if causal:
            candidates.insert(0, ("the mask is applied after the softmax: the weights of future tokens are zeroed after normalising, so the rows no longer sum to one (and the future still enters the softmax's denominator). Set the future *scores* to -inf before the softmax", variant(per_head, 'after')))
        if not torch.isfinite(out).all():
            return ' The output contains NaN or inf: a row of scores that is entirely -inf (does the mask hide the diagonal?) or -inf masking applied after the softmax (-inf * 0 = NaN) produces them.'
        for hint, candidate in candidates:
            if candidate.shape == out.shape and torch.allclose(candidate, out, atol=1e-05, rtol=0.0001):
                return ' It looks like ' + hint + '.'
        return ''

    def check_against_torch(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        out = run(self_attention, 'self_attention', Q, K, V, n_heads, causal)
        expected = torch_self_attention(Q, K, V, n_heads, causal)
        expect_shape('self_attention', out, expected.shape, 'The heads must be merged back into (B, n_tok, n_embd).')
        difference = (out.detach() - expected).abs().nan_to_num(float('inf')).max().item()
        assert difference < 0.0001, f"{label}: self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)} differs from PyTorch's multi_head_attention_forward by up to {difference:.3g}." + classic_mistake(Q, K, V, n_heads, causal, out.detach())
    check_against_torch(self_attention, 'Test 2', B=2, n_tok=6, n_embd=12, n_heads=1, causal=True)

@test_case(points=1, hidden=False)
def test_3_causal_four_heads(self_attention):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(3)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(dev)

    def shape_of(args):
        return ', '.join((str(tuple(a.shape)) if isinstance(a, torch.Tensor) else repr(a) for a in args))

    def run(function, name, *args, hint_on_error=''):
        """Calls the student's function; fails with a clear message if it raises, edits an input or returns no tensor."""
        assert callable(function), f'{name} is not defined: run the cell that defines it'
        before = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        try:
            out = function(*args)
        except Exception as err:
            raise AssertionError(f'{name}({shape_of(args)}) raised {type(err).__name__}: {err}. {hint_on_error}')
        for position, (arg, copy) in enumerate(zip(args, before)):
            if isinstance(arg, torch.Tensor) and (not torch.equal(arg, copy)):
                raise AssertionError(f'{name} changed its input number {position + 1} in place (with /=, masked_fill_, an indexed assignment, ...): the caller may still need it. Compute and return a new tensor instead.')
        assert isinstance(out, torch.Tensor), f'{name} should return a tensor, not {type(out).__name__}'
        return out

    def expect_shape(name, out, shape, hint=''):
        assert tuple(out.shape) == tuple(shape), f'{name} should return shape {tuple(shape)}, but returned shape {tuple(out.shape)}. {hint}'

    def expect_close(name, out, expected, label, hint=''):
        expect_shape(name, out, expected.shape, hint)
        if not torch.allclose(out.float(), expected.float(), atol=1e-05, rtol=0.0001, equal_nan=False):
            difference = (out.float() - expected.float()).abs().nan_to_num(float('inf')).max().item()
            raise AssertionError(f'{name}, {label}: the result differs from the expected one by up to {difference:.3g}. {hint}')
    import torch.nn.functional as F

    def torch_self_attention(Q, K, V, n_heads, causal):
        """The reference: PyTorch's multi-head attention with identity projections."""
        B, n_tok, n_embd = Q.shape
        identity = torch.eye(n_embd, device=Q.device)
        future = torch.ones(n_tok, n_tok, dtype=torch.bool, device=Q.device).triu(1) if causal else None
        y, _ = F.multi_head_attention_forward(Q.transpose(0, 1), K.transpose(0, 1), V.transpose(0, 1), n_embd, n_heads, in_proj_weight=torch.cat([identity, identity, identity]), in_proj_bias=torch.zeros(3 * n_embd, device=Q.device), bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0.0, out_proj_weight=identity, out_proj_bias=torch.zeros(n_embd, device=Q.device), training=False, need_weights=False, attn_mask=future)
        return y.transpose(0, 1)

    def classic_mistake(Q, K, V, n_heads, causal, out):
        """Names a classic mistake whose result matches the student's output, if any."""
        B, n_tok, n_embd = Q.shape

        def variant(scale, mask='before'):
            split = lambda x: x.reshape(B, n_tok, n_heads, n_embd // n_heads).transpose(1, 2)
            A = split(Q) @ split(K).transpose(-2, -1) * scale
            future = torch.ones(n_tok, n_tok, dtype=torch.bool, device=Q.device).triu(1)
            if mask == 'before':
                A = A.masked_fill(future, float('-inf'))
            A = A.softmax(dim=-1)
            if mask == 'after':
                A = A.masked_fill(future, 0.0)
            return (A @ split(V)).transpose(1, 2).reshape(B, n_tok, n_embd)
        per_head = (n_embd / n_heads) ** (-0.5)
        mask = 'before' if causal else None
        candidates = [('the scores are scaled by 1/sqrt(n_embd) instead of 1/sqrt(n_embd / n_heads), the size of one head', variant(n_embd ** (-0.5), mask)), ('the scores are not scaled', variant(1.0, mask)), ('the causal mask is ignored', variant(per_head, None)), ('the output is causal although causal=False was passed', variant(per_head, 'before'))]
        if causal:
            candidates.insert(0, ("the mask is applied after the softmax: the weights of future tokens are zeroed after normalising, so the rows no longer sum to one (and the future still enters the softmax's denominator). Set the future *scores* to -inf before the softmax", variant(per_head, 'after')))
        if not torch.isfinite(out).all():
            return ' The output contains NaN or inf: a row of scores that is entirely -inf (does the mask hide the diagonal?) or -inf masking applied after the softmax (-inf * 0 = NaN) produces them.'
        for hint, candidate in candidates:
            if candidate.shape == out.shape and torch.allclose(candidate, out, atol=1e-05, rtol=0.0001):
                return ' It looks like ' + hint + '.'
        return ''

    def check_against_torch(self_attention, label, B, n_tok, n_embd, n_heads, causal):
        Q, K, V = (randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd))
        out = run(self_attention, 'self_attention', Q, K, V, n_heads, causal)
        expected = torch_self_attention(Q, K, V, n_heads, causal)
        expect_shape('self_attention', out, expected.shape, 'The heads must be merged back into (B, n_tok, n_embd).')
        difference = (out.detach() - expected).abs().nan_to_num(float('inf')).max().item()
        assert difference < 0.0001, f"{label}: self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)} differs from PyTorch's multi_head_attention_forward by up to {difference:.3g}." + classic_mistake(Q, K, V, n_heads, causal, out.detach())
    check_against_torch(self_attention, 'Test 3', B=2, n_tok=6, n_embd=12, n_heads=4, causal=True)

