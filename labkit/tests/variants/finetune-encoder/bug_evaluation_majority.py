# Bug: every passage is predicted to be the majority class (Hamilton), whatever the logits say.
def evaluation(model, dataloader):
    model.eval()
    losses, labels = [], []
    with torch.no_grad():
        for batch in dataloader:
            batch = to_device(batch, model.device)
            outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                            labels=batch["label_encoding"])
            losses.append(outputs.loss * len(batch["label_encoding"]))
            labels.append(batch["label_encoding"])
    labels = torch.cat(labels)
    predictions = torch.zeros_like(labels)
    return {"loss": (torch.stack(losses).sum() / len(labels)).item(),
            "accuracy": (predictions == labels).float().mean().item(),
            "balanced_accuracy": balanced_accuracy(predictions, labels)}
