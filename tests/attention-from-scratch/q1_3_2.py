from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_2"
points = None

@test_case(points=1, hidden=False)
def test_q_average_first_two(q_average_first_two):
    import torch
    K = torch.tensor([[0.47, 0.65, 0.6], [0.64, 0.5, -0.59], [-0.03, -0.48, -0.88], [0.43, -0.83, 0.35]], dtype=torch.float64)
    V = torch.tensor([[-0.07, -0.88, 0.47], [0.37, -0.93, -0.07], [-0.25, -0.75, 0.61], [0.94, 0.2, 0.28]], dtype=torch.float64)

    def as_answer(value, name, shape):
        """The answer as a float64 CPU tensor of the given shape, or an AssertionError that says what is wrong."""
        kind = 'vector of 3 numbers' if len(shape) == 1 else f'matrix of {shape[0]} rows of {shape[1]} numbers'
        if value is None or value is Ellipsis:
            raise AssertionError(f'{name} is not set yet: replace the ... by your answer, a {kind}')
        try:
            if isinstance(value, torch.Tensor):
                answer = value.detach().to('cpu', torch.float64)
            else:
                answer = torch.as_tensor(value, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            raise AssertionError(f'{name} should be a {kind} (a tensor or a list), not a {type(value).__name__}')
        if tuple(answer.shape) != shape:
            hint = ' Flatten it, e.g. with .reshape(-1) or by indexing a single row K[i].' if len(shape) == 1 and answer.numel() == shape[0] else ''
            raise AssertionError(f'{name} should have shape {shape}, but it has shape {tuple(answer.shape)}.{hint}')
        if not torch.isfinite(answer).all():
            raise AssertionError(f'{name} contains inf or NaN; use a large but finite number instead')
        return answer

    def check_error(name, output, target, weights):
        error = (output - target).abs().max().item()
        assert error <= 0.05, f'with {name} the attention weights are {[round(w, 3) for w in weights.reshape(-1).tolist()]} and the output is {[round(o, 3) for o in output.reshape(-1).tolist()]}: the error is {error:.3f}, more than the 0.05 allowed'
    q = as_answer(q_average_first_two, 'q_average_first_two', (3,))
    weights = torch.softmax(q @ K.T, dim=-1)
    check_error('q_average_first_two', weights @ V, (V[0] + V[1]) / 2, weights)

