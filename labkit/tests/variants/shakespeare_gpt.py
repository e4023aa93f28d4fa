"""shakespeare-gpt autograder against alternative correct solutions and classic bugs (see labkit/tests/variant_suite.py).

Every model test compares a class with a reference built from the class's own sub-modules, so a bug costs the
points of its own question only; a head that sees the future (no mask, or a mask after the softmax) is charged to
Head alone: the causality tests of the models that use it run only when the student's Head is causal.
Needs the built autograder zip (`make LABS=shakespeare-gpt`); override its path with the environment variable
SHAKESPEARE_GPT_AUTOGRADER_ZIP.
"""
from labkit.tests.variant_suite import Variant, bug, correct

LAB = "shakespeare-gpt"

# The code cell each snippet is inserted after.
BIGRAM, EMBEDDINGS, HEAD = "class BigramLanguageModel(", "class BigramWithWordEmbeddingsLM(", "class Head("
SINGLE_LM, MHA, MULTI_LM = "class SingleHeadedAttentionLM(", "class MultiHeadAttention(", "class MultiHeadedAttentionLM("
BLOCK, TRANSFORMER = "class TransformerBlock(", "class TransformerLM("
QUESTIONS = {"q1_1_7", "q1_2_1", "q1_3_2_2", "q1_3_2_3", "q1_3_3_1", "q1_3_3_2", "q1_4_1", "q1_4_2"}
# Every grading must list these, and grader.check in the notebook must agree with Gradescope on them.
GRADED_QUESTIONS, NOTEBOOK_QUESTIONS = QUESTIONS, sorted(QUESTIONS)

VARIANTS = {
    # alternative correct implementations: full marks
    "bigram_generate_categorical": correct(BIGRAM),
    "embeddings_nll_loss": correct(EMBEDDINGS),
    "head_sdpa": correct(HEAD),
    "single_lm_generate_while": correct(SINGLE_LM),
    "mha_loop": correct(MHA),
    "mh_lm_forward_reshape": correct(MULTI_LM),
    "block_named_steps": correct(BLOCK),
    "transformer_generate_crop_if": correct(TRANSFORMER),
    # classic bugs
    "bug_bigram_argmax": bug(BIGRAM, "q1_1_7", "argmax"),
    "bug_bigram_first_position": bug(BIGRAM, "q1_1_7", "FIRST position"),
    "bug_embeddings_sum_loss": bug(EMBEDDINGS, "q1_2_1", "SUMMED"),
    "bug_head_no_scaling": bug(HEAD, "q1_3_2_2", "not divided by sqrt(K)"),
    "bug_head_no_mask": bug(HEAD, "q1_3_2_2", "not causal"),
    "bug_head_mask_after_softmax": bug(HEAD, "q1_3_2_2", "after the softmax"),
    "bug_single_lm_no_positions": bug(SINGLE_LM, "q1_3_2_3", "position embeddings are not added"),
    "bug_mha_reversed_heads": bug(MHA, "q1_3_3_1", "reverse order"),
    "bug_mh_lm_no_crop": bug(MULTI_LM, "q1_3_3_2", "crop the context"),
    "bug_block_post_norm": bug(BLOCK, "q1_4_1", "post-norm", may_lose=("q1_4_2",)),
    "bug_block_no_residual": bug(BLOCK, "q1_4_1", "residual connections are missing", may_lose=("q1_4_2",)),
    "bug_block_same_ln": bug(BLOCK, "q1_4_1", "same layer norm is used twice"),
    "bug_transformer_no_ln_f": bug(TRANSFORMER, "q1_4_2", "ln_f is not applied"),
    "bug_transformer_no_crop": bug(TRANSFORMER, "q1_4_2", "crop the context"),
    "bug_generate_softmax_batch": bug(BIGRAM, "q1_1_7", "softmax taken over the batch dimension"),
    "bug_embeddings_unflattened_loss": bug(EMBEDDINGS, "q1_2_1", "flatten both first"),
    "bug_single_lm_head_from_embed": bug(SINGLE_LM, "q1_3_2_3", "lm_head must take"),
    "bug_mha_shared_heads": bug(MHA, "q1_3_3_1", "[Head(...)] * num_heads"),
    "bug_mh_lm_head_size_embed": bug(MULTI_LM, "q1_3_3_2", "builds heads of size 12"),
    "bug_block_in_place_residual": bug(BLOCK, "q1_4_1", "changed its input in place", may_lose=("q1_4_2",)),
    # shape-correct stubs of every class: nothing may score
    "stubs": Variant(TRANSFORMER, must_lose=frozenset(QUESTIONS)),
}

# Variants whose must-lose questions are disjoint share one graded notebook.
SUBMISSIONS = {
    "alternatives": ["bigram_generate_categorical", "embeddings_nll_loss", "head_sdpa", "single_lm_generate_while",
                     "mha_loop", "mh_lm_forward_reshape", "block_named_steps", "transformer_generate_crop_if"],
    "one bug per question": ["bug_bigram_argmax", "bug_embeddings_sum_loss", "bug_head_no_scaling",
                             "bug_single_lm_no_positions", "bug_mha_reversed_heads", "bug_mh_lm_no_crop",
                             "bug_block_post_norm", "bug_transformer_no_ln_f"],
    "no_mask+first_position": ["bug_head_no_mask", "bug_bigram_first_position"],
    "mask_after_softmax+same_ln": ["bug_head_mask_after_softmax", "bug_block_same_ln"],
    "no_residual+no_crop": ["bug_block_no_residual", "bug_transformer_no_crop"],
    "first attempts and shared heads": ["bug_generate_softmax_batch", "bug_embeddings_unflattened_loss",
                                        "bug_single_lm_head_from_embed", "bug_mha_shared_heads",
                                        "bug_mh_lm_head_size_embed", "bug_block_in_place_residual"],
    "stubs": ["stubs"],
}
