from otter.test_files import test_case

OK_FORMAT = False

name = "perplexity"
points = None

@test_case(points=1, hidden=False)
def test_perplexity_by_hand(get_perplex_rnn, get_perplex_gru, weights_RNN, weights_GRU, vocabulary):
    import labtest
    import lab_checks
    import math
    with_fixed_steps = labtest.in_kernel(lab_checks.with_fixed_steps)
    chances = {'t': 0.5, 'h': 0.25, 'e': 0.125}
    rest = (1 - sum(chances.values())) / (len(vocabulary) - len(chances))
    probs = [chances.get(c, rest) for c in vocabulary]
    for name, perplex, weights in [('get_perplex_rnn', get_perplex_rnn, weights_RNN), ('get_perplex_gru', get_perplex_gru, weights_GRU)]:
        assert callable(perplex), f'{name} is not defined: run the cell that defines it'
        value = with_fixed_steps(perplex, probs)(weights, 'a', 'the')
        assert len(getattr(value, 'shape', ())) == 0 or getattr(value, 'size', 1) == 1, f'{name} should return one number, not an array of shape {value.shape}'
        got = float(value)
        hint = ' It looks like the 1/N is missing: average the log-probabilities.' if math.isclose(got, 64) else ' It looks like the logarithm is in base 2 but exponentiated with e (or the reverse).' if math.isclose(got, math.exp(2)) or math.isclose(got, 2 ** math.log(4)) else ''
        assert math.isclose(got, 4.0, rel_tol=1e-06), f"with a stand-in step that gives 't', 'h' and 'e' the probabilities 1/2, 1/4 and 1/8 whatever it is fed, {name}(weights, 'a', 'the') should be (2 * 4 * 8) ** (1/3) = 4, not {got:.4f}." + hint

