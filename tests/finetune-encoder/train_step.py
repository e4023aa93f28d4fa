from otter.test_files import test_case

OK_FORMAT = False

name = "train_step"
points = None

@test_case(points=1, hidden=False)
def test_train_step_updates(env, train_step):
    import labtest
    import lab_checks
    assert callable(train_step), 'train_step is not defined: run the cell that defines it'
    seen = labtest.in_kernel(lab_checks.train_step_run)(train_step, str(lab_checks.data_folder(env)))
    loss = seen['loss']
    assert isinstance(loss, float), f'train_step should return the loss as a Python float (loss.item()), not {type(loss).__name__}'
    assert 0 < loss < 20, f'the loss of a random 2-class model should be near log(2) = 0.69, got {loss}'
    assert seen['changed'] > 0, 'no parameter changed: train_step must call loss.backward() and optimizer.step()'
    assert seen['training'], 'after train_step the model should be in training mode: call model.train()'

