# Bug: Q = K without a large factor: the weights are far from one-hot.
Q_identity = K.clone()
