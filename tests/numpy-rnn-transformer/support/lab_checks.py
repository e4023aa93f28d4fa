# TEST SUPPORT
# Stand-ins for the step functions of Problem 1 and the checks of sampling and perplexity run with them: the text a
# sampler must return when the stand-in's next character is certain, the classic mistake that explains another
# text, the frequencies of its draws. Nothing here computes a result of the lab's models.
import labtest
import numpy as np

CHANCES = {"e": 0.4, "t": 0.3, " ": 0.2, "a": 0.1}  # the next-character distribution of check_sampling's stand-in
SAMPLING_MISTAKES = {
    "not fed back": "the character just drawn is not fed to the network: feed it to get the next distribution",
    "prompt fed": "the last character of the prompt is fed at every step instead of the character just drawn",
    "last twice": "the last character of the prompt is fed twice",
    "last not fed": "the last character of the prompt is not fed",
    "reset": "the hidden state is reset at every step: carry it from one step to the next",
    "reset in prompt": "the hidden state is reset inside the loop over the prompt: start it at zero once, "
                       "before the loop",
}

def stand_in_step(kind, vocabulary, probs=None):
    """Run in the kernel: a step function with the signature of rnn_step (kind "rnn") or gru_step ("gru") that
    stands in for the network. It keeps the index of the character fed (plus one) in the first entry of the state;
    its next-character distribution is `probs` when given, else certain of the character that a fixed rule picks
    from the character fed and the one fed before it."""
    index = {c: i for i, c in enumerate(vocabulary)}
    def advanced(char, state):
        state = np.array(state, dtype=float)  # (H,)
        if probs is None:
            chosen = (7 * index[char] + 3 * int(round(state[0])) + 5) % len(vocabulary)
            p = np.eye(len(vocabulary))[chosen]  # (V,)
        else:
            p = np.array(probs, dtype=float)  # (V,)
        state[0] = index[char] + 1
        return state, p
    def rnn_step(weights, char, h1, h2):
        h1, p = advanced(char, h1)
        return h1, np.array(h2, dtype=float), p
    def gru_step(weights, char, h):
        return advanced(char, h)
    return rnn_step if kind == "rnn" else gru_step

def with_fixed_steps(perplex, probs):
    """Run in the kernel: `perplex` running with stand-ins for rnn_step and gru_step whose next-character
    distribution is always `probs`, whatever they are fed (so that a mistake in a step function costs nothing)."""
    fixed = np.array(probs, dtype=float)  # (V,)
    def rnn_step(weights, char, h1, h2):
        return np.array(h1, dtype=float), np.array(h2, dtype=float), fixed.copy()
    def gru_step(weights, char, h):
        return np.array(h, dtype=float), fixed.copy()
    return labtest.with_globals(perplex, rnn_step=rnn_step, gru_step=gru_step)

def chain_text(prompt, N, vocabulary, mistake=None):
    """The text that sampling with stand_in_step(kind, vocabulary) must return, or would return with `mistake`."""
    index, previous, chosen = {c: i for i, c in enumerate(vocabulary)}, 0, 0
    def feed(char):
        nonlocal previous
        chosen = (7 * index[char] + 3 * previous + 5) % len(vocabulary)
        previous = 0 if mistake == "reset" else index[char] + 1
        return chosen
    for char in prompt[:-1] if mistake == "last not fed" else prompt:
        previous = 0 if mistake == "reset in prompt" else previous
        chosen = feed(char)
    if mistake == "last twice":
        chosen = feed(prompt[-1])
    text = prompt
    while len(text) < N:
        text += vocabulary[chosen]
        if mistake != "not fed back":
            chosen = feed(prompt[-1] if mistake == "prompt fed" else vocabulary[chosen])
    return text

def check_chain(sample, kept, vocabulary, name, cases):
    """Compares sample(kept, prompt, N), which runs with stand_in_step, with chain_text for each (prompt, N) and
    names a classic mistake."""
    for prompt, N in cases:
        got, want = sample(kept, prompt, N), chain_text(prompt, N, vocabulary)
        assert isinstance(got, str), f"{name} should return a string, not {type(got).__name__}"
        assert len(got) == len(want), (
            f"{name}(weights, {prompt!r}, {N}) returned {len(got)} characters; the text should have "
            f"max(N, len(prompt)) = {len(want)} characters in total, prompt included")
        hint = next((f" It looks like {what}." for mistake, what in SAMPLING_MISTAKES.items()
                     if got == chain_text(prompt, N, vocabulary, mistake)), "")
        assert got == want, (
            f"with a stand-in step whose next character is certain and depends on the character fed and the "
            f"state, {name}(weights, {prompt!r}, {N}) returned {got!r} instead of {want!r}: feed the prompt "
            f"in order, then draw from the last probs, append and feed each drawn character." + hint)

def with_stand_in(sample_text, step_name, vocabulary):
    """sample_text running with stand_in_step in place of its step function (the notebook's global step_name)."""
    step = labtest.in_kernel(stand_in_step)(step_name.split("_")[0], vocabulary)
    return labtest.in_kernel(labtest.with_globals)(sample_text, **{step_name: step})

def check_sampling(sample_text, step_name, weights, vocabulary, name):
    """sample_text, run with NumPy only and a stand-in for its step function: the text of a certain stand-in, then
    the draws of one whose distribution is always CHANCES: the same text after the same seed, each character at
    its frequency."""
    stand_in = labtest.in_kernel(stand_in_step)
    kind = step_name.split("_")[0]  # rnn or gru
    sample, kept = labtest.numpy_only(sample_text, weights, **{step_name: stand_in(kind, vocabulary)})
    check_chain(sample, kept, vocabulary, name, [("we the people", 45), ("z", 3)])
    probs = [CHANCES.get(c, 0.0) for c in vocabulary]
    sample, kept = labtest.numpy_only(sample_text, weights, **{step_name: stand_in(kind, vocabulary, probs)})
    seed_numpy = labtest.in_kernel(labtest.seed_numpy)
    seed_numpy(7)
    first = sample(kept, "it is ", 40)
    seed_numpy(7)
    assert sample(kept, "it is ", 40) == first, (
        f"after the same np.random.seed, {name} should return the same text: draw with "
        "np.random.choice (not with a generator of your own)")
    # 2000 draws from a stand-in whose distribution is fixed: by Hoeffding's inequality a correct sampler misses
    # a frequency by 0.06 or more with probability below 2 exp(-2 * 2000 * 0.06**2) per character, so the five
    # checks below fail a correct sampler with probability below 6e-6
    draws = 2000
    drawn = sample(kept, "it is ", len("it is ") + draws)[len("it is "):]
    frequencies = {c: drawn.count(c) / draws for c in CHANCES}
    other = 1 - sum(frequencies.values())
    hint = (" It looks like the most likely character is always taken: draw from probs instead."
            if frequencies["e"] > 0.95 else " It looks like every character is equally likely: pass p=probs to "
            "np.random.choice." if other > 0.5 else "")
    assert all(abs(frequencies[c] - p) < 0.06 for c, p in CHANCES.items()) and other < 0.06, (
        f"with a stand-in step whose next-character distribution is always {CHANCES} (and 0 for the rest), "
        f"{draws} characters drawn by {name} came out with frequencies "
        f"{ {c: round(f, 3) for c, f in frequencies.items()} } and {other:.3f} for all others: draw each "
        f"character with np.random.choice(vocab_size, p=probs)." + hint)
