"""The master notebook (Otter Assign format), parsed in one place: build, check, labs, similarity and the variant
suites read it through `Master`.

A master's raw cells mark its structure: `# ASSIGNMENT CONFIG` (YAML), `# BEGIN QUESTION` (YAML: name, points,
manual) ... `# END QUESTION`, and blocks `# BEGIN SOLUTION` / `# BEGIN TESTS` / `# BEGIN PROMPT` ... `# END ...`.
Each code cell of a TESTS block is one exception-based test: hidden when its first line is a comment saying
HIDDEN or its TEST CONFIG says `hidden: true`, worth the `points` of its TEST CONFIG. In code cells, the lines
between `# BEGIN SOLUTION` and `# END SOLUTION` comments and the lines ending in `# SOLUTION` are solution lines.
The first code cell is the setup cell (labkit.authoring.setup_cell). Support cells, code cells outside the blocks whose
first line is `# TEST SUPPORT` or `# HIDDEN TEST SUPPORT`, hold the lab's own test helpers: the build leaves them out of
what otter assign sees and ships them as the modules named in SUPPORT_MODULES (the hidden one in the zip only).
The test files that otter assign generates from the
TESTS blocks are read in the zip by labkit/autograder/results.py (Otter's `@test_case(hidden=...)`).
"""
import re
from dataclasses import dataclass
from typing import NamedTuple

import nbformat
import yaml

from labkit.authoring.setup_cell import MARKER as SETUP_MARKER

CONFIG_MARKER = "# ASSIGNMENT CONFIG"
BLOCK_MARKER = re.compile(r"#\s*((BEGIN|END)\s+(SOLUTION|TESTS|QUESTION|PROMPT))", re.IGNORECASE)
SOLUTION_MARKER = re.compile(r"#\s*(BEGIN|END)\s+SOLUTION|#\s*SOLUTION\b", re.IGNORECASE)
TEST_POINTS = re.compile(r"BEGIN TEST CONFIG.*?^points:\s*([\d.]+)", re.DOTALL | re.MULTILINE)
HIDDEN_CONFIG = re.compile(r"^\s*hidden\s*:\s*true", re.IGNORECASE | re.MULTILINE)
SUPPORT_MARKERS = {"# TEST SUPPORT": "SUPPORT", "# HIDDEN TEST SUPPORT": "HIDDEN SUPPORT"}  # first line -> block
SUPPORT_MODULES = {"SUPPORT": "lab_checks", "HIDDEN SUPPORT": "lab_references"}  # block -> module the tests import


class Question(NamedTuple):
    name: str
    points: float  # its config's `points` (summed when a list), else its tests' points, else 1 (Otter's default)
    manual: bool


@dataclass(frozen=True)
class Test:
    question: str
    source: str
    hidden: bool
    points: float  # 0 when its TEST CONFIG gives none


@dataclass(frozen=True)
class Part:
    """A cell of the master that is not a marker, with the block it stands in (SOLUTION, TESTS, PROMPT, SUPPORT,
    HIDDEN SUPPORT or None) and its question (None outside questions)."""
    cell: nbformat.NotebookNode
    block: str | None
    question: str | None


def raw_marker(cell):
    """The Otter Assign block marker of a raw cell, e.g. 'BEGIN SOLUTION', else None."""
    match = BLOCK_MARKER.match(cell.source.strip())
    return " ".join(match.group(1).upper().split()) if match and cell.cell_type == "raw" else None


def is_hidden_test(source):
    first = source.lstrip().splitlines()[0] if source.strip() else ""
    return bool((first.startswith("#") and re.search(r"\bhidden\b", first, re.IGNORECASE))
                or HIDDEN_CONFIG.search(source))


def code_view(source):
    """(lines, solved) of a code cell: its lines as the solution notebook has them (`# BEGIN/END SOLUTION` lines
    dropped, `# SOLUTION` cut off) and the 1-based numbers of those that are solution lines."""
    lines, solved, inside = [], set(), False
    for line in source.splitlines():
        marker = SOLUTION_MARKER.search(line)
        if marker and marker.group(1):
            inside = marker.group(1).upper() == "BEGIN"
            continue
        lines.append(line[: marker.start()].rstrip() if marker else line)
        if marker or inside:
            solved.add(len(lines))
    return lines, solved


