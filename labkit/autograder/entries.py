"""The vocabulary of results.json: the names of its entries, how labkit's own entries are made, how they are read.

The autograder (this folder, shipped in every zip) writes them; the instructor side (labkit.grading.submission, check,
gradescope, batch, report) and the tests read them by these names. Otter writes the summary of the public tests,
one entry per question and, when it fails, its error entry; labkit adds the others (and one entry per written
answer, named by answers.ENTRY_SUFFIX).
"""
PUBLIC_TESTS = "Public Tests"  # Otter's summary of the public test cases (visible at once)
AUTOGRADER_ERRORS = ("Autograder Error", "Autograder Failed")  # Otter's, when grading itself failed
PROBLEMS = "Submission problems"  # visible: what went wrong with the submission, cell by cell
FLAGS = "Integrity flags (instructors only)"  # the submission interfered with grading: it earns no credit
ISOLATION = "Isolation (instructors only)"  # the isolation this grading achieved
TIME_OUTS = "Time-outs (instructors only)"  # what ran past a time limit (not a wrong answer)
TIMING = "Test timing (instructors only)"  # the slowest test cases and their wall times


def problems_entry(output):
    """The visible entry telling the student what went wrong."""
    return {"name": PROBLEMS, "visibility": "visible", "status": "failed", "output": output}


def instructors_entry(name, output, passed=False):
    """An entry that only instructors see (Gradescope's "hidden" visibility)."""
    return {"name": name, "visibility": "hidden", "status": "passed" if passed else "failed", "output": output}


def entry_output(results, name):
    """The output of the results.json entry called `name`, or None."""
    return "\n".join(t.get("output", "") for t in results["tests"] if t.get("name") == name) or None


def autograder_error(results):
    """Otter's own error message (grading itself failed), or None."""
    return next(filter(None, (entry_output(results, name) for name in AUTOGRADER_ERRORS)), None)


def is_question(entry):
    """Whether a results.json entry scores a question (Otter's summary of the public tests has points too)."""
    return "max_score" in entry and entry.get("name") != PUBLIC_TESTS


def question_scores(results):
    """Map each graded question in an Otter results.json to (earned, possible)."""
    return {t["name"]: (t.get("score") or 0.0, t["max_score"]) for t in results["tests"] if is_question(t)}
