from otter.test_files import test_case

OK_FORMAT = False

name = "evaluation"
points = None

@test_case(points=0, hidden=False)
def test_evaluation_is_deterministic(env, evaluation):
    import labtest
    import lab_checks
    assert callable(evaluation), 'evaluation is not defined: run the cell that defines it'
    first, second = labtest.in_kernel(lab_checks.evaluation_twice)(evaluation, str(lab_checks.data_folder(env)))
    assert isinstance(first, dict), f'evaluation should return a dict, not {type(first).__name__}'
    for key in ('loss', 'accuracy', 'balanced_accuracy'):
        assert key in first, f'the dict returned by evaluation has no key {key!r}'
        assert isinstance(first[key], float), f'{key} should be a Python float (use .item()), not {type(first[key]).__name__}'
    assert 0 <= first['accuracy'] <= 1 and 0 <= first['balanced_accuracy'] <= 1, 'accuracies lie between 0 and 1'
    assert first == second, 'two evaluations of the same model on the same data differ: dropout is still active. Call model.eval() in evaluation'

