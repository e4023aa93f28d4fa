# Correct: every argument of gru_step passed by keyword, the drawn characters kept as numpy strings.
def sample_text_GRU(weights, prompt, N):
    h = np.zeros(weights["W_hh"].shape[0])
    for char in prompt:
        h, probs = gru_step(weights=weights, char=char, h=h)
    characters = list(prompt)
    while len(characters) < N:
        characters.append(np.random.choice(vocabulary, p=probs))
        h, probs = gru_step(weights=weights, char=characters[-1], h=h)
    return "".join(characters)
