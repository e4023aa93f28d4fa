# Bug: nn.MultiheadAttention with identity projections instead of the student's own functions.
def self_attention(Q, K, V, n_heads=1, causal=True):
    B, n_tok, n_embd = Q.shape
    attention = nn.MultiheadAttention(n_embd, n_heads, bias=False, batch_first=True).to(Q.device)
    with torch.no_grad():
        attention.in_proj_weight.copy_(torch.eye(n_embd, device=Q.device).repeat(3, 1))
        attention.out_proj.weight.copy_(torch.eye(n_embd, device=Q.device))
    future = ~make_causal_mask(n_tok) if causal else None
    return attention(Q, K, V, attn_mask=future, need_weights=False)[0]
