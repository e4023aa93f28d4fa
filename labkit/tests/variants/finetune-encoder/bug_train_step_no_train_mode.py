# Bug: never switches to training mode, so after an evaluation the model trains without dropout.
def train_step(model, batch, optimizer):
    batch = to_device(batch, model.device)
    outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                    labels=batch["label_encoding"])
    optimizer.zero_grad()
    outputs.loss.backward()
    optimizer.step()
    return outputs.loss.item()
