from otter.test_files import test_case

OK_FORMAT = False

name = "q1_4_2"
points = None

@test_case(points=1, hidden=False)
def test_transformer_loss(TransformerLM):
    import torch
    import labtest
    torch.manual_seed(0)
    model = TransformerLM(11, context_window_size=8, embed_size=12, num_heads=3, n_layers=2)
    labtest.require(model, 'token_embedding_table', 'position_embedding_table', 'blocks', 'ln_f', 'lm_head')
    labtest.check_lm_loss(model, 11, 'TransformerLM')

@test_case(points=1, hidden=False)
def test_transformer_initial_loss(TransformerLM):
    import math
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    model = TransformerLM(65, context_window_size=16, embed_size=32, num_heads=4, n_layers=2)
    ids = torch.randint(65, (8, 16))
    with torch.no_grad():
        _, loss = model(ids, torch.randint(65, (8, 16)))
    assert abs(loss.item() - math.log(65)) < 0.1, f'at initialisation the loss should be close to ln 65 = {math.log(65):.3f} (small logits, a nearly uniform distribution), got {loss.item():.3f}: keep the given initialisation (self.apply(gpt2_init))'

@test_case(points=1, hidden=False)
def test_transformer_causal(TransformerLM, Head):
    import torch
    import labtest
    load_parameters = labtest.in_kernel(labtest.load_parameters)
    from lab_checks import head_is_causal
    if not head_is_causal(Head):
        return
    torch.manual_seed(0)
    model = TransformerLM(11, context_window_size=8, embed_size=12, num_heads=3, n_layers=2)
    load_parameters(model, {name: torch.empty(p.shape).normal_(0, 0.5) for name, p in model.named_parameters()})
    labtest.check_causal(lambda ids: model(ids)[0], torch.randint(11, (2, 8)), 'TransformerLM')

