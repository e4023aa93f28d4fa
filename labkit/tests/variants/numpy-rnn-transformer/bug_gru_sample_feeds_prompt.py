# Bug: the last character of the prompt is fed at every step instead of the character just drawn.
def sample_text_GRU(weights, prompt, N):
    h = np.zeros(weights["W_hh"].shape[0])
    output_sentence = prompt
    for char in prompt:
        h, probs = gru_step(weights, char, h)
    while len(output_sentence) < N:
        output_sentence += indices_to_char[np.random.choice(vocab_size, p=probs)]
        h, probs = gru_step(weights, prompt[-1], h)
    return output_sentence
