# TEST SUPPORT
# Fixtures (the tiny BERT, its tokenizer, training passages, batches) and runs of the notebook's functions on them.
import json
import math
import pathlib

import labtest
import torch
from torch.utils.data import DataLoader

AUTHORS = ("Hamilton", "Madison")


def data_folder(env):
    return pathlib.Path(env.get("DATA_DIR", "data"))


def splits(data_dir):
    """{split: [passage]} of the lab's passages.json."""
    with open(pathlib.Path(data_dir) / "passages.json") as f:
        return json.load(f)["splits"]


def tokenizer_of(data_dir):
    """The tiny BERT's tokenizer as texts, max_length -> (input_ids, attention_mask), padded to the longest text."""
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(str(pathlib.Path(data_dir) / "tiny-bert" / "tokenizer.json"))

    def encode(texts, max_length):
        tokenizer.enable_truncation(max_length)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        encodings = tokenizer.encode_batch(list(texts))
        return torch.tensor([e.ids for e in encodings]), torch.tensor([e.attention_mask for e in encodings])
    return encode


def notebook_tokenizer(path):
    """In the notebook's kernel: the tiny BERT's tokenizer, for the notebook's PassageDataset to call."""
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(path)


def passages(data_dir, n, start=0):
    """n (text, label) training passages alternating between the authors, of unequal lengths (5 to 40 words)."""
    train = splits(data_dir)["train"]
    by_author = {a: [p for p in train if p["author"] == a] for a in AUTHORS}
    picked = [by_author[AUTHORS[i % 2]][start + 7 * i] for i in range(n)]
    return [(" ".join(p["text"].split()[:5 + (11 * i) % 36]), int(p["author"] == "Madison")) for i, p in enumerate(picked)]


def batch_of(encode, pairs):
    """The batch the notebook's collate_fn makes of (text, label) pairs, with max_length 64."""
    texts, labels = zip(*pairs)
    input_ids, attention_mask = encode(texts, 64)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "label_encoding": torch.tensor(labels)}


def loader(encode, pairs, batch_size):
    return DataLoader(pairs, batch_size=batch_size, shuffle=False, collate_fn=lambda b: batch_of(encode, b))


def unpadded(row):
    """A row of token ids without its [PAD] (id 0) tail."""
    return tuple(row[:row.index(0)] if 0 in row else row)


