# Correct: np.take along the rows.
def embed_tokens(tokens, params):
    return np.take(params["word_embedding.weight"], np.asarray(tokens, dtype=int), axis=0)
