# Stub: a number, the same for every text.
def get_perplex_rnn(weights, prompt, test_sequence):
    return 1.0


def get_perplex_gru(weights, prompt, test_sequence):
    return 1.0
