# TEST SUPPORT
# lab2-6's public test helpers (module lab_checks): the shipped weights and vocabulary, attention called on
# copies, stand-ins handed to neglogprob, and hints that name classic mistakes.
import math
import types

import torch

import labtest

LAB = "lab2-6"


def trained_weights(model, name, filename):
    """The weights of models/`filename`, once `model` (the notebook's `name`) is shown to hold exactly them."""
    return labtest.shipped_weights(model, name, labtest.lab_file(LAB, "models/" + filename),
                                   "create it with load_model and do not change its parameters afterwards")


def shipped_vocab():
    """The word tokenizer's vocabulary as shipped, {word: id}."""
    return labtest.load_json(labtest.lab_file(LAB, "tokenizer.json"))["model"]["vocab"]


# the four perplexities of the notebook, attn_ppl_<model's author>_model_<document's author>_document
PERPLEXITY_CASES = [("Madison", "Madison"), ("Hamilton", "Madison"), ("Madison", "Hamilton"), ("Hamilton", "Hamilton")]


def perplexity_name(model_author, document_author):
    return f"attn_ppl_{model_author.lower()}_model_{document_author.lower()}_document"


def as_pair(out):
    """attention's result as the pair (batched_A, batched_C) of tensors, or a message saying what it is."""
    assert out is not None, "attention returned None: return the pair (batched_A, batched_C)"
    assert isinstance(out, tuple) and len(out) == 2, (
        f"attention should return a pair (batched_A, batched_C), but returned {type(out).__name__}")
    A, C = out
    assert isinstance(A, torch.Tensor) and isinstance(C, torch.Tensor), (
        "attention should return two tensors (batched_A, batched_C)")
    return A, C


def run_attention(attention, *inputs):
    """attention(*inputs) as a pair of tensors, called on copies so that the inputs stay as they are."""
    copies = [t.clone() for t in inputs]
    A, C = as_pair(attention(*copies))
    changed = [name for name, t, copy in zip(("batched_Q", "batched_K", "batched_V", "mask"), inputs, copies)
               if not torch.equal(t, copy)]
    assert not changed, (f"attention changed {' and '.join(changed)} in place (e.g. with /= or masked_fill_); "
                         "compute new tensors instead")
    return A, C


def mask_hint(got, expected):
    """Names a classic mistake whose mask equals `got`, if any (`expected` is the right mask)."""
    diagonal = torch.eye(len(expected), dtype=torch.bool, device=expected.device)
    if torch.equal(got, expected & ~diagonal):
        return " The diagonal is False, but every position may attend to itself: use tril without an offset."
    if torch.equal(got, expected.T) or torch.equal(got, ~(expected & ~diagonal)):
        return " True entries are above the diagonal: mask[i, j] must be True when j <= i (the past), not j >= i."
    if torch.equal(got, ~expected):
        return " The mask is inverted: True means 'may attend'."
    return ""


def uniform_hint(state, ids, out):
    """Names a classic mistake of the running mean whose output matches `out`, if any."""
    x = state["embed.weight"][ids]
    positions = torch.arange(ids.size(1)).view(1, -1, 1)
    candidates = [
        ("each position averages over ALL positions, including later ones: use a running (cumulative) mean",
         x.mean(dim=1, keepdim=True).expand_as(x)),
        ("the embeddings are summed but not divided by the number of positions", x.cumsum(1)),
        ("position t is divided by t instead of t + 1 (positions are counted from 0, BOS included)",
         x.cumsum(1) / positions.clamp(min=1)),
        ("the running mean runs over the batch dimension instead of the position dimension",
         x.cumsum(0) / torch.arange(1, x.size(0) + 1).view(-1, 1, 1)),
    ]
    return labtest.matching_hint(out, [(" It looks like " + hint + ".", hidden @ state["hidden2output.weight"].T
                                        + state["hidden2output.bias"]) for hint, hidden in candidates],
                                 atol=1e-4, rtol=1e-4)


