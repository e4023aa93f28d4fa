# Bug: the logits are multiplied by the temperature.
def generate_with_transformer(prefix_text, params, max_len=128, greedy=False, temperature=0.9):
    generated_tokens = encode(prefix_text)
    for _ in range(max_len):
        next_logits = transformer(generated_tokens[-block_size:], params)[-1]
        if greedy:
            next_token = int(np.argmax(next_logits))
        else:
            probabilities = softmax(next_logits * temperature)
            next_token = int(np.random.choice(len(probabilities), p=probabilities))
        generated_tokens.append(next_token)
    return decode(generated_tokens)
