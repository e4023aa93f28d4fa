from otter.test_files import test_case

OK_FORMAT = False

name = "train_model"
points = None

@test_case(points=0, hidden=False)
def test_train_model_history(env, train_model):
    import pathlib
    import labtest
    data_dir = pathlib.Path(env.get('DATA_DIR', 'data'))

    def run_train_model(train_model, data_dir):
        """In the notebook's kernel: train_model on the tiny BERT for 2 epochs, 8 training and 4 validation
        passages; the history it returned."""
        import json
        import math
        import pathlib
        import torch
        from torch.utils.data import DataLoader
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        data_dir = pathlib.Path(data_dir)
        dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
        tok = AutoTokenizer.from_pretrained(data_dir / 'tiny-bert')
        with open(data_dir / 'passages.json') as f:
            splits = json.load(f)['splits']
        by_author = {a: [p for p in splits['train'] if p['author'] == a] for a in ('Hamilton', 'Madison')}

        def tiny_model(seed):
            """The tiny BERT with a classification head drawn from `seed`, so that both classes get predicted."""
            model = AutoModelForSequenceClassification.from_pretrained(data_dir / 'tiny-bert')
            generator = torch.Generator().manual_seed(seed)
            with torch.no_grad():
                model.classifier.weight.copy_(torch.randn(model.classifier.weight.shape, generator=generator) * 3)
            return model.to(dev)

        def passages(n, start=0):
            """n passages alternating between the authors, of unequal lengths (5 to 40 words)."""
            picked = [by_author[('Hamilton', 'Madison')[i % 2]][start + 7 * i] for i in range(n)]
            return [(' '.join(p['text'].split()[:5 + 11 * i % 36]), int(p['author'] == 'Madison')) for i, p in enumerate(picked)]

        def collate(pairs):
            texts, labels = zip(*pairs)
            enc = tok(list(texts), padding=True, truncation=True, max_length=64, return_tensors='pt')
            return {'input_ids': enc['input_ids'], 'attention_mask': enc['attention_mask'], 'label_encoding': torch.tensor(labels)}

        def loader(pairs, batch_size):
            return DataLoader(pairs, batch_size=batch_size, shuffle=False, collate_fn=collate)

        class Spy:
            """Records, for every forward call of a model: training mode, grad mode, attention_mask given, input rows."""

            def __init__(self, model):
                self.calls = []
                model.register_forward_pre_hook(self.record, with_kwargs=True)

            def record(self, module, args, kwargs):
                ids = kwargs.get('input_ids', args[0] if args else None)
                mask = kwargs.get('attention_mask', args[1] if len(args) > 1 else None)
                self.calls.append({'training': module.training, 'grad': torch.is_grad_enabled(), 'mask': mask is not None, 'rows': [list(r) for r in ids.tolist()] if ids is not None else []})
        model = tiny_model(9)
        optimizer = torch.optim.AdamW(model.parameters(), lr=0.001)
        return train_model(model, loader(passages(8), 4), loader(passages(4, start=1), 4), optimizer, num_epochs=2)
    run_train_model = labtest.in_kernel(run_train_model)
    assert callable(train_model), 'train_model is not defined: run the cell that defines it'
    history = run_train_model(train_model, str(data_dir))
    assert isinstance(history, list) and len(history) == 2, f'train_model should return a list with one dict per epoch (2 here), got {type(history).__name__}' + (f' of length {len(history)}' if isinstance(history, list) else '')
    keys = {'epoch', 'train_loss', 'validation_loss', 'validation_accuracy', 'validation_balanced_accuracy'}
    for record in history:
        assert isinstance(record, dict) and set(record) >= keys, f"each epoch's record should have the keys {sorted(keys)}"
    assert [r['epoch'] for r in history] == [1, 2], 'epochs are numbered from 1'