def solution_lines_of_code(source):
    """Lines of a code cell that Otter strips: inside # BEGIN/END SOLUTION or ending in # SOLUTION."""
    lines, solved = code_view(source)
    return [lines[number - 1] for number in sorted(solved)]


def support_block(cell, block):
    """'SUPPORT' or 'HIDDEN SUPPORT' for a support cell (a code cell outside the blocks), else None."""
    first = cell.source.split("\n", 1)[0].strip()
    if cell.cell_type == "code" and first in SUPPORT_MARKERS:
        if block is not None:
            raise ValueError(f"a {first!r} cell stands inside a {block} block: put it outside the blocks")
        return SUPPORT_MARKERS[first]
    return None


def points_of(value):
    return sum(value) if isinstance(value, list) else float(value or 0)


def config_cell(notebook):
    """The raw `# ASSIGNMENT CONFIG` cell of an Otter Assign master."""
    for cell in notebook.cells:
        if cell.cell_type == "raw" and cell.source.lstrip().startswith(CONFIG_MARKER):
            return cell
    raise ValueError("master notebook has no raw '# ASSIGNMENT CONFIG' cell")


def setup_cell(notebook):
    """The notebook's setup cell: its first code cell, which must start with labkit.authoring.setup_cell.MARKER."""
    cell = next((c for c in notebook.cells if c.cell_type == "code"), None)
    if cell is None or not cell.source.startswith(SETUP_MARKER):
        raise ValueError(f"the first code cell of the master must start with {SETUP_MARKER!r}")
    return cell


def question_config(cell):
    """The YAML of a `# BEGIN QUESTION` cell, without its marker line."""
    return yaml.safe_load(BLOCK_MARKER.sub("", cell.source.strip(), count=1)) or {}


class Master:
    """A master notebook: its config, questions with their points, tests with their hidden flag, and every other
    cell placed in its block and question."""

    def __init__(self, notebook):
        self.notebook = notebook
        self.parts, self.tests, configs = [], [], []
        block, question = None, None
        for cell in notebook.cells:
            marker = raw_marker(cell)
            if marker == "BEGIN QUESTION":
                configs.append(question_config(cell))
                question = configs[-1]["name"]
            elif marker == "END QUESTION":
                question = None
            if marker:
                block = marker.split()[1] if marker.startswith("BEGIN") and "QUESTION" not in marker else None
                continue
            self.parts.append(Part(cell, support_block(cell, block) or block, question))
            if block == "TESTS" and cell.cell_type == "code":
                points = TEST_POINTS.search(cell.source)
                self.tests.append(Test(question, cell.source, is_hidden_test(cell.source),
                                       float(points.group(1)) if points else 0.0))
        self.questions = [self.question(config) for config in configs]

    @classmethod
    def read(cls, path):
        return cls(nbformat.read(path, as_version=4))

    def question(self, config):
        tests = sum(t.points for t in self.tests if t.question == config["name"])
        points = points_of(config["points"]) if config.get("points") is not None else tests or 1.0
        return Question(config["name"], points, bool(config.get("manual")))

    @property
    def config_cell(self):
        return config_cell(self.notebook)

    @property
    def config(self):
        return yaml.safe_load(self.config_cell.source) or {}

    @property
    def setup_cell(self):
        return setup_cell(self.notebook)

    def code_cells(self):
        return [part.cell for part in self.parts if part.cell.cell_type == "code"]

    def support_modules(self):
        """{module name: source} of the support cells, each kind joined in notebook order (none: not listed)."""
        sources = {}
        for part in self.parts:
            if part.block in SUPPORT_MODULES:
                sources.setdefault(SUPPORT_MODULES[part.block], []).append(part.cell.source)
        return {name: "\n\n\n".join(cells) + "\n" for name, cells in sources.items()}

    def without_support(self):
        """The notebook without its support cells (what otter assign gets)."""
        support = {id(part.cell) for part in self.parts if part.block in SUPPORT_MODULES}
        notebook = nbformat.from_dict(self.notebook)
        notebook.cells = [cell for cell, own in zip(notebook.cells, self.notebook.cells) if id(own) not in support]
        return notebook

    def solution_code(self):
        """The solution lines of code (what Otter strips from the student notebook's code cells)."""
        return [line for cell in self.code_cells() for line in solution_lines_of_code(cell.source)]
