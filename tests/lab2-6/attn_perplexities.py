from otter.test_files import test_case

OK_FORMAT = False

name = "attn_perplexities"
points = None

@test_case(points=1, hidden=False)
def test_neglogprob_flat_model(neglogprob, perplexity, hf_tokenizer):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    V = len(hf_tokenizer)

    class FlatLM(torch.nn.Module):
        """A model that gives every word the same probability 1/V at every position."""

        def __init__(self):
            super().__init__()
            self.hf_tokenizer = hf_tokenizer
            self.pad_index = hf_tokenizer.pad_token_id
            self.embed = torch.nn.Embedding.from_pretrained(torch.zeros(1, 1))

        def encode(self, context_words):
            ids = [self.pad_index] + hf_tokenizer.convert_tokens_to_ids(list(context_words))
            return torch.tensor([ids], dtype=torch.long, device=dev)

        def all_logits(self, ids):
            return torch.zeros(*ids.shape, V, device=ids.device)

        def forward(self, context_words):
            return self.all_logits(self.encode(context_words))[:, -1]

    def as_vector(result, n):
        assert result is not None, 'neglogprob returned None: return a tensor with one value per document'
        result = torch.as_tensor(result).detach().float().cpu().reshape(-1)
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
    assert callable(neglogprob), 'neglogprob is not defined: run the cell that defines it'
    documents = [['the', 'people', 'of'], ['the', 'union', 'of', 'the', 'states']]
    got = as_vector(neglogprob(documents, FlatLM().to(dev)), 2)
    lengths = torch.tensor([3.0, 5.0])
    want = lengths * math.log2(V)
    per_token = torch.full((2, 5), math.log2(V))
    assert torch.allclose(got, want, rtol=0.0001), f'with every word at probability 1/V (V = {V}), documents of 3 and 5 tokens should get {[round(w, 2) for w in want.tolist()]}, but neglogprob returned {[round(g, 2) for g in got.tolist()]}.' + neglogprob_hint(got, want, lengths, per_token)
    ppl = perplexity(documents[1], FlatLM().to(dev))
    assert abs(ppl - V) / V < 0.001, f'under FlatLM the perplexity should be V = {V}, but is {ppl}'

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

