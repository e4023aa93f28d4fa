# Correct: torch.inference_mode(), a summed cross-entropy divided by the number of passages.
def evaluation(model, dataloader):
    model.eval()
    total_loss, correct, all_predictions, all_labels = 0.0, 0, [], []
    with torch.inference_mode():
        for batch in dataloader:
            labels = batch["label_encoding"].to(model.device)
            logits = model(input_ids=batch["input_ids"].to(model.device),
                           attention_mask=batch["attention_mask"].to(model.device)).logits
            total_loss += F.cross_entropy(logits, labels, reduction="sum").item()
            predictions = torch.argmax(logits, dim=1)
            correct += (predictions == labels).sum().item()
            all_predictions.append(predictions)
            all_labels.append(labels)
    n = sum(len(labels) for labels in all_labels)
    return {"loss": total_loss / n, "accuracy": correct / n,
            "balanced_accuracy": balanced_accuracy(torch.cat(all_predictions), torch.cat(all_labels))}
