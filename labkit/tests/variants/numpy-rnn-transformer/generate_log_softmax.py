# Correct: probabilities through a log-softmax, greedy decoding through max().
def generate_with_transformer(prefix_text, params, max_len=128, greedy=False, temperature=0.9):
    tokens = list(encode(prefix_text))
    for _ in range(max_len):
        next_logits = np.asarray(transformer(tokens[-block_size:], params)[-1], dtype=np.float64)
        if greedy:
            tokens.append(max(range(len(next_logits)), key=lambda t: next_logits[t]))
            continue
        scaled = next_logits / temperature
        log_probs = scaled - np.logaddexp.reduce(scaled)
        probs = np.exp(log_probs)
        tokens.append(int(np.random.choice(len(probs), p=probs / probs.sum())))
    return decode(tokens)
