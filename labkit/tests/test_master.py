"""The master notebook's model (labkit/authoring/master.py): config, questions and points, blocks, tests, setup cell."""
import nbformat
import pytest

from labkit import REPO_ROOT
from labkit.authoring.build import lab_names, read_master
from labkit.authoring.master import Master, code_view, solution_lines_of_code
from labkit.authoring.setup_cell import MARKER

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

raw, md, code = nbformat.v4.new_raw_cell, nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
POINTS = "# BEGIN TEST CONFIG\npoints: {}\n# END TEST CONFIG\n"


def toy_master():
    return Master(nbformat.v4.new_notebook(cells=[
        raw("# ASSIGNMENT CONFIG\nname: toy\ntests:\n  files: true"), code(MARKER + "\nDATA_DIR = None"),
        raw("# BEGIN QUESTION\nname: given\npoints: [1, 2]"), raw("# BEGIN SOLUTION"), code("x = 1  # SOLUTION"),
        raw("# END SOLUTION"), raw("# BEGIN TESTS"), code("def test_x(x):\n    assert x == 1"), raw("# END TESTS"),
        raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: summed"), code("def f():\n    # BEGIN SOLUTION\n    return 2\n    # END SOLUTION"),
        raw("# BEGIN TESTS"), code(POINTS.format(1.5) + "def test_f(f):\n    assert f() == 2"),
        code("# HIDDEN\n" + POINTS.format(2) + "def test_more(f):\n    assert f() + 1 == 3"),
        code("# BEGIN TEST CONFIG\nhidden: true\n# END TEST CONFIG\ndef test_last(f):\n    pass"),
        raw("# END TESTS"), raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: essay\nmanual: true"), raw("# BEGIN SOLUTION"), md("Because."),
        raw("# END SOLUTION"), raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: untested"), code("y = 2"), raw("# END QUESTION")]))


def test_questions_take_their_points_from_the_config_else_their_tests_else_one():
    assert toy_master().questions == [("given", 3, False), ("summed", 3.5, False), ("essay", 1.0, True),
                                      ("untested", 1.0, False)]


def test_tests_know_their_question_points_and_whether_they_are_hidden():
    tests = toy_master().tests
    assert [(t.question, t.points, t.hidden) for t in tests] == [
        ("given", 0, False), ("summed", 1.5, False), ("summed", 2, True), ("summed", 0, True)]


def test_cells_are_placed_in_their_block_and_question():
    placed = {(p.cell.source.splitlines()[0], p.block, p.question) for p in toy_master().parts}
    assert {("x = 1  # SOLUTION", "SOLUTION", "given"), ("Because.", "SOLUTION", "essay"), ("y = 2", None, "untested"),
            ("def test_x(x):", "TESTS", "given"), (MARKER, None, None)} <= placed
    assert not any(p.cell.cell_type == "raw" and "BEGIN" in p.cell.source for p in toy_master().parts)


def test_config_and_setup_cell():
    master = toy_master()
    assert master.config["name"] == "toy" and master.setup_cell.source.startswith(MARKER)
    with pytest.raises(ValueError, match="ASSIGNMENT CONFIG"):
        Master(nbformat.v4.new_notebook(cells=[code("x = 1")])).config


def test_solution_lines_and_the_code_the_solution_notebook_keeps():
    source = "def f(x):\n    # BEGIN SOLUTION\n    y = x + 1\n    # END SOLUTION\n    return y  # SOLUTION\nz = 0"
    assert code_view(source) == (["def f(x):", "    y = x + 1", "    return y", "z = 0"], {2, 3})
    assert solution_lines_of_code(source) == ["    y = x + 1", "    return y"]
    assert toy_master().solution_code() == ["x = 1", "    return 2"]


def test_support_cells_become_the_labs_test_modules_and_leave_the_notebook():
    cells = toy_master().notebook.cells + [code("# TEST SUPPORT\ndef stand_in(x):\n    return x"),
                                           code("# HIDDEN TEST SUPPORT\ndef reference(x):\n    return x + 1"),
                                           code("# TEST SUPPORT\nSCALE = 2")]
    master = Master(nbformat.v4.new_notebook(cells=cells))
    assert [p.block for p in master.parts[-3:]] == ["SUPPORT", "HIDDEN SUPPORT", "SUPPORT"]
    modules = master.support_modules()
    assert modules["lab_checks"].startswith("# TEST SUPPORT\ndef stand_in") and "SCALE = 2" in modules["lab_checks"]
    assert "def reference" in modules["lab_references"] and "reference" not in modules["lab_checks"]
    kept = master.without_support().cells
    assert len(kept) == len(cells) - 3 and not any("TEST SUPPORT" in c.source for c in kept)
    assert len(master.notebook.cells) == len(cells)  # the master itself is left as it is
    assert toy_master().support_modules() == {}


def test_a_support_cell_inside_a_block_is_refused():
    with pytest.raises(ValueError, match="outside the blocks"):
        Master(nbformat.v4.new_notebook(cells=[raw("# BEGIN TESTS"), code("# HIDDEN TEST SUPPORT\nx = 1")]))


@pytest.mark.parametrize("lab", lab_names())
def test_each_masters_questions_and_public_tests_match_what_otter_assign_wrote(lab):
    master = read_master(lab)
    published = {p.stem: p.read_text() for p in (REPO_ROOT / "tests" / lab).glob("*.py")}
    assert {q.name for q in master.questions if not q.manual} == set(published)
    for name, source in published.items():
        public = [t for t in master.tests if t.question == name and not t.hidden]
        assert source.count("@test_case(") == len(public), name
