"""finetune-encoder's autograder against alternative correct solutions and classic bugs, graded through its zip.

Each submission is the master's solution with some definitions replaced, right after their cell, by snippets in
variants/finetune-encoder/. Variants that touch different questions share a submission. Needs the built zip
(`make LABS=finetune-encoder`); FINETUNE_ENCODER_AUTOGRADER_ZIP overrides its path.
"""
from labkit.tests.variant_suite import Variant, bug, correct, stub

LAB = "finetune-encoder"

COLLATE, SIZES, STEP = "class PassageDataset(", "def class_counts(", "def train_step("
EVALUATION, LOOP, VOTES = "def evaluation(", "def train_model(", "def paper_votes("


VARIANTS = {
    # alternative correct implementations: full marks
    "collate_fn_manual_padding": correct(COLLATE),
    "class_counts_bincount": correct(SIZES),
    "train_step_functional_loss": correct(STEP),
    "evaluation_inference_mode": correct(EVALUATION),
    "train_model_best_copy": correct(LOOP),
    "paper_votes_counter": correct(VOTES),
    # classic bugs
    "bug_collate_fixed_padding": bug(COLLATE, "collate_fn", "padded to max_length"),
    "bug_collate_labels_shuffled": bug(COLLATE, "collate_fn", "shuffled apart from their texts"),
    "bug_collate_no_truncation": bug(COLLATE, "collate_fn", "not truncated"),
    "bug_sizes_papers": bug(SIZES, "q2_1", "number of papers"),
    "bug_train_step_no_mask": bug(STEP, "train_step", "without attention_mask"),
    "bug_train_step_no_zero_grad": bug(STEP, "train_step", "gradients accumulate"),
    "bug_train_step_no_train_mode": bug(STEP, "train_step", "call model.train()"),
    "bug_evaluation_no_eval": bug(EVALUATION, "evaluation", "model.eval()"),
    "bug_evaluation_with_grad": bug(EVALUATION, "evaluation", "torch.no_grad()"),
    "bug_evaluation_no_argmax": bug(EVALUATION, "evaluation", "argmax"),
    "bug_train_model_on_validation": bug(LOOP, "train_model", "train only on train_loader"),
    "bug_train_model_last_epoch": bug(LOOP, "train_model", "Keep a copy of the best state_dict"),
    "bug_votes_swapped": bug(VOTES, "paper_votes", "swapped"),
    "bug_evaluation_majority": bug(EVALUATION, "evaluation", "same prediction"),
    "bug_evaluation_argmin": bug(EVALUATION, "evaluation", "smaller logit"),
    "bug_evaluation_batch_mean_loss": bug(EVALUATION, "evaluation", "weight each batch"),
    "bug_train_model_last_step_loss": bug(LOOP, "train_model", "last step"),
    # stubs: outputs of the right types and shapes that ignore the inputs
    "stub_collate": stub(COLLATE, "collate_fn"),
    "stub_sizes": stub(SIZES, "q2_1"),
    "stub_train_step": stub(STEP, "train_step"),
    "stub_evaluation": stub(EVALUATION, "evaluation"),
    "stub_train_model": stub(LOOP, "train_model"),
    "stub_paper_votes": stub(VOTES, "paper_votes"),
}

SUBMISSIONS = {
    "alternatives": ["collate_fn_manual_padding", "class_counts_bincount", "train_step_functional_loss",
                     "evaluation_inference_mode", "train_model_best_copy", "paper_votes_counter"],
    "fixed_padding+papers+no_mask+no_eval+on_validation+swapped": [
        "bug_collate_fixed_padding", "bug_sizes_papers", "bug_train_step_no_mask", "bug_evaluation_no_eval",
        "bug_train_model_on_validation", "bug_votes_swapped"],
    "labels_shuffled+no_zero_grad+with_grad+last_epoch": [
        "bug_collate_labels_shuffled", "bug_train_step_no_zero_grad", "bug_evaluation_with_grad",
        "bug_train_model_last_epoch"],
    "no_truncation+no_train_mode+no_argmax+last_step_loss": [
        "bug_collate_no_truncation", "bug_train_step_no_train_mode", "bug_evaluation_no_argmax",
        "bug_train_model_last_step_loss"],
    "evaluation_majority": ["bug_evaluation_majority"],
    "evaluation_argmin": ["bug_evaluation_argmin"],
    "evaluation_batch_mean_loss": ["bug_evaluation_batch_mean_loss"],
    "stubs": ["stub_collate", "stub_sizes", "stub_train_step", "stub_evaluation", "stub_train_model",
              "stub_paper_votes"],
}
