from otter.test_files import test_case

OK_FORMAT = False

name = "evaluation"
points = None

@test_case(points=0, hidden=False)
def test_evaluation_is_deterministic(env, evaluation):
    import pathlib
    import labtest
    data_dir = pathlib.Path(env.get('DATA_DIR', 'data'))

    def run_evaluation_twice(evaluation, data_dir):
        """In the notebook's kernel: evaluation of the tiny BERT on 8 passages, twice, each from training mode."""
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
        model = tiny_model(5)
        model.train()
        data = loader(passages(8), 4)
        first = evaluation(model, data)
        model.train()
        second = evaluation(model, data)
        return (first, second)
    run_evaluation_twice = labtest.in_kernel(run_evaluation_twice)
    assert callable(evaluation), 'evaluation is not defined: run the cell that defines it'
    first, second = run_evaluation_twice(evaluation, str(data_dir))
    assert isinstance(first, dict), f'evaluation should return a dict, not {type(first).__name__}'
    for key in ('loss', 'accuracy', 'balanced_accuracy'):
        assert key in first, f'the dict returned by evaluation has no key {key!r}'
        assert isinstance(first[key], float), f'{key} should be a Python float (use .item()), not {type(first[key]).__name__}'
    assert 0 <= first['accuracy'] <= 1 and 0 <= first['balanced_accuracy'] <= 1, 'accuracies lie between 0 and 1'
    assert first == second, 'two evaluations of the same model on the same data differ: dropout is still active. Call model.eval() in evaluation'

