# Shape-correct stubs everywhere: every autograded question must score 0.
q_select_v0 = torch.ones(3, dtype=torch.float64)
Q_identity = torch.ones(4, 3, dtype=torch.float64)
q_average_all = torch.ones(3, dtype=torch.float64)
q_average_first_two = torch.ones(3, dtype=torch.float64)
k2_average_three = torch.ones(3, dtype=torch.float64)
k2_select_v2 = torch.ones(3, dtype=torch.float64) / 3 ** 0.5

def pairwise_similarities(Q, K):
    return torch.zeros(*Q.shape[:-1], K.shape[-2], device=Q.device)

def attn_scaled(A, n_embd, n_heads):
    return A.clone()

def attn_softmax(A):
    return torch.zeros_like(A)

def compute_outputs(A, V):
    return torch.zeros(*A.shape[:-1], V.shape[-1], device=V.device)

def make_causal_mask(n_tok):
    return torch.ones(n_tok, n_tok, dtype=torch.bool, device=device)

def apply_causal_mask(mask, A):
    return A.clone()

def split_heads(x, n_heads):
    B, n_tok, n_embd = x.shape
    return torch.zeros(B, n_heads, n_tok, n_embd // n_heads, device=x.device)

def merge_heads(x):
    B, n_heads, n_tok, head_size = x.shape
    return torch.zeros(B, n_tok, n_heads * head_size, device=x.device)

def self_attention(Q, K, V, n_heads=1, causal=True):
    return torch.zeros_like(Q)
