from otter.test_files import test_case

OK_FORMAT = False

name = "sample_text_rnn"
points = None

@test_case(points=1, hidden=False)
def test_rnn_step_equations(rnn_step, vocabulary):
    import numpy as np
    assert callable(rnn_step), 'rnn_step is not defined: run the cell that defines it'
    rng = np.random.default_rng(5)
    V = len(vocabulary)
    W = {'W_xh1': rng.normal(size=(3, V)), 'W_h1h1': rng.normal(size=(3, 3)), 'b_h1': rng.normal(size=3), 'W_h1h2': rng.normal(size=(2, 3)), 'W_h2h2': rng.normal(size=(2, 2)), 'b_h2': rng.normal(size=2), 'W_h2y': rng.normal(size=(V, 2)), 'b_y': rng.normal(size=V)}
    h1_before, h2_before = (rng.uniform(-0.9, 0.9, 3), rng.uniform(-0.9, 0.9, 2))
    out = rnn_step(W, 'e', h1_before.copy(), h2_before.copy())
    assert isinstance(out, tuple) and len(out) == 3, 'rnn_step should return the triple (h1, h2, probs)'
    h1, h2, probs = (np.asarray(o, dtype=float) for o in out)
    assert h1.shape == (3,) and h2.shape == (2,) and (probs.shape == (V,)), f'with 3 and 2 hidden units, h1, h2 and probs should have shapes (3,), (2,) and ({V},), not {h1.shape}, {h2.shape} and {probs.shape} (use 1-D vectors)'
    x = np.eye(V)[vocabulary.index('e')]
    assert np.allclose(h1, np.tanh(W['W_xh1'] @ x + W['W_h1h1'] @ h1_before + W['b_h1'])), 'h1 should be tanh(W_xh1 x + W_h1h1 h1 + b_h1), with x the one-hot vector of the character and h1 the state before it (checked on small made-up weights)'
    assert np.allclose(h2, np.tanh(W['W_h1h2'] @ h1 + W['W_h2h2'] @ h2_before + W['b_h2'])), 'h2 should be tanh(W_h1h2 h1 + W_h2h2 h2 + b_h2), with the new h1 and the h2 from before the character (checked on small made-up weights)'
    scores = W['W_h2y'] @ h2 + W['b_y']
    assert np.allclose(probs, np.exp(scores) / np.exp(scores).sum()), 'probs should be the softmax of W_h2y h2 + b_y, with the new h2 (checked on small made-up weights)'

@test_case(points=1, hidden=False)
def test_sample_text_rnn_feeds_back(sample_text_RNN, weights_RNN, vocabulary):
    import labtest
    assert callable(sample_text_RNN), 'sample_text_RNN is not defined: run the cell that defines it'

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
        """`sample` running with `step` in place of the notebook's rnn_step."""

        def run(weights, prompt, N):
            saved = sample.__globals__['rnn_step']
            sample.__globals__['rnn_step'] = step
            try:
                return sample(weights, prompt, N)
            finally:
                sample.__globals__['rnn_step'] = saved
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
    sample = with_step(sample_text_RNN, stand_in_step('rnn', vocabulary))
    check_chain(sample, weights_RNN, vocabulary, 'sample_text_RNN', [('it is ', 30), ('a', 12), ('the union', 9), ('federalist', 4)])

