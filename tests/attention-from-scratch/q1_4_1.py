from otter.test_files import test_case

OK_FORMAT = False

name = "q1_4_1"
points = None

@test_case(points=1, hidden=False)
def test_k2_average_three(k2_average_three, q_average_first_two):
    from labtest import as_answer
    from lab_checks import V, check_output
    k2 = as_answer(k2_average_three, 'k2_average_three', (3,))
    q = as_answer(q_average_first_two, 'q_average_first_two (your query from 1.3.2, used unchanged here)', (3,))
    check_output('k2_average_three and your q_average_first_two', q, V[:3].mean(dim=0), k2)

