from otter.test_files import test_case

OK_FORMAT = False

name = "attn_perplexities"
points = None

@test_case(points=1, hidden=False)
def test_neglogprob_fixed_model(neglogprob, perplexity):
    import math
    import torch
    from lab_checks import TestLM, WordTokenizer, as_vector, neglogprob_hint, shipped_vocab
    tokenizer = WordTokenizer(shipped_vocab())
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
    import labtest
    from lab_checks import PERPLEXITY_CASES, perplexity_name
    values = {perplexity_name(*case): value for case, value in zip(PERPLEXITY_CASES, [attn_ppl_madison_model_madison_document, attn_ppl_hamilton_model_madison_document, attn_ppl_madison_model_hamilton_document, attn_ppl_hamilton_model_hamilton_document])}
    for name, value in values.items():
        assert value is not None and value is not Ellipsis, f'{name} is not set yet'
        value = labtest.as_number(value, name)
        assert math.isfinite(value) and value > 1, f'{name} = {value}, but a perplexity is a finite number greater than 1'
    assert len({round(float(v), 6) for v in values.values()}) > 1, 'all four perplexities are equal: use a different model or document for each'

