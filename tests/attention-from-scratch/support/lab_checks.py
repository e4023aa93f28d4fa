# TEST SUPPORT
# attention-from-scratch's public test helpers (module lab_checks): the keys and values of Part 1, hints that
# name classic mistakes, the checks of a mask and of masked scores, and the check that self_attention is
# assembled from the notebook's own functions.
import torch

import labtest

K = torch.tensor([[0.47, 0.65, 0.60], [0.64, 0.50, -0.59], [-0.03, -0.48, -0.88], [0.43, -0.83, 0.35]],
                 dtype=torch.float64)  # the keys of Part 1, (4, 3)
V = torch.tensor([[-0.07, -0.88, 0.47], [0.37, -0.93, -0.07], [-0.25, -0.75, 0.61], [0.94, 0.20, 0.28]],
                 dtype=torch.float64)  # the values of Part 1, (4, 3)
TRANSPOSE_HINT = ("Only the last two dimensions of K may be swapped, transpose(-2, -1): transposing dimensions "
                  "(0, 1) or (1, 2), or using .T, breaks once there is a batch or a head dimension.")
MERGE_HINT = ("merge_heads must undo split_heads: transpose(1, 2) back to (B, n_tok, n_heads, head_size) first, "
              "then reshape to (B, n_tok, n_embd); a single reshape of (B, n_heads, n_tok, head_size) mixes "
              "positions and heads. After a transpose use reshape (or .contiguous().view), not view.")


def check_output(name, queries, target, k2=None):
    """The attention output of `queries` over K (with k2 in place of k_2 if given) and V must be within 0.05 of
    `target`."""
    keys = K if k2 is None else torch.cat([K[:2], k2[None], K[3:]])
    weights = torch.softmax(queries @ keys.T, dim=-1)
    output = weights @ V
    error = (output - target).abs().max().item()
    assert error <= 0.05, (
        f"with {name} the attention weights are {[round(w, 3) for w in weights.reshape(-1).tolist()]} "
        f"and the output is {[round(o, 3) for o in output.reshape(-1).tolist()]}: the error is "
        f"{error:.3f}, more than the 0.05 allowed")


def scale_hint(A, out, n_embd, n_heads):
    """Names the wrong scale of the scores A that gives `out`, if any."""
    return labtest.matching_hint(out, [(f"It looks like the scores are {hint}.", A * factor) for hint, factor in [
        ("scaled by 1/sqrt(n_embd) instead of 1/sqrt(n_embd / n_heads), the size of one head", n_embd ** -0.5),
        ("scaled by 1/sqrt(n_heads) instead of 1/sqrt(n_embd / n_heads)", n_heads ** -0.5),
        ("divided by n_embd / n_heads without the square root", n_heads / n_embd),
        ("not scaled at all", 1.0)]])


def softmax_hint(A, out):
    """Names the wrong dimension of a softmax of the scores A that gives `out`, if any."""
    return labtest.matching_hint(out, [(f"It looks like the softmax runs over dimension {dim}; it must run over the "
                                        "keys, the last dimension (dim=-1), so that every query's weights sum to one.",
                                        torch.softmax(A, dim=dim)) for dim in range(A.dim() - 1)],
                                 rtol=1e-5, equal_nan=True)


def check_mask(mask, allowed):
    """make_causal_mask's `mask` must equal `allowed`, the right mask of its size."""
    n_tok = len(allowed)
    assert isinstance(mask, torch.Tensor), f"make_causal_mask should return a tensor, not {type(mask).__name__}"
    assert tuple(mask.shape) == (n_tok, n_tok), (
        f"make_causal_mask({n_tok}) should have shape {(n_tok, n_tok)}, not {tuple(mask.shape)}")
    assert mask.dtype == torch.bool, (
        f"make_causal_mask should return a boolean tensor (dtype torch.bool), not {mask.dtype}")
    got = mask.cpu()
    if torch.equal(got, allowed):
        return
    hint = ""
    if torch.equal(got, allowed.tril(-1)):
        hint = ("The diagonal is excluded, but every token may attend to itself (and token 0 has nothing else): "
                "keep the diagonal, torch.tril without an offset.")
    elif torch.equal(got, allowed.T) or torch.equal(got, ~allowed.tril(-1)):
        hint = ("The mask is transposed: mask[i, j] must be True when j <= i (the past), not when j >= i. "
                "torch.tril keeps the lower triangle, torch.triu the upper one.")
    elif torch.equal(got, ~allowed) or torch.equal(got, ~allowed.tril(-1)):
        hint = "The mask is inverted: True means 'may attend'."
    raise AssertionError(f"make_causal_mask({n_tok}) should be\n{allowed.int().tolist()}\nbut is\n"
                         f"{got.int().tolist()}. {hint}")


def check_masked(out, A, allowed, label):
    """apply_causal_mask's `out` must keep the scores A where `allowed` and be -inf elsewhere."""
    labtest.expect_shape("apply_causal_mask", out, A.shape)
    kept = torch.where(allowed, out, A)
    assert torch.equal(kept, A), (
        f"apply_causal_mask, {label}: the scores where the mask is True must stay unchanged")
    hidden = out.masked_select(~allowed.expand_as(out))
    if hidden.numel() and hidden.max().item() > -1e9:
        hint = (" They are 0: a score of 0 is not 'no attention', since exp(0) = 1 still gives future tokens "
                "weight. Use -inf." if (hidden == 0).all() else "")
        raise AssertionError(f"apply_causal_mask, {label}: the scores where the mask is False must become -inf, "
                             f"but some are {hidden.max().item():.3g}." + hint)


