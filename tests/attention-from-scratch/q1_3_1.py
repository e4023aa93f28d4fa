from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_1"
points = None

@test_case(points=1, hidden=False)
def test_q_average_all(q_average_all):
    from labtest import as_answer
    from lab_checks import V, check_output
    check_output('q_average_all', as_answer(q_average_all, 'q_average_all', (3,)), V.mean(dim=0))

