from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_2"
points = None

@test_case(points=1, hidden=False)
def test_q_average_first_two(q_average_first_two):
    from labtest import as_answer
    from lab_checks import V, check_output
    check_output('q_average_first_two', as_answer(q_average_first_two, 'q_average_first_two', (3,)), (V[0] + V[1]) / 2)

