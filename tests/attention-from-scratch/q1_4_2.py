from otter.test_files import test_case

OK_FORMAT = False

name = "q1_4_2"
points = None

@test_case(points=1, hidden=False)
def test_k2_select_v2(k2_select_v2, q_average_first_two):
    from labtest import as_answer
    from lab_checks import V, check_output
    k2 = as_answer(k2_select_v2, 'k2_select_v2', (3,))
    length = k2.norm().item()
    assert abs(length - 1) <= 0.01, f'k2_select_v2 must have length 1 (within 0.01), but its length is {length:.4f}'
    q = as_answer(q_average_first_two, 'q_average_first_two (your query from 1.3.2, used unchanged here)', (3,))
    check_output('k2_select_v2 and your q_average_first_two', q, V[2], k2)

