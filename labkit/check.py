"""`make check`: for every lab, prove the autograder, the student notebook and the committed files are right.

The lab is rebuilt from its master into build/check/ (incrementally), then per lab:
  solution   the solution notebook earns every autograded point against the autograder zip
  blank      the student notebook earns 0 points and the autograder reports no error
  leaks      no solution line and no hidden-test line of the master appears in labs/ or tests/
  fresh      labs/<lab> and tests/<lab> are byte-identical to the rebuild (nothing stale is committed)
"""
import filecmp
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import nbformat

from labkit import REPO_ROOT
from labkit.build import autograder_zip, build_lab, lab_names, master_path, solution_notebook
from labkit.grading import FLAGS, ISOLATION, PROBLEMS, TIME_OUTS, grade_submission

CHECK_ROOT = REPO_ROOT / "build" / "check"
SOLUTION_MARKER = re.compile(r"#\s*(BEGIN|END)\s+SOLUTION|#\s*SOLUTION\b", re.IGNORECASE)
MIN_WORDS = 3


def raw_marker(cell):
    """The Otter Assign block marker of a raw cell, e.g. 'BEGIN SOLUTION', else None."""
    match = re.match(r"#\s*((BEGIN|END)\s+(SOLUTION|TESTS|QUESTION|PROMPT))", cell.source.strip(), re.IGNORECASE)
    return " ".join(match.group(1).upper().split()) if match and cell.cell_type == "raw" else None


def solution_lines_of_code(source):
    """Lines of a code cell that Otter strips: inside # BEGIN/END SOLUTION or ending in # SOLUTION."""
    lines, inside = [], False
    for line in source.splitlines():
        marker = SOLUTION_MARKER.search(line)
        if marker and marker.group(1):
            inside = marker.group(1).upper() == "BEGIN"
        elif marker:
            lines.append(line[: marker.start()])
        elif inside:
            lines.append(line)
    return lines


def is_hidden_test(source):
    first = source.lstrip().splitlines()[0] if source.strip() else ""
    config_hidden = re.search(r"^\s*hidden\s*:\s*true", source, re.IGNORECASE | re.MULTILINE)
    return bool((first.startswith("#") and re.search(r"\bhidden\b", first, re.IGNORECASE)) or config_hidden)


def master_secrets(master):
    """(secret lines, public lines) of a master: solutions and hidden tests versus everything else."""
    secret, public = [], []
    block = None
    for cell in nbformat.read(master, as_version=4).cells:
        marker = raw_marker(cell)
        if marker:
            block = marker.split()[1] if marker.startswith("BEGIN") and "QUESTION" not in marker else None
            continue
        lines = cell.source.splitlines()
        if block == "TESTS":
            (secret if is_hidden_test(cell.source) else public).extend(lines)
        elif block == "SOLUTION" and cell.cell_type == "markdown":
            secret.extend(lines)
        elif cell.cell_type == "code":
            hidden = solution_lines_of_code(cell.source)
            secret.extend(hidden)
            public.extend(line for line in lines if line not in hidden and not SOLUTION_MARKER.search(line))
        elif cell.cell_type == "markdown":
            public.extend(lines)
    return secret, public


def is_trivial(line):
    """Lines too generic to prove a leak: blanks, brackets, `pass`, `return x`, ..."""
    return len(re.findall(r"\w+", line)) < MIN_WORDS


def published_lines(paths):
    """Stripped lines of every notebook cell and text file under `paths`."""
    lines = []
    for path in paths:
        for file in sorted(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()):
            if file.suffix == ".ipynb":
                lines += [l for c in nbformat.read(file, as_version=4).cells for l in c.source.splitlines()]
            elif file.suffix in (".py", ".md", ".txt", ".json", ".yml", ".yaml"):
                lines += file.read_text(errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip()]


def find_leaks(master, published):
    """Secret lines of the master (not also public, not trivial) that occur in any published line."""
    secret, public = master_secrets(master)
    public = {line.strip() for line in public}
    candidates = {line.strip() for line in secret} - public
    candidates = [line for line in candidates if not is_trivial(line)]
    return sorted(line for line in candidates if any(line in text for text in published))


