# Bug: a (1, 3) row instead of a vector of 3 numbers.
q_select_v0 = 20 * K[:1]
