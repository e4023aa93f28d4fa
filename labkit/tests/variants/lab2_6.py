"""Lab 2-6 autograder against alternative correct solutions and classic bugs (see labkit/tests/variant_suite.py).

Needs the built autograder zip (`make LABS=lab2-6`); override its path with the environment variable
LAB2_6_AUTOGRADER_ZIP.
"""
from labkit.tests.variant_suite import Variant, bug, correct, stub

LAB = "lab2-6"

# The code cell each snippet is inserted after.
ATTENTION, MASK, UATTNLM, ATTNLM, NEGLOGPROB = ("def attention(", "def causal_mask(", "class UATTNLM(",
                                                "class ATTNLM(", "def neglogprob(")
# Attention and mask bugs also make the four attn_ppl_* values wrong, and the public attnlm tests run the
# notebook's own attention and causal_mask (a reference of them would be an answer in a public test).
PPL = ("attn_perplexities", "attnlm_sample")
# Every grading must list these.
GRADED_QUESTIONS = {"uattnlm_sample", "attention", "causal_attention_mask", "attnlm_sample", "attn_perplexities"}


VARIANTS = {
    "attention_einsum": correct(ATTENTION),
    "attention_scale_queries": correct(ATTENTION),
    "attention_where": correct(ATTENTION),
    "causal_mask_triu": correct(MASK),
    "uattnlm_loop": correct(UATTNLM),
    "neglogprob_loop": correct(NEGLOGPROB),
    "bug_attention_mask_after_softmax": bug(ATTENTION, "attention", "after the softmax", PPL),
    "bug_attention_softmax_dim": bug(ATTENTION, "attention", "over the queries", PPL),
    "bug_attention_no_scaling": bug(ATTENTION, "attention", "sqrt(D)", PPL),
    "bug_attention_mask_inverted": bug(ATTENTION, "attention", "inverted", PPL),
    "bug_causal_mask_diagonal": bug(MASK, "causal_attention_mask", "attend to itself", PPL),
    "bug_causal_mask_future": bug(MASK, "causal_attention_mask", "above the diagonal", PPL),
    "bug_attnlm_no_mask": bug(ATTNLM, "attnlm_sample", "causal mask", PPL),
    "bug_uattnlm_future_mean": bug(UATTNLM, "uattnlm_sample", "including later ones"),
    "bug_uattnlm_no_division": bug(UATTNLM, "uattnlm_sample", "summed but not divided"),
    "bug_neglogprob_ln": bug(NEGLOGPROB, "attn_perplexities", "log base 2"),
    "bug_neglogprob_padding": bug(NEGLOGPROB, "attn_perplexities", "Padding positions are counted"),
    # shape-correct stubs that ignore their inputs: they must earn nothing
    "stub_attention": stub(ATTENTION, "attention"),
    "stub_causal_mask": stub(MASK, "causal_attention_mask"),
    "stub_uattnlm": stub(UATTNLM, "uattnlm_sample"),
    "stub_attnlm": stub(ATTNLM, "attnlm_sample"),
    "stub_neglogprob": stub(NEGLOGPROB, "attn_perplexities"),
}

# Variants whose must-lose questions are disjoint share one graded notebook.
SUBMISSIONS = {
    "alternatives": ["attention_einsum", "causal_mask_triu", "uattnlm_loop", "neglogprob_loop"],
    "scale_queries+padding": ["attention_scale_queries", "bug_neglogprob_padding"],
    "where+attnlm_no_mask": ["attention_where", "bug_attnlm_no_mask"],
    "mask_after_softmax+future_mean": ["bug_attention_mask_after_softmax", "bug_uattnlm_future_mean"],
    "softmax_dim+diagonal": ["bug_attention_softmax_dim", "bug_causal_mask_diagonal"],
    "no_scaling+future_mask": ["bug_attention_no_scaling", "bug_causal_mask_future"],
    "mask_inverted+no_division": ["bug_attention_mask_inverted", "bug_uattnlm_no_division"],
    "ln": ["bug_neglogprob_ln"],
    "stubs": ["stub_attention", "stub_causal_mask", "stub_uattnlm", "stub_attnlm", "stub_neglogprob"],
}
