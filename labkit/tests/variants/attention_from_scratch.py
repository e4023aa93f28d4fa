"""attention-from-scratch: the autograder against alternative correct solutions and classic bugs.

Each submission is the master's solution with some definitions replaced, right after their cell, by the
snippets in variants/attention-from-scratch/. Bugs that target different questions share a submission.
self_attention is graded as the assembly of the student's own functions, so a bug inside one of them costs the
points of that function's question only. Needs the built autograder zip (`make LABS=attention-from-scratch`).
"""
from labkit.tests.variant_suite import Variant, bug, correct

LAB = "attention-from-scratch"

PAIRWISE = "def pairwise_similarities("
SCALED = "def attn_scaled("
SOFTMAX = "def attn_softmax("
OUTPUTS = "def compute_outputs("
MAKE_MASK = "def make_causal_mask("
APPLY_MASK = "def apply_causal_mask("
SPLIT = "def split_heads("
MERGE = "def merge_heads("
SELF_ATTENTION = "def self_attention("
Q_SELECT = "q_select_v0 = "
Q_IDENTITY = "Q_identity = "
K2_AVERAGE = "k2_average_three = "
K2_SELECT = "k2_select_v2 = "

# Questions whose public and hidden tests check the same function: their public verdict must be the final one.
PUBLIC_IS_FINAL = ("pairwise_similarities", "attn_scaled", "attn_softmax", "compute_outputs", "make_causal_mask",
                   "apply_causal_mask", "split_heads", "merge_heads")
AUTOGRADED = PUBLIC_IS_FINAL + ("self_attention", "q1_2_1", "q1_2_2", "q1_3_1", "q1_3_2", "q1_4_1", "q1_4_2")
# grader.check in the notebook must agree with Gradescope's public verdict on these.
NOTEBOOK_QUESTIONS = AUTOGRADED

VARIANTS = {
    # alternative correct implementations: full marks
    "pairwise_einsum": correct(PAIRWISE),
    "scaled_multiply": correct(SCALED),
    "softmax_by_hand": correct(SOFTMAX),
    "outputs_matmul": correct(OUTPUTS),
    "mask_arange": correct(MAKE_MASK),
    "apply_mask_finfo_min": correct(APPLY_MASK),
    "split_unflatten": correct(SPLIT),
    "merge_flatten": correct(MERGE),
    "self_attention_always_split": correct(SELF_ATTENTION),
    "q_select_list": correct(Q_SELECT),
    "k2_average_three_k1": correct(K2_AVERAGE),
    # classic bugs
    "bug_pairwise_transpose_1_2": bug(PAIRWISE, "pairwise_similarities", "transpose(-2, -1)"),
    "bug_scaled_n_embd": bug(SCALED, "attn_scaled", "1/sqrt(n_embd) instead of 1/sqrt(n_embd / n_heads)"),
    "bug_scaled_in_place": bug(SCALED, "attn_scaled", "in place"),
    "bug_softmax_dim": bug(SOFTMAX, "attn_softmax", "the softmax runs over dimension"),
    "bug_mask_no_diagonal": bug(MAKE_MASK, "make_causal_mask", "The diagonal is excluded"),
    "bug_mask_transposed": bug(MAKE_MASK, "make_causal_mask", "The mask is transposed"),
    "bug_apply_mask_zero": bug(APPLY_MASK, "apply_causal_mask", "exp(0) = 1"),
    "bug_apply_mask_in_place": bug(APPLY_MASK, "apply_causal_mask", "in place"),
    "bug_split_single_reshape": bug(SPLIT, "split_heads", "mixes positions and heads"),
    "bug_merge_no_transpose": bug(MERGE, "merge_heads", "must undo split_heads"),
    "bug_mask_after_softmax": bug(SELF_ATTENTION, "self_attention", "masks after the softmax"),
    "bug_self_attention_sdpa": bug(SELF_ATTENTION, "self_attention", "calls F.scaled_dot_product_attention"),
    "bug_self_attention_torch_reference": bug(SELF_ATTENTION, "self_attention", "calls torch_self_attention"),
    "bug_self_attention_multihead_module": bug(SELF_ATTENTION, "self_attention", "calls nn.MultiheadAttention"),
    "bug_merge_transpose_view": bug(MERGE, "merge_heads", "use reshape (or .contiguous().view), not view"),
    # shape-correct stubs everywhere: nothing may score
    "stubs": Variant(SELF_ATTENTION, must_lose=frozenset(AUTOGRADED)),
    "bug_q_select_row": bug(Q_SELECT, "q1_2_1", "shape (1, 3). Flatten it"),
    "bug_identity_unscaled": bug(Q_IDENTITY, "q1_2_2", "more than the 0.05 allowed"),
    "bug_k2_not_unit": bug(K2_SELECT, "q1_4_2", "must have length 1"),
}

SUBMISSIONS = {
    "alternatives": ["pairwise_einsum", "scaled_multiply", "softmax_by_hand", "outputs_matmul", "mask_arange",
                     "apply_mask_finfo_min", "split_unflatten", "merge_flatten", "self_attention_always_split",
                     "q_select_list", "k2_average_three_k1"],
    "transpose+no_diagonal+merge+in_place_scale+row": [
        "bug_pairwise_transpose_1_2", "bug_mask_no_diagonal", "bug_merge_no_transpose", "bug_scaled_in_place",
        "bug_q_select_row"],
    "n_embd+transposed_mask+single_reshape+zero_mask+not_unit": [
        "bug_scaled_n_embd", "bug_mask_transposed", "bug_split_single_reshape", "bug_apply_mask_zero",
        "bug_k2_not_unit"],
    "softmax_dim+in_place_mask+after_softmax+unscaled": [
        "bug_softmax_dim", "bug_apply_mask_in_place", "bug_mask_after_softmax", "bug_identity_unscaled"],
    "sdpa+transpose_view": ["bug_self_attention_sdpa", "bug_merge_transpose_view"],
    "torch_reference": ["bug_self_attention_torch_reference"],
    "multihead_module": ["bug_self_attention_multihead_module"],
    "stubs": ["stubs"],
}
