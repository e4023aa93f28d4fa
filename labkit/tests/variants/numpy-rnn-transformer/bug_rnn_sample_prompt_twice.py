# Bug (as in the seed's solution): after the prompt, its last character is fed once more before sampling.
def sample_text_RNN(weights, prompt, N):
    h1 = np.zeros(weights["W_h1h1"].shape[0])
    h2 = np.zeros(weights["W_h2h2"].shape[0])
    for char in prompt:
        h1, h2, probs = rnn_step(weights, char, h1, h2)
    output_sentence, char = prompt, prompt[-1]
    for _ in range(N - len(prompt)):
        h1, h2, probs = rnn_step(weights, char, h1, h2)
        char = indices_to_char[np.random.choice(vocab_size, p=probs)]
        output_sentence += char
    return output_sentence
