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
    import labtest
    assert callable(sample_text_GRU), 'sample_text_GRU is not defined: run the cell that defines it'

    def stand_in_step(kind, vocabulary, probs=None):
        """A step function with the signature of rnn_step (kind "rnn") or gru_step ("gru") that stands in for the
        network: it keeps the index of the character fed (plus one) in the first entry of the state; its
        next-character distribution is `probs` when given, else certain of the character that a fixed rule picks
        from the character fed and the one fed before it."""
        import numpy as np
        index = {c: i for i, c in enumerate(vocabulary)}

        def advanced(char, state):
            state = np.array(state, dtype=float)
            if probs is None:
                chosen = (7 * index[char] + 3 * int(round(state[0])) + 5) % len(vocabulary)
                p = np.eye(len(vocabulary))[chosen]
            else:
                p = np.array(probs, dtype=float)
            state[0] = index[char] + 1
            return (state, p)

        def rnn_step(weights, char, h1, h2):
            h1, p = advanced(char, h1)
            return (h1, np.array(h2, dtype=float), p)

        def gru_step(weights, char, h):
            return advanced(char, h)
        return rnn_step if kind == 'rnn' else gru_step
    stand_in_step = labtest.in_kernel(stand_in_step)

    def with_step(sample, step):
        """`sample` running with `step` in place of the notebook's gru_step."""

        def run(weights, prompt, N):
            saved = sample.__globals__['gru_step']
            sample.__globals__['gru_step'] = step
            try:
                return sample(weights, prompt, N)
            finally:
                sample.__globals__['gru_step'] = saved
        return run
    with_step = labtest.in_kernel(with_step)

    def chain_text(prompt, N, vocabulary, mistake=None):
        """The text that sampling with stand_in_step(kind, vocabulary) must return, or would return with `mistake`."""
        index, previous, chosen = ({c: i for i, c in enumerate(vocabulary)}, 0, 0)

        def feed(char):
            nonlocal previous
            chosen = (7 * index[char] + 3 * previous + 5) % len(vocabulary)
            previous = 0 if mistake == 'reset' else index[char] + 1
            return chosen
        for char in prompt[:-1] if mistake == 'last not fed' else prompt:
            previous = 0 if mistake == 'reset in prompt' else previous
            chosen = feed(char)
        if mistake == 'last twice':
            chosen = feed(prompt[-1])
        text = prompt
        while len(text) < N:
            text += vocabulary[chosen]
            if mistake != 'not fed back':
                chosen = feed(prompt[-1] if mistake == 'prompt fed' else vocabulary[chosen])
        return text

    def check_chain(sample, kept, vocabulary, name, cases):
        """Compares sample(kept, prompt, N) with chain_text for each (prompt, N) and names a classic mistake."""
        mistakes = {'not fed back': 'the character just drawn is not fed to the network: feed it to get the next distribution', 'prompt fed': 'the last character of the prompt is fed at every step instead of the character just drawn', 'last twice': 'the last character of the prompt is fed twice', 'last not fed': 'the last character of the prompt is not fed', 'reset': 'the hidden state is reset at every step: carry it from one step to the next', 'reset in prompt': 'the hidden state is reset inside the loop over the prompt: start it at zero once, before the loop'}
        for prompt, N in cases:
            got, want = (sample(kept, prompt, N), chain_text(prompt, N, vocabulary))
            assert isinstance(got, str), f'{name} should return a string, not {type(got).__name__}'
            assert len(got) == len(want), f'{name}(weights, {prompt!r}, {N}) returned {len(got)} characters; the text should have max(N, len(prompt)) = {len(want)} characters in total, prompt included'
            hint = next((f' It looks like {what}.' for mistake, what in mistakes.items() if got == chain_text(prompt, N, vocabulary, mistake)), '')
            assert got == want, f'with a stand-in step whose next character is certain and depends on the character fed and the state, {name}(weights, {prompt!r}, {N}) returned {got!r} instead of {want!r}: feed the prompt in order, then draw from the last probs, append and feed each drawn character.' + hint
    sample = with_step(sample_text_GRU, stand_in_step('gru', vocabulary))
    check_chain(sample, weights_GRU, vocabulary, 'sample_text_GRU', [('it is ', 30), ('a', 12), ('the union', 9), ('federalist', 4)])

