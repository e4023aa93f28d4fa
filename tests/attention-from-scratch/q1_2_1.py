from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2_1"
points = None

@test_case(points=1, hidden=False)
def test_q_select_v0(q_select_v0):
    from labtest import as_answer
    from lab_checks import V, check_output
    check_output('q_select_v0', as_answer(q_select_v0, 'q_select_v0', (3,)), V[0])

