"""results.json's vocabulary lives in one module (labkit/autograder/entries.py), which ships in every zip
(test_harden.py)."""
import re

import pytest

from labkit import REPO_ROOT
from labkit.autograder import entries

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

NAMES = [entries.PUBLIC_TESTS, *entries.AUTOGRADER_ERRORS, entries.PROBLEMS, entries.FLAGS, entries.ISOLATION,
         entries.TIME_OUTS, entries.TIMING]


def test_entry_names_are_spelled_out_only_in_the_vocabulary():
    spelled = {str(path.relative_to(REPO_ROOT)): name for path in (REPO_ROOT / "labkit").rglob("*.py")
               if path.name != "entries.py" for name in NAMES if re.search(f"[\"']{re.escape(name)}[\"']",
                                                                            path.read_text())}
    assert spelled == {}, f"use labkit.autograder.entries instead of spelling entry names out: {spelled}"


def test_readers_tell_questions_from_otters_summary_and_find_its_error():
    results = {"tests": [{"name": entries.PUBLIC_TESTS, "score": 1, "max_score": 1, "output": "all passed"},
                         {"name": "attention", "score": None, "max_score": 3},
                         entries.problems_entry("cell 2 raised"),
                         entries.instructors_entry(entries.FLAGS, "wrote test files"),
                         {"name": entries.AUTOGRADER_ERRORS[1], "output": "Otter failed"}]}
    assert entries.question_scores(results) == {"attention": (0.0, 3)}
    assert entries.entry_output(results, entries.PROBLEMS) == "cell 2 raised"
    assert entries.entry_output(results, entries.TIMING) is None
    assert entries.autograder_error(results) == "Otter failed"
    assert results["tests"][3]["visibility"] == "hidden" and results["tests"][3]["status"] == "failed"
