# Correct: keeps a deep copy of the whole model; a tie goes to the later epoch (>=).
def train_model(model, train_loader, validation_loader, optimizer, num_epochs):
    history, best_model = [], None
    for epoch in range(1, num_epochs + 1):
        losses = []
        for batch in train_loader:
            losses.append(train_step(model, batch, optimizer))
        scores = evaluation(model, validation_loader)
        history.append({"epoch": epoch, "train_loss": sum(losses) / len(losses), "validation_loss": scores["loss"],
                        "validation_accuracy": scores["accuracy"],
                        "validation_balanced_accuracy": scores["balanced_accuracy"]})
        if best_model is None or scores["balanced_accuracy"] >= max(r["validation_balanced_accuracy"] for r in history):
            best_model = copy.deepcopy(model)
    model.load_state_dict(best_model.state_dict())
    return history