def all_logits_of(name, model, ids):
    """model.all_logits on a copy of ids (B, T), as a CPU tensor."""
    with torch.no_grad():
        out = model.all_logits(ids.to(labtest.DEVICE, copy=True))
    assert isinstance(out, torch.Tensor), f"{name}.all_logits returned {type(out).__name__}, not a tensor"
    return out.cpu()


def check_contexts(name, model, contexts, expected_of):
    """model(context) must be close to expected_of(context) for each context (a list of words)."""
    for context in contexts:
        want = expected_of(context)
        with torch.no_grad():
            got = model(context)
        assert isinstance(got, torch.Tensor) and torch.allclose(got.cpu(), want, atol=1e-4, rtol=1e-4), (
            f"{name}(context) differs from the reference for a context of {len(context)} words")


class WordTokenizer:
    """The shipped word tokenizer, read-only: only what neglogprob and encode_documents use."""
    def __init__(self, vocab):
        self._ids, self._words = dict(vocab), {i: w for w, i in vocab.items()}
        self.unk_token_id, self.pad_token_id = vocab["[UNK]"], vocab["[PAD]"]

    def __len__(self):
        return len(self._ids)

    def convert_tokens_to_ids(self, tokens):
        if isinstance(tokens, str):
            return self._ids.get(tokens, self.unk_token_id)
        return [self._ids.get(str(t), self.unk_token_id) for t in tokens]

    def convert_ids_to_tokens(self, ids):
        if isinstance(ids, int):
            return self._words[ids]
        return [self._words[int(i)] for i in ids]


class TestLM:
    """A model handed to neglogprob: the logits (B, T, V) of `logits_of(ids)`, read-only, nothing else."""
    def __init__(self, logits_of, tokenizer):
        self._logits_of = logits_of
        self.hf_tokenizer, self.pad_index = tokenizer, tokenizer.pad_token_id
        self.embed = types.SimpleNamespace(weight=torch.zeros(1, 1, device=labtest.DEVICE))  # embed.weight.device

    def encode(self, context_words):
        ids = [self.pad_index] + self.hf_tokenizer.convert_tokens_to_ids(list(context_words))
        return torch.tensor([ids], dtype=torch.long, device=labtest.DEVICE)

    def all_logits(self, ids):
        return self._logits_of(torch.as_tensor(ids).cpu().long()).to(labtest.DEVICE)

    def __call__(self, context_words):
        return self.all_logits(self.encode(context_words))[:, -1]

    def eval(self):
        return self


def as_vector(result, n):
    """neglogprob's result as a float vector of n values on the CPU, or a message saying what it is."""
    assert result is not None, "neglogprob returned None: return a tensor with one value per document"
    if not isinstance(result, torch.Tensor):
        assert isinstance(result, (list, tuple)), (
            f"neglogprob should return a tensor with one value per document, not {type(result).__name__}")
        result = torch.tensor([float(value) for value in result])
    result = result.detach().float().cpu().reshape(-1)
    assert result.numel() == n, f"neglogprob should return one value per document ({n}), not {result.numel()}"
    return result


def neglogprob_hint(got, want, lengths, per_token_bits=None):
    """Names a classic mistake that explains got (student) vs want (reference), if any."""
    close = lambda a, b: torch.allclose(a, b, rtol=1e-3, atol=1e-3)
    if close(got, want * math.log(2)):
        return (" The values are the natural-log ones: perplexity uses log base 2, so divide by math.log(2) "
                "(or use torch.log2 / math.log2).")
    if close(got, -want) or close(got, -want * math.log(2)):
        return " The sign is wrong: return NEGATIVE log-probabilities (positive numbers)."
    if close(got * lengths, want) or close(got * lengths, want * math.log(2)):
        return " You returned the mean over tokens; neglogprob should return the sum."
    if per_token_bits is not None:
        longest = int(lengths.max())
        padded = per_token_bits[:, :longest].sum(1)
        if close(got, padded) or close(got, padded * math.log(2)):
            return (" Padding positions are counted: ignore positions beyond each document's length "
                    "(lengths from encode_documents).")
    return ""
