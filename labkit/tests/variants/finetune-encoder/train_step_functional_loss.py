# Correct: model.zero_grad(set_to_none=True) first, and the loss computed from the logits.
def train_step(model, batch, optimizer):
    model.zero_grad(set_to_none=True)
    model.train()
    input_ids = batch["input_ids"].to(model.device)
    attention_mask = batch["attention_mask"].to(model.device)
    labels = batch["label_encoding"].to(model.device)
    logits = model(input_ids=input_ids, attention_mask=attention_mask).logits  # (B, 2)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    optimizer.step()
    return float(loss)
