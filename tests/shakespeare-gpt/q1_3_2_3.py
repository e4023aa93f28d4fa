from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3_2_3"
points = None

@test_case(points=1, hidden=False)
def test_single_head_lm_loss(SingleHeadedAttentionLM):
    import torch
    import labtest
    torch.manual_seed(0)
    model = SingleHeadedAttentionLM(11, context_window_size=8, head_size=6, embed_size=10)
    labtest.require(model, 'token_embedding_table', 'position_embedding_table', 'atten_head', 'lm_head')
    labtest.check_lm_loss(model, 11, 'SingleHeadedAttentionLM')

@test_case(points=1, hidden=False)
def test_single_head_lm_causal(SingleHeadedAttentionLM, Head):
    import torch
    import labtest
    from lab_checks import head_is_causal
    if not head_is_causal(Head):
        return
    torch.manual_seed(0)
    model = SingleHeadedAttentionLM(11, context_window_size=8, head_size=6, embed_size=10)
    labtest.check_causal(lambda ids: model(ids)[0], torch.randint(11, (2, 7)), 'SingleHeadedAttentionLM')

