from otter.test_files import test_case

OK_FORMAT = False

name = "train_model"
points = None

@test_case(points=0, hidden=False)
def test_train_model_history(env, train_model):
    import labtest
    import lab_checks
    assert callable(train_model), 'train_model is not defined: run the cell that defines it'
    history = labtest.in_kernel(lab_checks.train_two_epochs)(train_model, str(lab_checks.data_folder(env)))
    assert isinstance(history, list) and len(history) == 2, f'train_model should return a list with one dict per epoch (2 here), got {type(history).__name__}' + (f' of length {len(history)}' if isinstance(history, list) else '')
    keys = {'epoch', 'train_loss', 'validation_loss', 'validation_accuracy', 'validation_balanced_accuracy'}
    for record in history:
        assert isinstance(record, dict) and set(record) >= keys, f"each epoch's record should have the keys {sorted(keys)}"
    assert [r['epoch'] for r in history] == [1, 2], 'epochs are numbered from 1'

