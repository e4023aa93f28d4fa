from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = None

@test_case(points=1, hidden=False)
def test_sizes_and_counts(split_sizes, class_counts):
    import torch
    assert isinstance(split_sizes, dict), 'split_sizes should be a dict {split: number of passages}'
    assert set(split_sizes) == {'train', 'validation', 'test', 'disputed'}, f'split_sizes should have the keys train, validation, test, disputed, not {sorted(split_sizes)}'
    assert all((isinstance(n, int) and n > 0 for n in split_sizes.values())), 'every size should be a positive int'
    labels = torch.tensor([0, 1, 1, 0, 1, -100])
    counts = class_counts(labels)
    assert isinstance(counts, dict), f'class_counts should return a dict, not {type(counts).__name__}'
    assert counts == {'Hamilton': 2, 'Madison': 3}, f"class_counts of labels [0, 1, 1, 0, 1, -100] should be {{'Hamilton': 2, 'Madison': 3}} (disputed labels -100 are not counted), got {counts}"

