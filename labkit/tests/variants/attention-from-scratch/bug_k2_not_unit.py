# Bug: the right direction, but not of length 1.
k2_select_v2 = q_average_first_two.clone()
