"""Every lab's variant suite graded through its autograder zip (the data: labkit/tests/variants/<lab>.py).

A data module may also name GRADED_QUESTIONS (every grading must list them), NOTEBOOK_QUESTIONS (grader.check in
the notebook must give Gradescope's public verdict on them) and PUBLIC_IS_FINAL (passing their public tests must
mean full marks). Each lab is graded once, by its first test that needs it: `pytest -k lab2-6` grades lab2-6 only.
Needs the built zips (`make LABS=<lab>`); <LAB>_AUTOGRADER_ZIP overrides a lab's zip.
"""
import pytest

from labkit.tests.notebook_verdicts import autograder_public_verdicts, notebook_public_verdicts
from labkit.tests.variant_suite import lab_suite, suite_data, suite_labs

LABS = suite_labs()
SUITES = {lab: lab_suite(lab) for lab in LABS}


def cases(questions_of=None):
    """(lab, label) of every submission, of the labs whose data module names `questions_of`."""
    return [(lab, label) for lab in LABS if questions_of is None or hasattr(suite_data(lab), questions_of)
            for label in SUITES[lab].submissions]


def questions(lab, name):
    return getattr(suite_data(lab), name, ())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """graded(lab): {label: result} of `lab`'s submissions, graded once, when a test first asks for them."""
    results = {}

    def graded_lab(lab):
        if lab not in results:
            try:
                results[lab] = SUITES[lab].grade_all(tmp_path_factory.mktemp(f"{lab}-variants"))
            except Exception as error:  # fails every test of the lab without grading it again
                results[lab] = error
        if isinstance(results[lab], Exception):
            raise results[lab]
        return results[lab]
    return graded_lab


@pytest.mark.parametrize("lab", LABS)
def test_every_variant_is_graded_exactly_once(lab):
    assert SUITES[lab].layout_problems() == []


@pytest.mark.parametrize("lab, label", cases())
def test_submission(graded, lab, label):
    result = graded(lab)[label]
    assert set(result["possible"]) >= set(questions(lab, "GRADED_QUESTIONS"))
    assert SUITES[lab].score_problems(label, result) == []


@pytest.mark.parametrize("lab", LABS)
def test_stubs_earn_nothing(graded, lab):
    """A notebook whose every function returns outputs of the right shapes, ignoring its inputs, scores 0."""
    assert {q: s for q, s in graded(lab)["stubs"]["scores"].items() if s} == {}


@pytest.mark.parametrize("lab, label", cases("PUBLIC_IS_FINAL"))
def test_public_verdict_is_the_final_verdict(graded, lab, label):
    """Where public and hidden tests check the same function, passing the public tests means full marks."""
    result = graded(lab)[label]
    public = autograder_public_verdicts(result)
    misleading = [q for q in questions(lab, "PUBLIC_IS_FINAL")
                  if public[q] != (result["scores"][q] == result["possible"][q])]
    assert misleading == [], f"the public tests pass but the hidden ones fail (or the reverse) on {misleading}"


@pytest.mark.parametrize("lab, label", cases("NOTEBOOK_QUESTIONS"))
def test_notebook_and_autograder_agree(graded, lab, label):
    """grader.check in the notebook (real objects, views) and Gradescope (copies) give every question one verdict."""
    autograder = autograder_public_verdicts(graded(lab)[label])
    notebook = notebook_public_verdicts(SUITES[lab], label, list(questions(lab, "NOTEBOOK_QUESTIONS")))
    assert {q: v for q, v in notebook.items() if v != autograder[q]} == {}
