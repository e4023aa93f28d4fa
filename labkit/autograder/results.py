"""results.json for one submission: per-case outcomes scored against the pristine tests, in Otter's format.

Besides Otter's entries (the public tests' summary and one per question) it adds the submission's problems
(visible: what went wrong, cell by cell), each written answer (shown to students once grades are published) and
the integrity flags (instructors only; entry names in entries.py); a flagged submission scores 0. The
per-question entries, hidden tests' scores and messages included, are shown to students once grades are
published; a hidden case's message never quotes its test's source. Otter is slow to import, so only scoring imports it.
"""
import ast
import json
import re

from .entries import FLAGS, instructors_entry, problems_entry


def is_hidden_case(node):
    """Whether an ast node is a function decorated with @test_case(..., hidden=True)."""
    return isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and any(k.arg == "hidden" and getattr(k.value, "value", False) for k in d.keywords)
        for d in node.decorator_list)


def only_cases(source, hidden):
    """`source` with the hidden (or the public) test case functions blanked out, line numbers kept."""
    lines = source.split("\n")
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list and is_hidden_case(node) != hidden:
            for i in range(node.decorator_list[0].lineno - 1, node.end_lineno):
                lines[i] = ""
    return "\n".join(lines)


QUOTED_SOURCE = re.compile(r"Error at line \d+ in test [^\n]*:\n[^\n]*\n")


def without_test_source(message):
    """A test case's message without the line of test source Otter quotes ("Error at line ... in test ...")."""
    return QUOTED_SOURCE.sub("", message)


class Grading:
    """What grading one submission found: per-case outcomes, problems for the student, flags for instructors."""

    def __init__(self, sources):
        self.sources = sources
        self.public_sources = {p: only_cases(s, hidden=False) for p, s in sources.items()}
        self.hidden_sources = {p: only_cases(s, hidden=True) for p, s in sources.items()}
        self.problems, self.flags, self.answer_entries = [], [], []
        self.reset({})

    def reset(self, skipped):
        """Forget a previous run of the notebook; `skipped` maps cell indices to why they are skipped."""
        self.skipped, self.cell_notes, self.outcomes, self.last_cell = dict(skipped), [], {}, None

    def note_cell(self, description, cell, limit):
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if cell.metadata.get("labkit_interrupted"):
            self.cell_notes.append(f"{description} was stopped after {limit} s (the time limit per cell).")
        elif errors:
            self.cell_notes.append(f"{description} raised {errors[0].ename}: {errors[0].evalue[:300]}")

    def flag(self, flags):
        """Record integrity flags for instructors; a flagged submission earns no credit."""
        if flags and not self.flags:
            self.problems.append("The submission interfered with the grader, so it earns no credit. "
                                 "Your instructor can see the details.")
        self.flags += flags

    def messages(self):
        notes = self.problems + list(self.skipped.values()) + self.cell_notes
        return notes[:20] + ([f"... and {len(notes) - 20} more."] if len(notes) > 20 else [])

    def graded_files(self):
        """The pristine test files with this submission's case results (0 everywhere when flagged)."""
        from otter.test_files.abstract_test import TestCaseResult
        from otter.test_files.exception_test import ExceptionTestFile

        files = {path: ExceptionTestFile.from_string(source, path=path) for path, source in self.sources.items()}
        for path, test_file in files.items():
            for phase, hidden in (("public", False), ("hidden", True)):
                cases = [c for c in test_file.test_cases if c.hidden == hidden]
                results = self.outcomes.get(phase, {}).get(path, [])
                for i, case in enumerate(cases):
                    result = results[i] if i < len(results) else {"passed": False,
                                                                  "message": "❌ Test case failed\nNot run."}
                    message = without_test_source(result["message"]) if hidden else result["message"]
                    test_file.test_case_results.append(TestCaseResult(case, message, result["passed"]))
            if self.flags:
                test_file.update_score(0)
        return files


def gradescope_results(grading):
    """The content of results.json: Otter's Gradescope format plus the problem and flag entries."""
    from otter.run.run_autograder.autograder_config import AutograderConfig
    from otter.test_files import GradingResults

    # show_hidden: each question's entry (hidden cases' scores and messages) is visible once grades are published;
    # the summary of the public tests stays visible at once
    config = AutograderConfig({"show_hidden": True, "force_public_test_summary": True})
    results = GradingResults(list(grading.graded_files().values())).to_gradescope_dict(config)
    if grading.messages():
        results["tests"].insert(0, problems_entry("\n".join(grading.messages())))
    results["tests"] += grading.answer_entries
    if grading.flags:
        results["tests"].append(instructors_entry(FLAGS, "\n".join(grading.flags)))
    return results


def write_results(root, results):
    """Replace results.json atomically: Gradescope reads either the old one or the new one, never a part."""
    (root / "results").mkdir(exist_ok=True)
    partial = root / "results" / ".results.json.partial"
    partial.write_text(json.dumps(results, indent=1))
    partial.replace(root / "results" / "results.json")
