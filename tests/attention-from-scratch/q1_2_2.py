from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2_2"
points = None

@test_case(points=1, hidden=False)
def test_Q_identity(Q_identity):
    import torch
    from labtest import as_answer
    K = torch.tensor([[0.47, 0.65, 0.6], [0.64, 0.5, -0.59], [-0.03, -0.48, -0.88], [0.43, -0.83, 0.35]], dtype=torch.float64)
    V = torch.tensor([[-0.07, -0.88, 0.47], [0.37, -0.93, -0.07], [-0.25, -0.75, 0.61], [0.94, 0.2, 0.28]], dtype=torch.float64)

    def check_error(name, output, target, weights):
        error = (output - target).abs().max().item()
        assert error <= 0.05, f'with {name} the attention weights are {[round(w, 3) for w in weights.reshape(-1).tolist()]} and the output is {[round(o, 3) for o in output.reshape(-1).tolist()]}: the error is {error:.3f}, more than the 0.05 allowed'
    Q = as_answer(Q_identity, 'Q_identity', (4, 3))
    weights = torch.softmax(Q @ K.T, dim=-1)
    check_error('Q_identity', weights @ V, V, weights)

