# Bug: natural logarithm instead of log2.
def neglogprob(documents, model):
    ids, lengths = encode_documents(documents, model.hf_tokenizer)
    with torch.no_grad():
        log_probs = torch.log_softmax(model.all_logits(ids)[:, :-1], dim=-1)
    picked = log_probs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    real = torch.arange(picked.size(1), device=ids.device)[None, :] < lengths[:, None]
    return -(picked * real).sum(dim=1)