def tiny_model(data_dir, seed, dropout=True):
    """The tiny BERT with a classification head drawn from `seed`, so that both classes get predicted."""
    from transformers import AutoModelForSequenceClassification
    no_dropout = {} if dropout else dict(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    model = AutoModelForSequenceClassification.from_pretrained(pathlib.Path(data_dir) / "tiny-bert", **no_dropout)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        model.classifier.weight.copy_(torch.randn(model.classifier.weight.shape, generator=generator) * 3)
    return model.to(labtest.DEVICE)


def modes(calls):
    """What the tests judge of each forward call: its training and grad mode, whether attention_mask was given."""
    return [{"training": c["training"], "grad": c["grad"], "mask": c["attention_mask"] is not None} for c in calls]


def train_step_run(train_step, data_dir, seed=1, n=4, start=0, lr=0.1, stale=None, torch_seed=None):
    """In the notebook's kernel: train_step (SGD) on n passages, the tiny BERT from `seed` in evaluation mode (with
    `stale`: no dropout, stale gradients, torch seeded); its loss, forward calls, the model's mode and parameters."""
    model = tiny_model(data_dir, seed, dropout=stale is None)
    before = [p.detach().clone() for p in model.parameters()]
    batch = batch_of(tokenizer_of(data_dir), passages(data_dir, n, start=start))
    model.eval()
    for p in model.parameters():
        p.grad = None if stale is None else torch.full_like(p, stale)  # gradients left over from an earlier batch
    calls = labtest.record_forward_calls(model, "input_ids", "attention_mask")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    if torch_seed is not None:
        torch.manual_seed(torch_seed)
    loss = train_step(model, batch, optimizer)
    return {"loss": loss, "calls": modes(calls), "training": model.training,
            "changed": sum(not torch.equal(b, p) for b, p in zip(before, model.parameters())),
            "parameters": {name: p.detach().clone() for name, p in model.named_parameters()}}


def evaluation_twice(evaluation, data_dir):
    """In the notebook's kernel: evaluation of the tiny BERT on 8 passages, twice, each from training mode."""
    model = tiny_model(data_dir, 5)
    data = loader(tokenizer_of(data_dir), passages(data_dir, 8), 4)
    model.train()
    first = evaluation(model, data)
    model.train()
    return first, evaluation(model, data)


def evaluation_run(evaluation, data_dir, seed, n, start, batch_size, head_bias, labels):
    """In the notebook's kernel: evaluation, from training mode, of the tiny BERT drawn from `seed` with classifier
    bias `head_bias` on n passages labelled `labels`, in batches of batch_size; its result and forward calls."""
    model = tiny_model(data_dir, seed)
    with torch.no_grad():
        model.classifier.bias.copy_(torch.tensor(head_bias))
    pairs = [(text, label) for (text, _), label in zip(passages(data_dir, n, start=start), labels)]
    data = loader(tokenizer_of(data_dir), pairs, batch_size)
    calls = labtest.record_forward_calls(model, "input_ids", "attention_mask")
    model.train()
    got = evaluation(model, data)
    return {"got": got, "calls": modes(calls)}


def train_two_epochs(train_model, data_dir):
    """In the notebook's kernel: train_model's history, tiny BERT, 2 epochs, 8 training, 4 validation passages."""
    encode = tokenizer_of(data_dir)
    model = tiny_model(data_dir, 9)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    train_loader = loader(encode, passages(data_dir, 8), 4)
    validation_loader = loader(encode, passages(data_dir, 4, start=1), 4)
    return train_model(model, train_loader, validation_loader, optimizer, num_epochs=2)


class StandIns:
    """Stand-ins for train_step (moves every weight, returns a new loss each time) and evaluation (on
    `validation_loader`: the balanced accuracies of `script` in turn; keeps the weights it saw)."""

    def __init__(self, validation_loader, script, seed):
        self.validation_loader, self.script = validation_loader, script
        self.generator = torch.Generator().manual_seed(seed)
        self.trained_rows, self.snapshots, self.reported, self.step_losses = [], [], [], []

    def train_step(self, model, batch, optimizer):
        self.trained_rows.extend(unpadded(row) for row in batch["input_ids"].tolist())
        for p in model.parameters():
            p.grad = torch.randn(p.shape, generator=self.generator).to(p.device)
        optimizer.step()
        self.step_losses.append(0.25 + 0.125 * len(self.step_losses))  # a different loss at every step
        return self.step_losses[-1]

    def evaluation(self, model, dataloader):
        if dataloader is not self.validation_loader:
            return {"loss": 0.7, "accuracy": 0.5, "balanced_accuracy": 0.5}
        self.snapshots.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        epoch = len(self.snapshots)
        scores = {"loss": 0.6 - 0.03125 * epoch, "accuracy": 0.5 + 0.0625 * epoch,
                  "balanced_accuracy": self.script[epoch - 1] if epoch <= len(self.script) else 0.0}
        self.reported.append(dict(scores))
        return scores

    def distances(self, model):
        """How far the model's weights are from those of each evaluation (0: the same)."""
        final = model.state_dict()
        return [max((final[k] - v).abs().max().item() if k in final else math.inf for k, v in snapshot.items())
                for snapshot in self.snapshots]


def train_model_run(train_model, env, data_dir, seed, n_train, n_valid, start, batch_size, script):
    """In the notebook's kernel: train_model with StandIns, the tiny BERT from `seed`, AdamW, len(script) epochs;
    its history, the optimizer steps, the passages trained on, the stand-ins' records, the weights' distances."""
    encode = tokenizer_of(data_dir)
    model = tiny_model(data_dir, seed)
    valid_loader = loader(encode, passages(data_dir, n_valid, start=100 + start), batch_size)
    calls = labtest.record_forward_calls(model, "input_ids", "attention_mask")
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    steps = []
    optimizer.register_step_post_hook(lambda *args: steps.append(1))
    stand_ins = StandIns(valid_loader, script, seed)
    with labtest.notebook_names(env, train_step=stand_ins.train_step, evaluation=stand_ins.evaluation):
        history = train_model(model, loader(encode, passages(data_dir, n_train, start=start), batch_size),
                              valid_loader, optimizer, len(script))
    trained_rows = stand_ins.trained_rows + [  # also what forward passes in training mode saw
        unpadded(row) for c in calls if c["training"] and c["grad"] for row in c["input_ids"].tolist()]
    return {"history": history, "steps": len(steps), "trained_rows": trained_rows, "reported": stand_ins.reported,
            "distances": stand_ins.distances(model), "step_losses": stand_ins.step_losses}
