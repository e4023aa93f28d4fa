# Bug: the attention mask is not passed, so tokens attend to padding.
def train_step(model, batch, optimizer):
    model.train()
    batch = to_device(batch, model.device)
    outputs = model(input_ids=batch["input_ids"], labels=batch["label_encoding"])
    optimizer.zero_grad()
    outputs.loss.backward()
    optimizer.step()
    return outputs.loss.item()
