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

    def head_is_causal(Head):
        """Whether the notebook's Head is causal: a Head that sees the future is charged to Head's question only."""
        torch.manual_seed(0)
        head = Head(4, 8, 6)
        x = torch.randn(1, 5, 6)
        changed = x.clone()
        changed[:, -1] += 3.0
        with torch.no_grad():
            return (head(x) - head(changed))[:, :-1].abs().max().item() < 1e-05
    if not head_is_causal(Head):
        return
    torch.manual_seed(0)
    model = SingleHeadedAttentionLM(11, context_window_size=8, head_size=6, embed_size=10)
    labtest.check_causal(lambda ids: model(ids)[0], torch.randint(11, (2, 7)), 'SingleHeadedAttentionLM')

