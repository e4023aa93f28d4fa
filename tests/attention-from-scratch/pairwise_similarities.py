from otter.test_files import test_case

OK_FORMAT = False

name = "pairwise_similarities"
points = None

@test_case(points=1, hidden=False)
def test_pairwise_similarities_small(pairwise_similarities):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(5)

    def randn(*shape):
        return torch.randn(*shape, generator=generator).to(dev)

    def shape_of(args):
        return ', '.join((str(tuple(a.shape)) if isinstance(a, torch.Tensor) else repr(a) for a in args))

    def run(function, name, *args, hint_on_error=''):
        """Calls the student's function; fails with a clear message if it raises, edits an input or returns no tensor."""
        assert callable(function), f'{name} is not defined: run the cell that defines it'
        before = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
        try:
            out = function(*args)
        except Exception as err:
            raise AssertionError(f'{name}({shape_of(args)}) raised {type(err).__name__}: {err}. {hint_on_error}')
        for position, (arg, copy) in enumerate(zip(args, before)):
            if isinstance(arg, torch.Tensor) and (not torch.equal(arg, copy)):
                raise AssertionError(f'{name} changed its input number {position + 1} in place (with /=, masked_fill_, an indexed assignment, ...): the caller may still need it. Compute and return a new tensor instead.')
        assert isinstance(out, torch.Tensor), f'{name} should return a tensor, not {type(out).__name__}'
        return out

    def expect_shape(name, out, shape, hint=''):
        assert tuple(out.shape) == tuple(shape), f'{name} should return shape {tuple(shape)}, but returned shape {tuple(out.shape)}. {hint}'

    def expect_close(name, out, expected, label, hint=''):
        expect_shape(name, out, expected.shape, hint)
        if not torch.allclose(out.float(), expected.float(), atol=1e-05, rtol=0.0001, equal_nan=False):
            difference = (out.float() - expected.float()).abs().nan_to_num(float('inf')).max().item()
            raise AssertionError(f'{name}, {label}: the result differs from the expected one by up to {difference:.3g}. {hint}')
    TRANSPOSE_HINT = 'Only the last two dimensions of K may be swapped, transpose(-2, -1): transposing dimensions (0, 1) or (1, 2), or using .T, breaks once there is a batch or a head dimension.'
    Q = torch.tensor([[[1.0, 0.0], [0.0, 2.0]]], device=dev)
    K = torch.tensor([[[3.0, 4.0], [1.0, 1.0], [0.0, -1.0]]], device=dev)
    A = run(pairwise_similarities, 'pairwise_similarities', Q, K, hint_on_error=TRANSPOSE_HINT)
    expected = torch.tensor([[[3.0, 1.0, 0.0], [8.0, 2.0, -2.0]]], device=dev)
    expect_close('pairwise_similarities', A, expected, 'queries [1, 0], [0, 2] and keys [3, 4], [1, 1], [0, -1]', 'A[0, i, j] should be the dot product of query i and key j. ' + TRANSPOSE_HINT)
    A = run(pairwise_similarities, 'pairwise_similarities', Q[:, None], K[:, None], hint_on_error=TRANSPOSE_HINT)
    expect_close('pairwise_similarities', A, expected[:, None], 'the same queries and keys with a head dimension, Q (1, 1, 2, 2) and K (1, 1, 3, 2)', TRANSPOSE_HINT)

