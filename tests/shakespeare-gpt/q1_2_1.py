from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2_1"
points = None

@test_case(points=1, hidden=False)
def test_embeddings_layers(BigramWithWordEmbeddingsLM):
    import torch
    import labtest
    import torch.nn as nn
    model = BigramWithWordEmbeddingsLM(11, embed_size=5)
    labtest.require(model, 'token_embedding_table', 'lm_head')
    assert tuple(model.token_embedding_table.weight.shape) == (11, 5), f'token_embedding_table should map 11 ids to vectors of size 5, its weight has shape {tuple(model.token_embedding_table.weight.shape)}'
    assert isinstance(model.lm_head, nn.Linear) and (model.lm_head.in_features, model.lm_head.out_features) == (5, 11), 'lm_head should be an nn.Linear from embed_size (5) to vocab_size (11)'

@test_case(points=1, hidden=False)
def test_embeddings_loss(BigramWithWordEmbeddingsLM):
    import torch
    import labtest
    torch.manual_seed(0)
    labtest.check_lm_loss(BigramWithWordEmbeddingsLM(11, embed_size=5), 11, 'BigramWithWordEmbeddingsLM')