def differing_files(left, right):
    """Relative paths that differ between two directory trees (missing on either side counts)."""
    files = {p.relative_to(root) for root in (left, right) if root.exists() for p in root.rglob("*") if p.is_file()}
    return sorted(str(f) for f in files if not (left / f).is_file() or not (right / f).is_file()
                  or not filecmp.cmp(left / f, right / f, shallow=False))


def why(grades, questions):
    """What the grading said about `questions` (their failed test cases' messages), the submission problems, the
    integrity flags, time-outs and reduced isolation: indented lines for make check's output."""
    lines = []
    for test in grades["results"]["tests"]:
        if test.get("name") in questions:
            failed = [line for line in test.get("output", "").splitlines() if line.strip()
                      and "Test case passed" not in line and not line.rstrip().endswith(("result:", "results:"))]
            lines += [f"{test['name']}:", *(f"  {line.strip()}" for line in failed[:40])]
        elif test.get("name") in (PROBLEMS, FLAGS, TIME_OUTS) or test.get("name") == ISOLATION and test.get(
                "status") == "failed":
            lines += [f"{test['name']}:", *(f"  {line}" for line in test.get("output", "").splitlines()[:40])]
    if grades["error"]:
        lines += ["Autograder error:", *(f"  {line}" for line in grades["error"].splitlines()[-20:])]
    return "".join(f"\n      {line[:300]}" for line in lines)


def check_solution(lab, root):
    with tempfile.TemporaryDirectory() as workdir:
        grades = grade_submission(autograder_zip(lab, root), solution_notebook(lab, root), workdir)
    earned, possible = sum(grades["scores"].values()), sum(grades["possible"].values())
    missed = [q for q, s in grades["scores"].items() if s < grades["possible"][q]]
    if possible == 0:
        return False, "autograder has no graded questions" + why(grades, ())
    if earned < possible:
        return False, f"{earned:g}/{possible:g} points, lost on {', '.join(missed)}" + why(grades, missed)
    return True, f"{earned:g}/{possible:g} points"


def check_blank(lab, root):
    with tempfile.TemporaryDirectory() as workdir:
        grades = grade_submission(autograder_zip(lab, root), REPO_ROOT / "labs" / lab / f"{lab}.ipynb", workdir)
    earned = sum(grades["scores"].values())
    scoring = [q for q, s in grades["scores"].items() if s > 0]
    if grades["error"]:
        return False, "autograder error" + why(grades, ())
    return earned == 0, f"{earned:g} points" + (f", scored on {', '.join(scoring)}" if scoring else "")


def check_leaks(lab, root):
    published = published_lines([REPO_ROOT / "labs" / lab, REPO_ROOT / "tests" / lab])
    leaks = find_leaks(master_path(lab), published)
    return not leaks, f"{len(leaks)} leaked lines" + (f", e.g. {leaks[0]!r}" if leaks else "")


def check_fresh(lab, root):
    stale = [f"{top}/{lab}/{f}" for top in ("labs", "tests")
             for f in differing_files(root / top / lab, REPO_ROOT / top / lab)]
    return not stale, "labs/ and tests/ match a rebuild" if not stale else f"stale (run make): {', '.join(stale)}"


CHECKS = {"solution": check_solution, "blank": check_blank, "leaks": check_leaks, "fresh": check_fresh}


def check_lab(lab, root):
    """(passed, report lines) of every check on one lab."""
    checks = {"build": lambda: (True, "rebuilt" if build_lab(lab, root) else "up to date")}
    checks.update({name: partial(run, lab, root) for name, run in CHECKS.items()})
    results = [(name, *run_check(run)) for name, run in checks.items()]
    lines = [f"{'PASS' if passed else 'FAIL'}  {lab:<24} {name:<9} {reason}" for name, passed, reason in results]
    return all(passed for _, passed, _ in results), lines


def check(labs=None, root=CHECK_ROOT, jobs=1):
    """Run every check on every lab, `jobs` labs at a time; print one PASS/FAIL line each; True when all pass."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = pool.map(lambda lab: check_lab(lab, root), labs or lab_names())
        ok = True
        for passed, lines in outcomes:
            print("\n".join(lines), flush=True)
            ok = ok and passed
    return ok


def run_check(run):
    """(passed, reason) of one check; a crash is a failure."""
    try:
        return run()
    except Exception as err:
        return False, f"{type(err).__name__}: {str(err)[-800:]}"
