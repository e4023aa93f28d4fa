from otter.test_files import test_case

OK_FORMAT = False

name = "collate_fn"
points = None

@test_case(points=2, hidden=False)
def test_collate_fn_batch(env):
    import torch
    import labtest
    import lab_checks
    data_dir = lab_checks.data_folder(env)
    encode = lab_checks.tokenizer_of(data_dir)
    train = lab_checks.splits(data_dir)['train']
    notebook_tokenizer = labtest.in_kernel(lab_checks.notebook_tokenizer)
    assert 'PassageDataset' in env, 'PassageDataset is not defined: run the cell that defines it'
    passages = [dict(train[0], text=' '.join(train[0]['text'].split()[:n])) for n in (3, 9, 5)]
    passages[1]['author'] = 'Madison'
    dataset = env['PassageDataset'](passages, notebook_tokenizer(str(data_dir / 'tiny-bert')), max_length=64)
    out = dataset.collate_fn([dataset[i] for i in range(3)])
    assert isinstance(out, dict), f'collate_fn should return a dict, not {type(out).__name__}'
    for key in ('input_ids', 'attention_mask', 'label_encoding'):
        assert key in out, f'the dict returned by collate_fn has no key {key!r} (it has {sorted(out)})'
        assert isinstance(out[key], torch.Tensor), f"{key} should be a torch tensor: pass return_tensors='pt'"
    ids, mask, labels = (out['input_ids'], out['attention_mask'], out['label_encoding'])
    assert ids.dim() == 2 and ids.size(0) == 3, f'input_ids should have shape (B, T) = (3, T), not {tuple(ids.shape)}'
    assert mask.shape == ids.shape, f'attention_mask {tuple(mask.shape)} and input_ids {tuple(ids.shape)} differ in shape'
    assert labels.shape == (3,) and labels.dtype == torch.long, f'label_encoding should be a LongTensor of shape (3,), got {labels.dtype} {tuple(labels.shape)}'
    assert labels.tolist() == [0, 1, 0], f'label_encoding should be [0, 1, 0] for Hamilton, Madison, Hamilton, got {labels.tolist()}'
    longest = int(encode([passages[1]['text']], 512)[1].sum())
    assert ids.size(1) == longest, f'the batch should be padded to its longest text ({longest} tokens), but T = {ids.size(1)}' + (": it looks like every batch is padded to max_length (padding='max_length'); pad to the longest text" if ids.size(1) == 64 else '')
    assert mask.sum(1).tolist() == [int(encode([p['text']], 512)[1].sum()) for p in passages], 'attention_mask should count the real tokens of each text (1) and mark padding with 0'

