from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_3_2"
points = None

@test_case(points=1, hidden=False)
def test_multi_head_lm_loss(MultiHeadedAttentionLM):
    import torch
    import labtest
    torch.manual_seed(0)
    model = MultiHeadedAttentionLM(11, context_window_size=8, embed_size=12, num_heads=3)
    labtest.require(model, 'token_embedding_table', 'position_embedding_table', 'multi_head_attention', 'lm_head')
    head_size = model.multi_head_attention.heads[0].head_size
    assert head_size == 4, f'MultiHeadedAttentionLM builds heads of size {head_size}: with embed_size 12 and 3 heads each head should have size embed_size // num_heads = 4, so that the concatenated heads have embed_size features again.'
    labtest.check_lm_loss(model, 11, 'MultiHeadedAttentionLM')

@test_case(points=1, hidden=False)
def test_multi_head_lm_causal(MultiHeadedAttentionLM, Head):
    import torch
    import labtest
    from lab_checks import head_is_causal
    if not head_is_causal(Head):
        return
    torch.manual_seed(0)
    model = MultiHeadedAttentionLM(11, context_window_size=8, embed_size=12, num_heads=3)
    labtest.check_causal(lambda ids: model(ids)[0], torch.randint(11, (2, 7)), 'MultiHeadedAttentionLM')