def split_hint(x, n_heads, out):
    """Names the single reshape that gives `out` from x, if it does."""
    B, n_tok, n_embd = x.shape
    if out.shape == (B, n_heads, n_tok, n_embd // n_heads) and torch.equal(
            out, x.reshape(B, n_heads, n_tok, n_embd // n_heads)):
        return ("A single reshape to (B, n_heads, n_tok, head_size) mixes positions and heads: reshape to "
                "(B, n_tok, n_heads, head_size) first, then transpose(1, 2).")
    return ""


# what trace_calls spies on: the notebook's functions, and PyTorch's attention
OWN = ["pairwise_similarities", "attn_scaled", "attn_softmax", "compute_outputs", "make_causal_mask",
       "apply_causal_mask", "split_heads", "merge_heads", "torch_self_attention"]
LIBRARY = [("torch.nn.functional", "scaled_dot_product_attention", "F.scaled_dot_product_attention"),
           ("torch.nn.functional", "multi_head_attention_forward", "F.multi_head_attention_forward"),
           ("torch", "nn.MultiheadAttention.forward", "nn.MultiheadAttention")]


def check_assembly(self_attention, label, randn, B, n_tok, n_embd, n_heads, causal):
    """Runs self_attention and checks that it is assembled from the notebook's functions; returns the inputs and
    its output, or None when one of the student's functions raised inside it (that function's own check says
    why)."""
    assert callable(self_attention), "self_attention is not defined: run the cell that defines it"
    Q, K, V = randn(B, n_tok, n_embd), randn(B, n_tok, n_embd), randn(B, n_tok, n_embd)
    call = f"self_attention(Q, K, V, n_heads={n_heads}, causal={causal}) on inputs of shape {(B, n_tok, n_embd)}"
    trace_calls = labtest.in_kernel(labtest.trace_calls)
    out, calls, error = trace_calls(self_attention, (Q, K, V, n_heads, causal), OWN, LIBRARY)
    if any(name.startswith("!") for name in calls):  # a bug inside one of the student's functions costs
        return None                                   # that function's own question only
    assert error is None, f"{label}: {call} raised {error}"
    check_calls(label, call, calls, n_heads, causal)
    assert isinstance(out, torch.Tensor), f"{label}: self_attention should return a tensor, not {type(out).__name__}"
    assert tuple(out.shape) == (B, n_tok, n_embd), (
        f"{label}: {call} returned shape {tuple(out.shape)}; it should return {(B, n_tok, n_embd)}, the heads "
        "merged back together.")
    return Q, K, V, out


def check_calls(label, call, calls, n_heads, causal):
    """self_attention's `calls` (trace_calls' labels) must be the notebook's functions, in a sound order."""
    library = [name for name in dict.fromkeys(calls) if name.startswith(("F.", "nn.", "torch_"))]
    assert not library, (
        f"{label}: {call} calls {', '.join(library)}. This lab builds attention from scratch: assemble "
        "self_attention from your own functions of Steps 1-3; PyTorch's attention is only what the notebook "
        "compares it with.")
    if causal and "attn_softmax" in calls:
        masking = [i for i, name in enumerate(calls) if name in ("make_causal_mask", "apply_causal_mask")]
        assert not masking or min(masking) < calls.index("attn_softmax"), (
            f"{label}: {call} masks after the softmax. Mask the scaled *scores* (apply_causal_mask) and take "
            "the softmax of the masked scores, so that future tokens get exactly zero weight and the rest still "
            "sums to one.")
    needed = ["pairwise_similarities", "attn_scaled", "attn_softmax", "compute_outputs"]
    needed += ["make_causal_mask", "apply_causal_mask"] if causal else []
    needed += ["split_heads", "merge_heads"] if n_heads > 1 else []
    missing = [name for name in needed if name not in calls]
    assert not missing, (
        f"{label}: {call} does not call {', '.join(missing)}. self_attention is the assembly of your functions: "
        "scores (pairwise_similarities), scaling (attn_scaled), the mask if causal (make_causal_mask, "
        "apply_causal_mask), the softmax (attn_softmax) and the outputs (compute_outputs), with the heads split "
        "(split_heads_qkv) before and merged (merge_heads) after when n_heads > 1.")
    assert causal or "apply_causal_mask" not in calls, (
        f"{label}: {call} masks the scores although causal=False: mask only when causal is True.")


def from_own_functions(own, Q, K, V, n_heads, causal):
    """What the student's own functions (`own`, by name) give when assembled, or None if one of them fails: a bug
    inside them is charged to their own questions, not to self_attention."""
    B, n_tok, n_embd = Q.shape
    try:
        if n_heads > 1:
            Q, K, V = own["split_heads"](Q, n_heads), own["split_heads"](K, n_heads), own["split_heads"](V, n_heads)
        A = own["attn_scaled"](own["pairwise_similarities"](Q, K), n_embd, n_heads)
        if causal:
            A = own["apply_causal_mask"](own["make_causal_mask"](n_tok), A)
        y = own["compute_outputs"](own["attn_softmax"](A), V)
        return (own["merge_heads"](y) if n_heads > 1 else y).detach().to(labtest.DEVICE).float()
    except Exception:
        return None
