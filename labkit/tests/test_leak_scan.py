"""The leak scan of `make check` sees solutions that public files rewrite: another name, reshape for view,
other spacing and quotes, or a whole solution function defined again under another name."""
import textwrap

import nbformat

import pytest

from labkit.authoring.build import master_path
from labkit.grading.check import Published, find_leaks

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

LAB = "attention-from-scratch"

# Public-test code that gives an answer away without copying a solution line verbatim.
PLANTED = {
    "a reference split with reshape": """
        def reference_split(x, n_heads):
            B, n_tok, n_embd = x.shape
            return x.reshape(B, n_tok, n_heads, n_embd // n_heads).transpose(1, 2)
        """,
    "the split inside a lambda": """
        split = lambda x: x.reshape(B, n_tok, n_heads, n_embd // n_heads).transpose(1, 2)
        """,
    "the merge under another name, with a copy": """
        merged = y.transpose(1, 2).contiguous().view(B, n_tok, n_heads * head_size)
        """,
    "a renamed copy of a solution function": """
        def cut_into_heads(tensor, heads):
            b, t, c = tensor.shape
            return tensor.reshape(b, t, heads, c // heads).transpose(1, 2)
        """,
    "the mask with single quotes": """
        scores = scores.masked_fill(~allowed, float('-inf'))
        """,
}


def published(code):
    source = textwrap.dedent(code)
    return Published([line.strip() for line in source.splitlines() if line.strip()], [source])


@pytest.mark.parametrize("what", list(PLANTED))
def test_planted_rewritten_solution_is_flagged(what):
    assert find_leaks(master_path(LAB), published(PLANTED[what])) != []


def test_shapes_invariants_and_hand_checked_cases_are_not_flagged():
    harmless = """
        def check_split(out, x, n_heads):
            B, n_tok, n_embd = x.shape
            assert out.shape == (B, n_heads, n_tok, n_embd // n_heads)
            assert out[0, 1, 0].tolist() == [2.0, 3.0]
        weights = torch.softmax(scores, dim=-1)
        """
    assert find_leaks(master_path(LAB), published(harmless)) == []


def test_lab2_6_reference_attention_in_a_public_test_is_flagged():
    reference = """
        def ref_attention(Q, K, V, mask=None):
            scores = Q @ K.transpose(1, 2) / math.sqrt(Q.size(-1))
            if mask is not None:
                scores = scores.masked_fill(~mask, float('-inf'))
            A = torch.softmax(scores, dim=-1)
            return (A, A @ V)
        """
    assert find_leaks(master_path("lab2-6"), published(reference)) != []


def test_hidden_support_lines_are_secret_and_public_support_lines_are_not(tmp_path):
    cell = nbformat.v4.new_code_cell
    master = tmp_path / "toy.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        cell("# HIDDEN TEST SUPPORT\ndef reference_scores(q, k):\n    return q @ k.transpose(-2, -1) * scale_of(q)"),
        cell("# TEST SUPPORT\ndef stand_in_scores(q, k):\n    return torch.zeros(q.shape[0], k.shape[0])")]), master)
    assert find_leaks(master, published("return q @ k.transpose(-2, -1) * scale_of(q)")) != []
    assert find_leaks(master, published("return torch.zeros(q.shape[0], k.shape[0])")) == []
