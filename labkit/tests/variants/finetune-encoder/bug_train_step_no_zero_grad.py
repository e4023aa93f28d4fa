# Bug: zero_grad is missing, so gradients accumulate over batches.
def train_step(model, batch, optimizer):
    model.train()
    batch = to_device(batch, model.device)
    outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                    labels=batch["label_encoding"])
    outputs.loss.backward()
    optimizer.step()
    return outputs.loss.item()
