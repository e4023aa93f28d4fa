"""`make check`: for every lab, prove the autograder, the student notebook and the committed files are right.

The lab is rebuilt from its master into build/check/ (incrementally), then per lab:
  solution   the solution notebook earns every autograded point against the autograder zip
  blank      the student notebook earns 0 points and the autograder reports no error
  leaks      no solution line, hidden-test or hidden-support line of the master appears in labs/ or tests/, not even
             rewritten (names, view/reshape, spacing), and no published function repeats a solution function
  fresh      labs/<lab> and tests/<lab> are byte-identical to the rebuild (nothing stale is committed)
"""
import ast
import builtins
import copy
import filecmp
import keyword
import re
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import nbformat

from labkit import REPO_ROOT
from labkit.authoring.build import autograder_zip, build_lab, lab_names, master_path, solution_notebook
from labkit.authoring.master import SOLUTION_MARKER, Master, code_view, is_hidden_test, solution_lines_of_code
from labkit.autograder.entries import FLAGS, ISOLATION, PROBLEMS, TIME_OUTS
from labkit.grading.submission import grade_submission

CHECK_ROOT = REPO_ROOT / "build" / "check"
MIN_WORDS = 3


def master_secrets(master):
    """(secret lines, public lines) of a master: solutions, hidden tests and hidden support versus everything else."""
    secret, public = [], []
    for part in Master.read(master).parts:
        cell, block = part.cell, part.block
        lines = cell.source.splitlines()
        if block == "TESTS":
            (secret if is_hidden_test(cell.source) else public).extend(lines)
        elif block in ("SUPPORT", "HIDDEN SUPPORT"):
            (secret if block == "HIDDEN SUPPORT" else public).extend(lines)
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


class Published(list):
    """Stripped published lines, with `sources`: the full text of every published code file and code cell."""

    def __init__(self, lines=(), sources=()):
        super().__init__(lines)
        self.sources = list(sources)


def published_lines(paths):
    """Stripped lines of every notebook cell and text file under `paths` (a `Published` list)."""
    lines, sources = [], []
    for path in paths:
        for file in sorted(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()):
            if file.suffix == ".ipynb":
                cells = nbformat.read(file, as_version=4).cells
                lines += [l for c in cells for l in c.source.splitlines()]
                sources += [c.source for c in cells if c.cell_type == "code"]
            elif file.suffix in (".py", ".md", ".txt", ".json", ".yml", ".yaml"):
                text = file.read_text(errors="replace")
                lines += text.splitlines()
                sources += [text] if file.suffix == ".py" else []
    return Published((line.strip() for line in lines if line.strip()), sources)


def find_leaks(master, published):
    """Secret lines of the master (not also public, not trivial) that occur in any published line, also when
    rewritten (another assignment target, view for reshape, spacing, quotes); then the master's solution
    functions that published code defines again, up to names."""
    secret, public = master_secrets(master)
    public = {line.strip() for line in public}
    candidates = {line.strip() for line in secret} - public
    candidates = [line for line in candidates if not is_trivial(line)]
    leaks = {line for line in candidates if any(line in text for text in published)}
    leaks |= rewritten_leaks(master, published)
    return sorted(leaks) + copied_functions(master, getattr(published, "sources", []))


COMMENT = re.compile(r"\s+#.*$|^#.*$")
STATEMENT_HEAD = re.compile(r"^(return\s+|assert\s+|[\w\s,.\[\]()*]+?(?<![=!<>])=(?!=)\s*)")
LIBRARY_NAMES = {"torch", "math", "np", "F", "nn", "self"}
NAMES_KEPT = sorted(LIBRARY_NAMES | set(keyword.kwlist) | {n for n in dir(builtins) if not n.startswith("_")})


def normalised_code(line):
    """A line of code without comment, spaces or quote style, with every variable named `_`: view and reshape
    alike, contiguous() dropped; attributes, keywords and library names kept."""
    code = re.sub(r"\s+", " ", COMMENT.sub("", line).replace("'", '"')).replace(".contiguous()", "")
    code = re.sub(r"\.(view|reshape)\(", ".reshape(", code)
    variable = re.compile(r"(?<![\w.\"])(?!(?:%s)\b)[A-Za-z_]\w*(?!\w)(?!\s*=[^=])" % "|".join(NAMES_KEPT))
    return re.sub(r"\s+", "", variable.sub("_", code))


