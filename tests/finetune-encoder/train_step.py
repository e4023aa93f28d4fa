from otter.test_files import test_case

OK_FORMAT = False

name = "train_step"
points = None

@test_case(points=1, hidden=False)
def test_train_step_updates(env, train_step):
    import pathlib
    import labtest
    data_dir = pathlib.Path(env.get('DATA_DIR', 'data'))

    def run_train_step(train_step, data_dir):
        """In the notebook's kernel: train_step on the tiny BERT, from evaluation mode, with SGD; what it returned,
        how many parameters changed and whether the model is left in training mode."""
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
        model = tiny_model(1)
        before = [p.detach().clone() for p in model.parameters()]
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        model.eval()
        loss = train_step(model, collate(passages(4)), optimizer)
        changed = sum((not torch.equal(b, p) for b, p in zip(before, model.parameters())))
        return {'loss': loss, 'changed': changed, 'training': model.training}
    run_train_step = labtest.in_kernel(run_train_step)
    assert callable(train_step), 'train_step is not defined: run the cell that defines it'
    seen = run_train_step(train_step, str(data_dir))
    loss = seen['loss']
    assert isinstance(loss, float), f'train_step should return the loss as a Python float (loss.item()), not {type(loss).__name__}'
    assert 0 < loss < 20, f'the loss of a random 2-class model should be near log(2) = 0.69, got {loss}'
    assert seen['changed'] > 0, 'no parameter changed: train_step must call loss.backward() and optimizer.step()'
    assert seen['training'], 'after train_step the model should be in training mode: call model.train()'

