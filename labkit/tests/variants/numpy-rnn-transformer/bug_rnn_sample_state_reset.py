# Bug: the hidden states are reset for every character of the prompt, so only its last character counts.
def sample_text_RNN(weights, prompt, N):
    output_sentence = prompt
    for char in prompt:
        h1 = np.zeros(weights["W_h1h1"].shape[0])
        h2 = np.zeros(weights["W_h2h2"].shape[0])
        h1, h2, probs = rnn_step(weights, char, h1, h2)
    while len(output_sentence) < N:
        next_char = indices_to_char[np.random.choice(vocab_size, p=probs)]
        output_sentence += next_char
        h1, h2, probs = rnn_step(weights, next_char, h1, h2)
    return output_sentence
