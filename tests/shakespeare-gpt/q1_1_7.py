from otter.test_files import test_case

OK_FORMAT = False

name = "q1_1_7"
points = None

@test_case(points=1, hidden=False)
def test_bigram_loss(BigramLanguageModel):
    import torch
    import labtest
    torch.manual_seed(0)
    labtest.check_lm_loss(BigramLanguageModel(11), 11, 'BigramLanguageModel')

@test_case(points=1, hidden=False)
def test_bigram_generate_shape(BigramLanguageModel):
    import math
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    model = BigramLanguageModel(11)
    out = model.generate(torch.zeros((2, 3), dtype=torch.long), 4)
    assert torch.is_tensor(out) and tuple(out.shape) == (2, 7), f'generate(ids of shape (2, 3), 4) should return shape (2, 7), got {(tuple(out.shape) if torch.is_tensor(out) else type(out).__name__)}'
    assert out.dtype == torch.long, f'generate should return integer ids (torch.long), got {out.dtype}'
    first = model.generate(torch.zeros((1, 1), dtype=torch.long), 30)
    second = model.generate(torch.zeros((1, 1), dtype=torch.long), 30)
    assert not torch.equal(first, second), 'generate gave the same 30 new tokens twice: it should SAMPLE each one from the softmax of the logits (torch.multinomial), not take the most likely one (argmax) or a fixed one, so that two runs differ'

