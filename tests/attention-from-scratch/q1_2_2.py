from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2_2"
points = None

@test_case(points=1, hidden=False)
def test_Q_identity(Q_identity):
    from labtest import as_answer
    from lab_checks import V, check_output
    check_output('Q_identity', as_answer(Q_identity, 'Q_identity', (4, 3)), V)

