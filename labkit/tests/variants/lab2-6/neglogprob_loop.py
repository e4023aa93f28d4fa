# Correct: token by token, one model call per context (slow but right).
def neglogprob(documents, model):
    totals = []
    for tokens in documents:
        total = 0.0
        for i, token in enumerate(tokens):
            with torch.no_grad():
                log_probs = torch.log_softmax(model(tokens[:i]), dim=-1).view(-1)
            total -= log_probs[model.hf_tokenizer.convert_tokens_to_ids(token)].item() / math.log(2)
        totals.append(total)
    return torch.tensor(totals)
