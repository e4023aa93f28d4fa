# Correct: draws the characters themselves (numpy strings) and calls rnn_step with keyword arguments.
def sample_text_RNN(weights, prompt, N):
    h1 = np.zeros(weights["W_h1h1"].shape[0])
    h2 = np.zeros(weights["W_h2h2"].shape[0])
    for char in prompt:
        h1, h2, probs = rnn_step(weights, char=char, h1=h1, h2=h2)
    output_sentence = prompt
    while len(output_sentence) < N:
        next_char = np.random.choice(vocabulary, p=probs)  # a numpy string
        output_sentence += next_char
        h1, h2, probs = rnn_step(weights, char=next_char, h1=h1, h2=h2)
    return output_sentence
