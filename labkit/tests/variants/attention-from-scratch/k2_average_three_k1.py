# Correct: copy k_1 instead of k_0 (it has the same score).
k2_average_three = K[1].clone()
