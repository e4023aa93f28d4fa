# Bug: the drawn characters are never fed back: every new character comes from the distribution after the prompt.
def sample_text_RNN(weights, prompt, N):
    h1 = np.zeros(weights["W_h1h1"].shape[0])
    h2 = np.zeros(weights["W_h2h2"].shape[0])
    output_sentence = prompt
    for char in prompt:
        h1, h2, probs = rnn_step(weights, char, h1, h2)
    while len(output_sentence) < N:
        output_sentence += indices_to_char[np.random.choice(vocab_size, p=probs)]
    return output_sentence
