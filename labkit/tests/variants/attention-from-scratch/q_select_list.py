# Correct: numbers typed as a list (20 * k_0).
q_select_v0 = [9.4, 13.0, 12.0]
