from otter.test_files import test_case

OK_FORMAT = False

name = "compute_outputs"
points = None

@test_case(points=1, hidden=False)
def test_compute_outputs_small(compute_outputs):
    import math
    import torch
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    generator = torch.Generator().manual_seed(11)

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
    A = torch.tensor([[[0.25, 0.75], [1.0, 0.0], [0.5, 0.5]]], device=dev)
    V = torch.tensor([[[4.0, 0.0, 1.0], [0.0, 8.0, 1.0]]], device=dev)
    out = run(compute_outputs, 'compute_outputs', A, V)
    expected = torch.tensor([[[1.0, 6.0, 1.0], [4.0, 0.0, 1.0], [2.0, 4.0, 1.0]]], device=dev)
    expect_close('compute_outputs', out, expected, 'weights [0.25, 0.75], [1, 0], [0.5, 0.5]', 'Output i is sum_j A[i, j] * V[j], that is A @ V.')