def expression(line):
    """What a line of code computes: the line without comment, `return`, `assert` or assignment targets."""
    return STATEMENT_HEAD.sub("", COMMENT.sub("", line.strip()))


def student_view(master):
    """(code, prose) of the student notebook: given code lines outside tests, Markdown outside solutions."""
    code, prose = [], []
    for part in Master.read(master).parts:
        cell, block = part.cell, part.block
        if cell.cell_type == "markdown" and block != "SOLUTION":
            prose += cell.source.splitlines()
        elif cell.cell_type == "code" and block not in ("TESTS", "SUPPORT", "HIDDEN SUPPORT"):
            hidden = solution_lines_of_code(cell.source)
            code += [text for text in cell.source.splitlines()
                     if text not in hidden and not SOLUTION_MARKER.search(text)]
    return code, prose


def solution_code(master):
    """The master's solution lines of code (what Otter strips from the student notebook's code cells)."""
    return Master.read(master).solution_code()


def operations(code, own_functions):
    """How many computations an expression makes: calls (not of the notebook's own functions) and operators."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError:
        return 0
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and not (isinstance(n.func, ast.Name) and n.func.id in own_functions)]
    operators = [n for n in ast.walk(tree) if isinstance(n, (ast.BinOp, ast.UnaryOp, ast.Compare))
                 and not (isinstance(n, ast.UnaryOp) and isinstance(n.operand, ast.Constant))]
    return len(calls) + len(operators)


def rewritten_leaks(master, published):
    """Solution lines whose computation (two operations at least), normalised, occurs in a published line
    although the student notebook neither gives it nor describes it."""
    given, prose = student_view(master)
    defined = [line.strip() for line in given + solution_code(master) if line.strip().startswith("def ")]
    own_functions = {re.match(r"def\s+(\w+)", line).group(1) for line in defined}
    known = {normalised_code(expression(line)) for line in given}
    prose = [normalised_code(line) for line in prose]
    cores = {line.strip(): normalised_code(expression(line)) for line in solution_code(master)
             if operations(expression(line), own_functions) >= 2}
    cores = {line: core for line, core in cores.items() if core not in known and not any(core in p for p in prose)}
    texts = {normalised_code(text) for text in published}
    return {line for line, core in cores.items() if any(core in text for text in texts)}


class CanonicalNames(ast.NodeTransformer):
    """Renames arguments and local names to v0, v1, ... in order of appearance; `view` becomes `reshape`."""

    def __init__(self):
        self.names = {}

    def rename(self, name):
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_arg(self, node):
        node.arg, node.annotation = self.rename(node.arg), None
        return node

    def visit_Name(self, node):
        if node.id not in LIBRARY_NAMES and not hasattr(builtins, node.id):
            node.id = self.rename(node.id)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        node.attr = "reshape" if node.attr == "view" else node.attr
        return node


def function_fingerprint(function):
    """A function's arguments and body (docstring and asserts dropped) with canonical names, or None when the
    body is too small to prove a copy (fewer than 12 AST nodes)."""
    body = [s for s in function.body if not isinstance(s, ast.Assert)
            and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if sum(1 for s in body for _ in ast.walk(s)) < 12:
        return None
    renamer = CanonicalNames()
    arguments = [renamer.visit(ast.arg(arg=a.arg)).arg for a in function.args.args]
    body = [renamer.visit(s) for s in body]
    return " ".join(arguments) + ": " + " ".join(ast.dump(s, annotate_fields=False) for s in body)


def functions_in(source):
    """Every function defined in `source`, nested ones included; none when it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]


def solution_functions(master):
    """{fingerprint: name} of the master's functions that hold solution code (markers removed)."""
    fingerprints = {}
    for cell in Master.read(master).code_cells():
        lines, solved = code_view(cell.source)
        for function in functions_in("\n".join(lines)):
            fingerprint = function_fingerprint(copy.deepcopy(function))
            if fingerprint and solved & set(range(function.lineno, function.end_lineno + 1)):
                fingerprints[fingerprint] = function.name
    return fingerprints


def copied_functions(master, sources):
    """Published functions whose body is one of the master's solution functions, up to names."""
    solutions = solution_functions(master)
    return sorted({f"def {function.name}(...) computes the solution's {solutions[fingerprint]}"
                   for source in sources for function in functions_in(source)
                   if (fingerprint := function_fingerprint(copy.deepcopy(function))) in solutions})


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
