from otter.test_files import test_case

OK_FORMAT = False

name = "attn_perplexities"
points = None

@test_case(points=1, hidden=False)
def test_neglogprob_fixed_model(neglogprob, perplexity):
    import math
    import torch
    import labtest
    dev = labtest.DEVICE

    class WordTokenizer:
        """The shipped word tokenizer, read-only: only what neglogprob and encode_documents use."""

        def __init__(self, vocab):
            self._ids, self._words = (dict(vocab), {i: w for w, i in vocab.items()})
            self.unk_token_id, self.pad_token_id = (vocab['[UNK]'], vocab['[PAD]'])

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
    import types

    class TestLM:
        """A model handed to neglogprob: the logits (B, T, V) of `logits_of(ids)`, read-only, nothing else."""

        def __init__(self, logits_of, tokenizer):
            self._logits_of = logits_of
            self.hf_tokenizer, self.pad_index = (tokenizer, tokenizer.pad_token_id)
            self.embed = types.SimpleNamespace(weight=torch.zeros(1, 1, device=dev))

        def encode(self, context_words):
            ids = [self.pad_index] + self.hf_tokenizer.convert_tokens_to_ids(list(context_words))
            return torch.tensor([ids], dtype=torch.long, device=dev)

        def all_logits(self, ids):
            return self._logits_of(torch.as_tensor(ids).cpu().long()).to(dev)

        def __call__(self, context_words):
            return self.all_logits(self.encode(context_words))[:, -1]

        def eval(self):
            return self

    def as_vector(result, n):
        assert result is not None, 'neglogprob returned None: return a tensor with one value per document'
        if not isinstance(result, torch.Tensor):
            assert isinstance(result, (list, tuple)), f'neglogprob should return a tensor with one value per document, not {type(result).__name__}'
            result = torch.tensor([float(value) for value in result])
        result = result.detach().float().cpu().reshape(-1)
        assert result.numel() == n, f'neglogprob should return one value per document ({n}), not {result.numel()}'
        return result

    def neglogprob_hint(got, want, lengths, per_token_bits=None):
        """Names a classic mistake that explains got (student) vs want (reference), if any."""
        close = lambda a, b: torch.allclose(a, b, rtol=0.001, atol=0.001)
        if close(got, want * math.log(2)):
            return ' The values are the natural-log ones: perplexity uses log base 2, so divide by math.log(2) (or use torch.log2 / math.log2).'
        if close(got, -want) or close(got, -want * math.log(2)):
            return ' The sign is wrong: return NEGATIVE log-probabilities (positive numbers).'
        if close(got * lengths, want) or close(got * lengths, want * math.log(2)):
            return ' You returned the mean over tokens; neglogprob should return the sum.'
        if per_token_bits is not None:
            longest = int(lengths.max())
            padded = per_token_bits[:, :longest].sum(1)
            if close(got, padded) or close(got, padded * math.log(2)):
                return " Padding positions are counted: ignore positions beyond each document's length (lengths from encode_documents)."
        return ''
    tokenizer = WordTokenizer(labtest.load_json(labtest.lab_file('lab2-6', 'tokenizer.json'))['model']['vocab'])
    V = len(tokenizer)
    log2_probs = torch.log_softmax(torch.arange(V) % 7 / 2.0, dim=0) / math.log(2)
    model = TestLM(lambda ids: (torch.arange(V) % 7 / 2.0).expand(*ids.shape, V), tokenizer)
    assert callable(neglogprob), 'neglogprob is not defined: run the cell that defines it'
    documents = [['the', 'people', 'of'], ['the', 'union', 'of', 'the', 'states']]
    ids = torch.tensor([tokenizer.convert_tokens_to_ids(d) + [tokenizer.pad_token_id] * (5 - len(d)) for d in documents])
    per_token = -log2_probs[ids]
    lengths = torch.tensor([3.0, 5.0])
    want = (per_token * (torch.arange(5) < lengths.view(-1, 1))).sum(1)
    got = as_vector(neglogprob(documents, model), 2)
    assert torch.allclose(got, want, rtol=0.0001), f'with the same fixed next-word distribution at every position, documents of 3 and 5 tokens should get {[round(w, 2) for w in want.tolist()]}, but neglogprob returned {[round(g, 2) for g in got.tolist()]}.' + neglogprob_hint(got, want, lengths, per_token)
    ppl = perplexity(documents[1], model)
    expected = 2 ** (want[1].item() / 5)
    assert abs(float(ppl) - expected) / expected < 0.001, f'under this model the perplexity of the second document should be {expected:.2f}, but is {ppl}'

@test_case(points=1, hidden=False)
def test_perplexity_values_plausible(attn_ppl_madison_model_madison_document, attn_ppl_hamilton_model_madison_document, attn_ppl_madison_model_hamilton_document, attn_ppl_hamilton_model_hamilton_document):
    import math
    values = {'attn_ppl_madison_model_madison_document': attn_ppl_madison_model_madison_document, 'attn_ppl_hamilton_model_madison_document': attn_ppl_hamilton_model_madison_document, 'attn_ppl_madison_model_hamilton_document': attn_ppl_madison_model_hamilton_document, 'attn_ppl_hamilton_model_hamilton_document': attn_ppl_hamilton_model_hamilton_document}
    for name, value in values.items():
        assert value is not None and value is not Ellipsis, f'{name} is not set yet'
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise AssertionError(f'{name} should be a number, not {type(value).__name__}')
        assert math.isfinite(value) and value > 1, f'{name} = {value}, but a perplexity is a finite number greater than 1'
    assert len({round(float(v), 6) for v in values.values()}) > 1, 'all four perplexities are equal: use a different model or document for each'

