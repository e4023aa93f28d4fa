"""numpy-rnn-transformer: the autograder against alternative correct solutions and classic bugs.

Each submission is the master's solution with some functions redefined by the snippets in
variants/numpy-rnn-transformer/; variants that touch different questions share a submission. The hidden tests
test sampling, perplexity, the transformer's assembly and generation with reference versions of the functions
they call, so a bug costs the points of its own question only.

Needs the built autograder zip: `make LABS=numpy-rnn-transformer`.
"""
from labkit.tests.variant_suite import Variant, bug, correct, stub

LAB = "numpy-rnn-transformer"

RNN_STEP, SAMPLE_RNN = "def rnn_step(", "def sample_text_RNN("
GRU_STEP, SAMPLE_GRU = "def gru_step(", "def sample_text_GRU("
PERPLEX_RNN, PERPLEX_GRU = "def get_perplex_rnn(", "def get_perplex_gru("
EMBED, ATTENTION, MLP = "def embed_tokens(", "def multi_head_attention(", "def mlp("
TRANSFORMER, GENERATE = "def transformer(", "def generate_with_transformer("
HEAD = "def prediction_head("


VARIANTS = {
    # alternative correct implementations: full marks
    "rnn_step_column": correct(RNN_STEP),
    "sample_rnn_inverse_cdf": correct(SAMPLE_RNN),
    "gru_step_columns": correct(GRU_STEP),
    "sample_gru_for_loop": correct(SAMPLE_GRU),
    "perplexity_log2": correct(PERPLEX_RNN),
    "embed_take": correct(EMBED),
    "attention_einsum": correct(ATTENTION),
    "mlp_where": correct(MLP),
    "transformer_stream": correct(TRANSFORMER),
    "generate_log_softmax": correct(GENERATE),
    "sample_rnn_choose_characters": correct(SAMPLE_RNN),
    "sample_gru_keywords": correct(SAMPLE_GRU),
    # classic bugs, each with the words its feedback must contain
    "bug_rnn_step_torch": bug(RNN_STEP, "sample_text_rnn", "NumPy only"),
    "bug_rnn_sample_state_reset": bug(SAMPLE_RNN, "sample_text_rnn", "reset inside the loop over the prompt"),
    "bug_rnn_sample_prompt_twice": bug(SAMPLE_RNN, "sample_text_rnn", "fed twice"),
    "bug_gru_update_swapped": bug(GRU_STEP, "sample_text_gru", "update gate is used the wrong way round"),
    "bug_gru_reset_before_matmul": bug(GRU_STEP, "sample_text_gru", "reset gate is applied before the matrix"),
    "bug_perplexity_wrong_base": bug(PERPLEX_RNN, "perplexity", "base"),
    "bug_perplexity_no_mean": bug(PERPLEX_GRU, "perplexity", "1/N is missing"),
    "bug_perplexity_after_feeding": bug(PERPLEX_RNN, "perplexity", "after the character was fed"),
    "bug_attention_softmax_axis": bug(ATTENTION, "multi_head_attention", "over the queries"),
    "bug_attention_mask_diagonal": bug(ATTENTION, "multi_head_attention", "off by one"),
    "bug_attention_no_mask": bug(ATTENTION, "multi_head_attention", "causal mask is missing"),
    "bug_attention_heads_interleaved": bug(ATTENTION, "multi_head_attention", "split along the wrong axis"),
    "bug_transformer_no_residual": bug(TRANSFORMER, "transformer", "residual connections are missing"),
    "bug_transformer_no_positions": bug(TRANSFORMER, "transformer", "positional embeddings are not added"),
    "bug_generate_temperature_multiplied": bug(GENERATE, "generate", "multiplied by the temperature"),
    "bug_rnn_sample_no_feedback": bug(SAMPLE_RNN, "sample_text_rnn", "not fed to the network"),
    "bug_gru_sample_feeds_prompt": bug(SAMPLE_GRU, "sample_text_gru", "fed at every step instead"),
    "bug_rnn_step_importlib": bug(RNN_STEP, "sample_text_rnn", "NumPy only"),
    "bug_gru_step_helper_object": bug(GRU_STEP, "sample_text_gru", "NumPy only"),
    "bug_attention_scale_d_model": bug(ATTENTION, "multi_head_attention", "sqrt(d_model) instead"),
    "bug_attention_no_projection": bug(ATTENTION, "multi_head_attention", "output projection is missing"),
    "bug_transformer_positions_from_1": bug(TRANSFORMER, "transformer", "counted from 1"),
    # stubs: outputs of the right types and shapes that ignore the inputs
    "stub_rnn": stub(RNN_STEP, "sample_text_rnn"),
    "stub_gru": stub(GRU_STEP, "sample_text_gru"),
    "stub_perplexity": stub(PERPLEX_RNN, "perplexity"),
    "stub_embed": stub(EMBED, "embed_tokens"),
    "stub_attention": stub(ATTENTION, "multi_head_attention"),
    "stub_mlp": stub(MLP, "mlp"),
    "stub_head": stub(HEAD, "prediction_head"),
    "stub_transformer": stub(TRANSFORMER, "transformer"),
    "stub_generate": stub(GENERATE, "generate"),
}

# At most one bug per question and one snippet per function in each submission.
SUBMISSIONS = {
    "alternatives": ["rnn_step_column", "sample_rnn_inverse_cdf", "gru_step_columns", "sample_gru_for_loop",
                     "perplexity_log2", "embed_take", "attention_einsum", "mlp_where", "transformer_stream",
                     "generate_log_softmax"],
    "bugs-1": ["bug_rnn_sample_state_reset", "bug_gru_update_swapped", "bug_perplexity_wrong_base",
               "bug_attention_softmax_axis", "bug_transformer_no_residual", "bug_generate_temperature_multiplied"],
    "bugs-2": ["bug_rnn_sample_prompt_twice", "bug_gru_reset_before_matmul", "bug_perplexity_no_mean",
               "bug_attention_mask_diagonal", "bug_transformer_no_positions"],
    "bugs-3": ["bug_rnn_step_torch", "bug_perplexity_after_feeding", "bug_attention_no_mask",
               "bug_gru_sample_feeds_prompt"],
    "bugs-4": ["bug_attention_heads_interleaved", "sample_rnn_choose_characters", "sample_gru_keywords"],
    "bugs-5": ["bug_rnn_sample_no_feedback", "bug_gru_step_helper_object", "bug_attention_scale_d_model",
               "bug_transformer_positions_from_1"],
    "bugs-6": ["bug_rnn_step_importlib", "bug_attention_no_projection"],
    "stubs": ["stub_rnn", "stub_gru", "stub_perplexity", "stub_embed", "stub_attention", "stub_mlp", "stub_head",
              "stub_transformer", "stub_generate"],
}
