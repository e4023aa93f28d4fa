"""Submissions made from a lab's independent solutions, and disguised copies of them: what the similarity
report is measured on (labkit/tests/test_similarity.py) and timed on (`python -m labkit similarity-bench`).

Independent solutions are the master's and the correct alternatives of the lab's variant suite
(labkit/tests/variants/<lab>/). A disguised copy renames the local variables, drops the comments and writes
others, adds blank lines, splits the code cells of each question into one cell per function or class in
reverse order, and may have one question's code rewritten (replaced by another independent solution).
"""
import ast
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tokenize
import zipfile
from pathlib import Path

import nbformat

from labkit import REPO_ROOT
from labkit.authoring.build import solution_notebook
from labkit.grading.similarity import lab_layout, question_regions, source_of, units
from labkit.tests.variant_suite import lab_suite

COMMENTS = ["# compute this step", "# as in the lecture", "# TODO check shapes", "# works now", "# helper"]


def local_names(source):
    """Names assigned inside the functions of `source` (not their arguments, not module-level names)."""
    names, arguments = set(), {"self"}
    for function in (n for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.FunctionDef, ast.Lambda))):
        arguments |= {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        body = function.body if isinstance(function.body, list) else [function.body]
        for node in (n for statement in body for n in ast.walk(statement)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names - arguments


def splice(source, edits):
    """`source` with each ((row, col), (row, col), text) edit applied (rows from 1, edits not overlapping)."""
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    for (r1, c1), (r2, c2), text in sorted(edits, reverse=True):
        start, end = offsets[r1 - 1] + c1, offsets[r2 - 1] + c2
        source = source[:start] + text + source[end:]
    return source


def renamed(source, rng):
    """`source` with the local variables of its functions renamed (attributes and keyword arguments kept)."""
    try:
        names = sorted(local_names(source))
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError):
        return source
    new = {name: f"{rng.choice(['my', 'tmp', 'the', 'res'])}_{name[::-1].lower()}{rng.randrange(10)}"
           for name in names}
    edits, depth = [], 0
    for before, token, after in zip([None, *tokens], tokens, [*tokens[1:], None]):
        depth += token.string in "([{" and token.type == tokenize.OP
        depth -= token.string in ")]}" and token.type == tokenize.OP
        attribute = before is not None and before.string == "."
        keyword = depth > 0 and after is not None and after.string == "="
        if token.type == tokenize.NAME and token.string in new and not attribute and not keyword:
            edits.append((token.start, token.end, new[token.string]))
    return splice(source, edits)


def restyled(source, rng):
    """`source` without its comments, with other comments and blank lines here and there."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError):
        return source
    source = splice(source, [(t.start, t.end, "") for t in tokens if t.type == tokenize.COMMENT])
    lines = []
    for line in source.splitlines():
        continued = lines and lines[-1].rstrip().endswith("\\")
        if not continued and line.strip() and rng.random() < 0.3:
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(indent + rng.choice(COMMENTS) if rng.random() < 0.6 else "")
        lines.append(line.rstrip())
    return "\n".join(lines)


def disguised(notebook, lab, rng, rewrite=None):
    """A disguised copy of a submission `notebook`; `rewrite` = (question, code) replaces that question's code."""
    lab_questions, _, given, _ = lab_layout(lab)
    cells = [nbformat.from_dict(cell) for cell in notebook.cells]
    regions = question_regions(cells, lab_questions)
    replaced = {}
    for question, indices in regions.items():
        indices = [i for i in indices if cells[i].source.strip() not in given]  # the student's own cells
        code = [source_of(cells[i]) for i in indices]
        if rewrite and rewrite[0] == question:
            code = [rewrite[1]]
        pieces = [piece for source in code for piece in units(restyled(renamed(source, rng), rng))]
        replaced[indices[0] if indices else None] = [nbformat.v4.new_code_cell(p) for p in reversed(pieces)]
        replaced.update({i: [] for i in indices[1:]})
    copy = nbformat.from_dict(notebook)
    copy.cells = [new for i, cell in enumerate(cells) for new in replaced.get(i, [cell])]
    return copy


def variant_solutions(lab):
    """{anchor: [(name, source) of each correct alternative]} from the lab's variant suite."""
    suite, found = lab_suite(lab), {}
    for name, variant in sorted(suite.variants.items()):
        if not (variant.must_lose or variant.may_lose or variant.feedback):
            found.setdefault(variant.anchor, []).append((name, (suite.folder / f"{name}.py").read_text()))
    return found


def student_notebook(lab):
    return nbformat.read(REPO_ROOT / "labs" / lab / f"{lab}.ipynb", as_version=4)


def answer_cells(cells, indices, tag):
    return [i for i in indices if tag in cells[i].get("metadata", {}).get("tags", [])]


def independent_solutions(lab):
    """{question: [(name, code)]}: the master's solution of every code question, then its correct
    alternatives."""
    lab_questions, wanted = lab_layout(lab)[:2]
    solved = nbformat.read(solution_notebook(lab), as_version=4)
    regions = question_regions(solved.cells, lab_questions)
    solutions = {q: [("master", "\n\n".join(solved.cells[i].source for i in answer_cells(
        solved.cells, regions.get(q, []), "otter_assign_solution_cell")))] for q in wanted}
    for anchor, alternatives in variant_solutions(lab).items():
        question = next(q for q in wanted for i in regions.get(q, []) if anchor in solved.cells[i].source)
        solutions[question] += alternatives
    return solutions


def answered(lab, answers):
    """The student notebook with `answers` {question: code} in each question's first answer cell (its starter
    code kept above the answer, as a student would leave it)."""
    lab_questions = lab_layout(lab)[0]
    notebook = student_notebook(lab)
    regions = question_regions(notebook.cells, lab_questions)
    for question, code in answers.items():
        first = answer_cells(notebook.cells, regions[question], "otter_answer_cell")[0]
        notebook.cells[first].source += "\n\n" + code
    return notebook


def write_submission(notebook, path):
    """Write `notebook` to path (.ipynb), or into the zip `path` as grader.export() would (.zip)."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(path.stem.split("_")[0] + ".ipynb", nbformat.writes(notebook))
    else:
        nbformat.write(notebook, path)


def generated_class(lab, folder, count, seed=0):
    """`count` submissions of `lab` in `folder`: each answers every code question with one of its independent
    solutions, chosen at random, disguised so that no two are the same text; every fourth is a disguised copy
    of an earlier one; every tenth is an export zip."""
    rng, solutions, made = random.Random(seed), independent_solutions(lab), []
    for n in range(count):
        original = rng.choice(made) if n % 4 == 3 else answered(
            lab, {q: rng.choice(options)[1] for q, options in solutions.items()})
        made.append(disguised(original, lab, rng))
        write_submission(made[-1], Path(folder) / f"student{n:03d}.{'zip' if n % 10 == 9 else 'ipynb'}")


def benchmark(lab, count=400):
    """Time `make similarity` on `count` generated submissions; print seconds, peak memory and the load."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        generated_class(lab, folder, count)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "labkit", "similarity", lab, str(folder)], check=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{lab}: {count} submissions compared in {seconds:.1f} s, peak memory {peak:.0f} MB "
          f"(load average {load:.2f} -> {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
