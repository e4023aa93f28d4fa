from otter.test_files import test_case

OK_FORMAT = False

name = "paper_votes"
points = None

@test_case(points=1, hidden=False)
def test_paper_votes_by_hand(paper_votes):
    import torch
    assert callable(paper_votes), 'paper_votes is not defined: run the cell that defines it'
    votes = paper_votes([51, 51, 51, 62, 62], torch.tensor([1, 0, 1, 0, 1]))
    assert isinstance(votes, dict), f'paper_votes should return a dict, not {type(votes).__name__}'
    assert set(votes) == {51, 62}, f'paper_votes should have one entry per paper (51 and 62), got {sorted(votes)}'
    assert votes[51] == {'Hamilton': 1, 'Madison': 2, 'verdict': 'Madison'}, f"paper 51 has passages voting Madison, Hamilton, Madison: expected {{'Hamilton': 1, 'Madison': 2, 'verdict': 'Madison'}}, got {votes[51]}"
    assert votes[62]['verdict'] == 'tie', f"paper 62 has one vote each: the verdict should be 'tie', got {votes[62]['verdict']!r}"

