# Bug: the loss is the mean of the per-batch mean losses, wrong when the last batch is smaller.
def evaluation(model, dataloader):
    model.eval()
    losses, predictions, labels = [], [], []
    with torch.no_grad():
        for batch in dataloader:
            batch = to_device(batch, model.device)
            outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                            labels=batch["label_encoding"])
            losses.append(outputs.loss.item())
            predictions.append(outputs.logits.argmax(dim=-1))
            labels.append(batch["label_encoding"])
    predictions, labels = torch.cat(predictions), torch.cat(labels)
    return {"loss": sum(losses) / len(losses), "accuracy": (predictions == labels).float().mean().item(),
            "balanced_accuracy": balanced_accuracy(predictions, labels)}
