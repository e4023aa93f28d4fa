# Bug: the epoch's training loss is the loss of its last step only.
def train_model(model, train_loader, validation_loader, optimizer, num_epochs):
    history, best_score, best_state = [], -1.0, None
    for epoch in range(1, num_epochs + 1):
        for batch in train_loader:
            loss = train_step(model, batch, optimizer)
        scores = evaluation(model, validation_loader)
        history.append({"epoch": epoch, "train_loss": loss, "validation_loss": scores["loss"],
                        "validation_accuracy": scores["accuracy"],
                        "validation_balanced_accuracy": scores["balanced_accuracy"]})
        if scores["balanced_accuracy"] > best_score:
            best_score, best_state = scores["balanced_accuracy"], copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    return history
