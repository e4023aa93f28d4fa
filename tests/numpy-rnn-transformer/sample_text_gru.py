from otter.test_files import test_case

OK_FORMAT = False

name = "sample_text_gru"
points = None

@test_case(points=1, hidden=False)
def test_gru_step_gates(gru_step, vocabulary):
    import numpy as np
    assert callable(gru_step), 'gru_step is not defined: run the cell that defines it'
    rng = np.random.default_rng(6)
    V, H = (len(vocabulary), 4)

    def made_up(b_u=None, b_r=None):
        W = {name: rng.normal(size=(H, V)) for name in ['W_ux', 'W_rx', 'W_hx']}
        W.update({name: rng.normal(size=(H, H)) for name in ['W_uh', 'W_rh', 'W_hh']})
        W.update({name: rng.normal(size=H) for name in ['b_u', 'b_r', 'b_h']})
        W.update({'W_y': rng.normal(size=(V, H)), 'b_y': rng.normal(size=V)})
        for name, bias in [('b_u', b_u), ('b_r', b_r)]:
            if bias is not None:
                W[name] = np.full(H, float(bias))
        return W
    x, h_before = (np.eye(V)[vocabulary.index('t')], rng.uniform(-0.9, 0.9, H))

    def step(W):
        out = gru_step(W, 't', h_before.copy())
        assert isinstance(out, tuple) and len(out) == 2, 'gru_step should return the pair (h, probs)'
        h, probs = (np.asarray(o, dtype=float) for o in out)
        assert h.shape == (H,) and probs.shape == (V,), f'with {H} units, h and probs should have shapes ({H},) and ({V},), not {h.shape} and {probs.shape}'
        return (h, probs)
    h, _ = step(made_up(b_u=30))
    assert np.allclose(h, h_before, atol=1e-06), 'with the update gate open (b_u = 30, so gamma_u = 1) the state should be kept unchanged (h_new = h_previous). Are the gates swapped, or is the update gate used the wrong way round?'
    W = made_up(b_u=-30, b_r=-30)
    h, _ = step(W)
    assert np.allclose(h, np.tanh(W['W_hx'] @ x + W['b_h']), atol=1e-06), 'with both gates shut (b_u = b_r = -30) the state should be the candidate without the old state, h = tanh(W_hx x + b_h)'
    W = made_up(b_u=-30)
    h, probs = step(W)
    r = 1 / (1 + np.exp(-(W['W_rx'] @ x + W['W_rh'] @ h_before + W['b_r'])))
    scores = W['W_y'] @ h + W['b_y']
    reset_first = np.tanh(W['W_hx'] @ x + W['W_hh'] @ (r * h_before) + W['b_h'])
    assert np.allclose(h, np.tanh(W['W_hx'] @ x + r * (W['W_hh'] @ h_before) + W['b_h']), atol=1e-06), 'with the update gate shut (b_u = -30) the state should be the candidate c = tanh(W_hx x + gamma_r * (W_hh h_previous) + b_h).' + (' It looks like the reset gate is applied before the matrix product: this GRU uses r * (W_hh h), not W_hh (r * h).' if np.allclose(h, reset_first, atol=1e-06) else '')
    assert np.allclose(probs, np.exp(scores) / np.exp(scores).sum()), 'probs should be the softmax of W_y h + b_y, with the new h'

@test_case(points=1, hidden=False)
def test_sample_text_gru_feeds_back(sample_text_GRU, weights_GRU, vocabulary):
    from lab_checks import check_chain, with_stand_in
    assert callable(sample_text_GRU), 'sample_text_GRU is not defined: run the cell that defines it'
    sample = with_stand_in(sample_text_GRU, 'gru_step', vocabulary)
    check_chain(sample, weights_GRU, vocabulary, 'sample_text_GRU', [('it is ', 30), ('a', 12), ('the union', 9), ('federalist', 4)])

