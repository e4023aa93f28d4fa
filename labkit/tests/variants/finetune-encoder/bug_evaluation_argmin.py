# Bug: the labels are read the wrong way round (argmin instead of argmax).
def evaluation(model, dataloader):
    model.eval()
    losses, predictions, labels = [], [], []
    with torch.no_grad():
        for batch in dataloader:
            batch = to_device(batch, model.device)
            outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                            labels=batch["label_encoding"])
            losses.append(outputs.loss * len(batch["label_encoding"]))
            predictions.append(outputs.logits.argmin(dim=-1))
            labels.append(batch["label_encoding"])
    predictions, labels = torch.cat(predictions), torch.cat(labels)
    return {"loss": (torch.stack(losses).sum() / len(labels)).item(),
            "accuracy": (predictions == labels).float().mean().item(),
            "balanced_accuracy": balanced_accuracy(predictions, labels)}
