# Bug: keeps the last epoch's weights instead of the best checkpoint.
def train_model(model, train_loader, validation_loader, optimizer, num_epochs):
    history = []
    for epoch in range(1, num_epochs + 1):
        losses = [train_step(model, batch, optimizer) for batch in train_loader]
        scores = evaluation(model, validation_loader)
        history.append({"epoch": epoch, "train_loss": sum(losses) / len(losses), "validation_loss": scores["loss"],
                        "validation_accuracy": scores["accuracy"],
                        "validation_balanced_accuracy": scores["balanced_accuracy"]})
    return history
