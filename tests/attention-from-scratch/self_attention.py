from otter.test_files import test_case

OK_FORMAT = False

name = "self_attention"
points = None

@test_case(points=1, hidden=False)
def test_1_no_mask_one_head(self_attention):
    import labtest
    from lab_checks import check_assembly
    check_assembly(self_attention, 'Test 1', labtest.Random(1).randn, B=2, n_tok=6, n_embd=12, n_heads=1, causal=False)

@test_case(points=1, hidden=False)
def test_2_causal_one_head(self_attention):
    import labtest
    from lab_checks import check_assembly
    check_assembly(self_attention, 'Test 2', labtest.Random(2).randn, B=2, n_tok=6, n_embd=12, n_heads=1, causal=True)

@test_case(points=1, hidden=False)
def test_3_causal_four_heads(self_attention):
    import labtest
    from lab_checks import check_assembly
    check_assembly(self_attention, 'Test 3', labtest.Random(3).randn, B=2, n_tok=6, n_embd=12, n_heads=4, causal=True)

