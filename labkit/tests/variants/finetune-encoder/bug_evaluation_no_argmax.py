# Bug: accuracy computed on the logits (their maximum value) instead of their argmax.
def evaluation(model, dataloader):
    model.eval()
    losses, predictions, labels = [], [], []
    with torch.no_grad():
        for batch in dataloader:
            batch = to_device(batch, model.device)
            outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                            labels=batch["label_encoding"])
            losses.append(outputs.loss.item())
            predictions.append(outputs.logits.max(dim=-1).values)
            labels.append(batch["label_encoding"])
    predictions, labels = torch.cat(predictions), torch.cat(labels)
    return {"loss": sum(losses) / len(losses), "accuracy": (predictions == labels).float().mean().item(),
            "balanced_accuracy": balanced_accuracy(predictions, labels)}
