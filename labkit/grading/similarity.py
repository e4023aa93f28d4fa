"""`make similarity LAB=<lab> SUBMISSIONS=<dir>`: which submissions share code beyond the student notebook.

For every code question of the lab (autograded, or manual with a code answer: the master's question blocks
with a code cell in a solution block) a submission's code is that of the code cells in the question's part of
its notebook: from the previous question's `grader.check(...)` cell to its own (an autograded question), or
between its `<!-- BEGIN/END QUESTION -->` markers (a manual one). Submissions are read as `make grade` reads
them (a notebook, or the one inside a grader.export zip) and named by their file names.

copydetect fingerprints each question's code: pygments tokens, every name turned into one letter, strings
into one, comments and layout dropped, then hashes of all k-grams (its default noise threshold). Hashes of
the student notebook's own code (starter code, scaffolds, given cells) are removed. A pair's score for a
question is the share of the two submissions' fingerprints they have in common, 2|A∩B| / (|A| + |B|);
overall, the same summed over the questions. Pairs at or above THRESHOLD are shown with their shared code
highlighted side by side (copydetect's copied slices).
"""
import ast
import csv
import html
import io
import json
import re
import resource
import time
import zipfile
from functools import lru_cache
from pathlib import Path

import nbformat
import numpy as np
from copydetect import CodeFingerprint, compare_files, defaults
from copydetect.utils import highlight_overlap

from labkit import REPO_ROOT
from labkit.authoring.build import master_path
from labkit.authoring.master import Master
from labkit.autograder.answers import BEGIN, END
from labkit.grading.batch import submissions
from labkit.grading.report import page

K = defaults.NOISE_THRESHOLD  # characters of normalised code per fingerprint
WINDOW = defaults.GUARANTEE_THRESHOLD - defaults.NOISE_THRESHOLD + 1  # winnowing window (1: every k-gram)
THRESHOLD = 0.5  # measured in labkit/tests/test_similarity.py: disguised copies above, honest pairs below
COMMON_SHARE, COMMON_MIN = 0.2, 10  # code in more than 20 % of the submissions (and more than 10) is common
MIN_SHARED = 40  # fingerprints two answers must share before a question alone flags a pair
SHOWN_PAIRS = 40  # pairs with side-by-side detail on the page
MAX_NOTEBOOK_BYTES = 50_000_000
GRADER_CHECK = re.compile(r"""^\s*grader\.check\(\s*["']([^"']+)["']\s*\)\s*$""")
MARKERS = re.compile(f"{re.escape(BEGIN)}|{re.escape(END)}")
STYLE = """.pair{display:grid;grid-template-columns:1fr 1fr;gap:.6em}.pair pre{background:#f8f8f8;padding:.5em;
overflow-x:auto;font-size:.8em;margin:0}mark{background:#ffd966}.above{font-weight:bold;color:#a00}
.note{background:#fff8e0;border-left:4px solid #e0b000;padding:.4em 1em}body{max-width:1200px}"""


def code_questions(master):
    """Names of the master's questions whose solution holds a code cell, in notebook order."""
    parts = Master(master).parts
    return list(dict.fromkeys(part.question for part in parts
                              if part.question and part.block == "SOLUTION" and part.cell.cell_type == "code"))


def source_of(cell):
    source = cell.get("source", "")
    return "".join(map(str, source)) if isinstance(source, list) else str(source)


def question_regions(cells, lab_questions):
    """{question: indices of the code cells of its part of a student notebook}.

    `lab_questions` are Master.questions: the k-th `<!-- BEGIN QUESTION -->` marker opens the
    k-th manual question (as the autograder's answers.py counts them); code outside manual blocks belongs to
    the next `grader.check("<question>")` cell, and code after the last one (or in a notebook whose checks were
    deleted) to the last autograded question, so that no code of the student's goes uncompared.
    """
    names = {name for name, _, _ in lab_questions}
    manual = iter(name for name, _, is_manual in lab_questions if is_manual)
    regions, pending, current = {}, [], None
    for index, cell in enumerate(cells):
        source = source_of(cell)
        if cell.get("cell_type") == "markdown":
            for marker in MARKERS.findall(source):
                current = next(manual, None) if marker == BEGIN else None
        elif cell.get("cell_type") == "code":
            check = GRADER_CHECK.match(source)
            if current:
                regions.setdefault(current, []).append(index)
            elif check and check.group(1) in names:
                regions.setdefault(check.group(1), []).extend(pending)
                pending = []
            else:
                pending.append(index)
    autograded = [name for name, _, is_manual in lab_questions if not is_manual]
    if pending and autograded:
        regions.setdefault(autograded[-1], []).extend(pending)
    return regions


def question_code(cells, lab_questions, wanted, given=frozenset()):
    """{question: the sources of its code cells} for each question in `wanted`, leaving out cells that are
    exactly one of the `given` (stripped) sources of the student notebook."""
    regions = question_regions(cells, lab_questions)
    return {q: [source for i in regions.get(q, []) if (source := source_of(cells[i])).strip() not in given]
            for q in wanted}


def units(source):
    """The pieces of a cell fingerprinted apart, so that moving them around changes nothing: each top-level
    function or class, and each run of other statements between them (the whole cell if it does not parse)."""
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [source]
    lines, pieces, run = source.splitlines(), [], []
    for node in body:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        text = "\n".join(lines[start - 1: node.end_lineno])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            pieces += ["\n".join(run)] if run else []
            pieces, run = pieces + [text], []
        else:
            run.append(text)
    return pieces + (["\n".join(run)] if run else [])


def read_cells(path, lab):
    """The cells of a submission: a notebook, or the notebook in a grader.export zip (`<lab>.ipynb`, else the
    first one), as the autograder picks it."""
    path = Path(path)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = sorted(n for n in zf.namelist() if n.endswith(".ipynb")
                           and not any(part.startswith((".", "__")) for part in n.split("/")))
            if not names:
                raise ValueError("no notebook in the zip")
            chosen = next((n for n in names if n.split("/")[-1] == f"{lab}.ipynb"), names[0])
            if zf.getinfo(chosen).file_size > MAX_NOTEBOOK_BYTES:
                raise ValueError(f"{chosen} is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB")
            text = zf.read(chosen)
    else:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB")
        text = path.read_bytes()
    notebook = json.loads(text.decode("utf-8", errors="replace"))
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):  # not nbformat 4
        return nbformat.reads(json.dumps(notebook), as_version=4, capture_validation_error={}).cells
    return [cell for cell in notebook["cells"] if isinstance(cell, dict)]


def fingerprint(code, boilerplate=None, name="answer.py", window=WINDOW):
    """copydetect's fingerprint of Python `code`, without the `boilerplate` hashes."""
    return CodeFingerprint(name, K, window, boilerplate, language="python", fp=io.StringIO(code))


@lru_cache(maxsize=None)
def lab_layout(lab):
    """(the master's questions, its code questions, the student notebook's code cells (stripped),
    hashes of their code)."""
    master = nbformat.read(master_path(lab), as_version=4)
    student = nbformat.read(REPO_ROOT / "labs" / lab / f"{lab}.ipynb", as_version=4)
    given = [cell.source for cell in student.cells if cell.cell_type == "code"]
    boilerplate = np.array(sorted(fingerprint("\n\n".join(given), window=1).hashes), dtype=np.int64)
    return Master(master).questions, code_questions(master), frozenset(g.strip() for g in given), boilerplate


@lru_cache(maxsize=100_000)
def unit_hashes(unit, lab):
    """The fingerprint hashes of one unit of code, without the lab's boilerplate (same units recur often)."""
    return tuple(fingerprint(unit, lab_layout(lab)[3]).hashes)


def answer_hashes(lab, code_by_question):
    """{question: sorted fingerprint hashes of a submission's own code for it}."""
    return {q: np.unique(np.array([h for source in sources for unit in units(source) if unit.strip()
                                   for h in unit_hashes(unit, lab)], dtype=np.int64))
            for q, sources in code_by_question.items()}


def shared_counts(hash_lists, block=8192):
    """(n, n) matrix of how many hashes each two of the n lists share (each list without repeats)."""
    n = len(hash_lists)
    owners = np.repeat(np.arange(n), [len(h) for h in hash_lists])
    values = np.concatenate(hash_lists) if n else np.array([], dtype=np.int64)
    unique, column, counts = np.unique(values, return_inverse=True, return_counts=True)
    keep = counts[column] > 1  # a hash that only one submission has cannot be shared
    owners, column = owners[keep], np.searchsorted(np.flatnonzero(counts > 1), column[keep])
    shared = np.zeros((n, n), dtype=np.float32)
    for start in range(0, int(column.max(initial=-1)) + 1, block):
        inside = (column >= start) & (column < start + block)
        matrix = np.zeros((n, block), dtype=np.float32)
        matrix[owners[inside], column[inside] - start] = 1
        shared += matrix @ matrix.T
    return shared


def dice(shared, sizes):
    """2 |A∩B| / (|A| + |B|), 0 where both are empty."""
    total = sizes[:, None] + sizes[None, :]
    return np.divide(2 * shared, total, out=np.zeros_like(shared), where=total > 0)


def common_limit(count):
    """How many submissions may have a fingerprint before it counts as common code, not evidence."""
    return max(COMMON_MIN, int(COMMON_SHARE * count))


def without_common(lists, limit):
    """The hash lists without the hashes that more than `limit` of them have; and how many were dropped."""
    values, counts = np.unique(np.concatenate(lists), return_counts=True) if lists else ([], [])
    common = np.asarray(values)[np.asarray(counts) > limit]
    return [h[~np.isin(h, common)] for h in lists], len(common)


def pair_scores(hashes_by_submission, wanted):
    """({question: (shared, score) matrices}, overall (shared, score), number of common fingerprints set
    aside) over the submissions, in order."""
    per_question, overall_shared, overall_sizes, dropped = {}, 0, 0, 0
    limit = common_limit(len(hashes_by_submission))
    for q in wanted:
        lists, common = without_common([by_question[q] for by_question in hashes_by_submission], limit)
        sizes = np.array([len(h) for h in lists], dtype=np.float32)
        shared = shared_counts(lists)
        np.fill_diagonal(shared, 0)
        per_question[q] = (shared, dice(shared, sizes))
        overall_shared, overall_sizes, dropped = overall_shared + shared, overall_sizes + sizes, dropped + common
    if not wanted:
        zero = np.zeros((len(hashes_by_submission),) * 2, dtype=np.float32)
        return per_question, (zero, zero), 0
    return per_question, (overall_shared, dice(overall_shared, overall_sizes)), dropped


def ranked_pairs(score, minimum=0.0, shared=None, min_shared=0):
    """[(score, i, j)] with i < j, best first, score >= minimum (and shared >= min_shared)."""
    i, j = np.triu_indices(len(score), k=1)
    keep = score[i, j] >= minimum
    if shared is not None:
        keep &= shared[i, j] >= min_shared
    order = np.argsort(-score[i, j][keep], kind="stable")
    return [(float(score[a, b]), int(a), int(b)) for a, b in zip(i[keep][order], j[keep][order])]


def flagged_pairs(per_question, overall):
    """Pairs at or above THRESHOLD overall, or on a question where they share at least MIN_SHARED hashes."""
    pairs = {(i, j) for _, i, j in ranked_pairs(overall[1], THRESHOLD)}
    for shared, score in per_question.values():
        pairs |= {(i, j) for _, i, j in ranked_pairs(score, THRESHOLD, shared, MIN_SHARED)}
    return pairs


def highlighted(code_a, code_b, boilerplate):
    """The two codes as HTML with their shared spans in <mark> (copydetect's slices and highlighting)."""
    a, b = fingerprint(code_a, boilerplate), fingerprint(code_b, boilerplate)
    _, _, (slices_a, slices_b) = compare_files(a, b)
    return [highlight_overlap(code, slices, "<mark>", "</mark>", escape_html=True)[0] if len(slices[0])
            else html.escape(code) for code, slices in ((code_a, slices_a), (code_b, slices_b))]


def labels_of(names, anonymise):
    """Display names: the file names (as `make grade` names submissions), or `submission 001`, ... ."""
    return [f"submission {i:03d}" if anonymise else name for i, name in enumerate(names, 1)]


def score_cell(value):
    return f"<td class='count{' above' if value >= THRESHOLD else ''}'>{value:.2f}</td>"


def overall_table(pairs, per_question, labels, wanted, anchors):
    head = "".join(f"<th>{html.escape(q)}</th>" for q in wanted)
    rows = "".join(
        f"<tr><td class='count'>{rank}</td><td>{html.escape(labels[i])}</td><td>{html.escape(labels[j])}</td>"
        f"{score_cell(value)}{''.join(score_cell(float(per_question[q][1][i, j])) for q in wanted)}"
        f"<td>{f'<a href=#{anchors[i, j]}>code</a>' if (i, j) in anchors else ''}</td></tr>"
        for rank, (value, i, j) in enumerate(pairs, 1))
    return (f"<table><tr><th>#</th><th>submission</th><th>submission</th><th>overall</th>{head}<th></th></tr>"
            f"{rows}</table>")


def question_tables(per_question, labels, anchors, comparable, top=10):
    sections = []
    for q, (shared, score) in per_question.items():
        pairs = ranked_pairs(score, THRESHOLD, shared, MIN_SHARED)
        rows = "".join(f"<tr><td>{html.escape(labels[i])}</td><td>{html.escape(labels[j])}</td>{score_cell(v)}"
                       f"<td class='count'>{int(shared[i, j])}</td>"
                       f"<td>{f'<a href=#{anchors[i, j]}>code</a>' if (i, j) in anchors else ''}</td></tr>"
                       for v, i, j in pairs[:top])
        body = (f"<table><tr><th>submission</th><th>submission</th><th>score</th><th>shared fingerprints</th>"
                f"<th></th></tr>{rows}</table>" if rows else "<p>No pair at or above the threshold.</p>")
        more = f"<p>{len(pairs) - top} more pairs at or above the threshold.</p>" if len(pairs) > top else ""
        counted = (f"<p>{comparable[q]} of {len(labels)} submissions have code of their own to compare here "
                   f"(an answer shorter than about {K} characters of normalised code has no fingerprint).</p>")
        sections.append(f"<h3>{html.escape(q)}</h3>{counted}{body}{more}")
    return "".join(sections)


def pair_detail(anchor, i, j, labels, codes, per_question, boilerplate):
    """One pair's shared code, question by question, side by side."""
    parts = []
    for q, (shared, score) in per_question.items():
        if shared[i, j] == 0:
            continue
        left, right = highlighted("\n\n".join(codes[i][q]), "\n\n".join(codes[j][q]), boilerplate)
        parts.append(f"<h4>{html.escape(q)}: {score[i, j]:.2f} ({int(shared[i, j])} shared fingerprints)</h4>"
                     f"<div class='pair'><pre>{left}</pre><pre>{right}</pre></div>")
    return (f"<h3 id='{anchor}'>{html.escape(labels[i])} and {html.escape(labels[j])}</h3>"
            + ("".join(parts) or "<p>No shared code.</p>"))


def explanation(count, common):
    return (
        "<p class='note'><b>A high score is a place to look, not a verdict.</b> It says how much of the two "
        "submissions' own code is the same once names, comments, strings and layout are set aside and the "
        "student notebook's code is removed. Short answers, the one obvious way to write a line, code from the "
        "lecture or a shared study group can match honestly; a rewritten copy can score low. Read the "
        "highlighted code side by side, and talk to the students, before concluding anything.</p>"
        f"<p>{count} submissions compared question by question. A score is 2&thinsp;|A∩B|&thinsp;/&thinsp;"
        f"(|A|+|B|) over copydetect fingerprints ({K}-character windows of normalised code); overall sums the "
        f"questions. Scores of {THRESHOLD:.2f} and above are in <span class='above'>bold red</span>: in "
        "labkit/tests/test_similarity.py every disguised copy (names changed, cells split and reordered, "
        "comments and blank lines changed, one function rewritten) scored above it against its original, and "
        "no two independent correct solutions of the lab's variant suites reached it. A question alone flags a "
        f"pair when they also share at least {MIN_SHARED} fingerprints there. Code found in more than "
        f"{common_limit(count)} submissions counts as common, not as evidence: {common} such fingerprints were "
        "set aside.</p>")


def write_page(lab, out, labels, codes, hashes, scores, unreadable, seconds):
    """Write out/similarity.html for the compared submissions' `labels`, `codes`, `hashes` and `scores` (as
    pair_scores() returns them); return its path."""
    per_question, overall, common = scores
    comparable = {q: sum(len(by_question[q]) > 0 for by_question in hashes) for q in per_question}
    _, wanted, _, boilerplate = lab_layout(lab)
    flagged, ranking = flagged_pairs(per_question, overall), ranked_pairs(overall[1])
    listed = [p for p in ranking if (p[1], p[2]) in flagged][:100]
    which = "the flagged ones (at most 100)" if listed else "none is flagged; the 10 closest"
    listed = listed or ranking[:10]
    anchors = {(i, j): f"pair{n}" for n, (_, i, j) in enumerate(listed[:SHOWN_PAIRS], 1)}
    problems = "".join(f"<li>{html.escape(label)}: {html.escape(why)}</li>" for label, why in unreadable)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    body = (explanation(len(labels), common)
            + f"<h2>Pairs, overall</h2><p>{len(flagged)} of {len(labels) * (len(labels) - 1) // 2} pairs flagged; "
            f"{which}, best first.</p>" + overall_table(listed, per_question, labels, wanted, anchors)
            + "<h2>Pairs, question by question</h2>" + question_tables(per_question, labels, anchors, comparable)
            + f"<h2>Shared code side by side</h2><p>The first {len(anchors)} pairs listed above; shared spans "
            "are marked.</p>"
            + "".join(pair_detail(anchor, i, j, labels, codes, per_question, boilerplate)
                      for (i, j), anchor in anchors.items())
            + (f"<h2>Not compared</h2><ul>{problems}</ul>" if unreadable else "")
            + f"<p class='status'>Compared in {seconds:.1f} s; peak memory {peak:.0f} MB.</p>")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "similarity.html"
    path.write_text(page(f"{lab}: code similarity", body).replace("</style>", STYLE + "</style>", 1))
    return path


def compare_folder(lab, folder, out=None, anonymise=False):
    """Compare every submission in `folder`; write <out>/similarity.html (and, anonymised, the key to its
    labels); return (page, labels of the compared submissions, their hashes by question, per question and
    overall (shared, score))."""
    started = time.perf_counter()
    out = Path(out or Path(folder) / "graded")
    lab_questions, wanted, given, _ = lab_layout(lab)
    paths = submissions(folder)
    all_labels = labels_of([p.name for p in paths], anonymise)
    labels, codes, hashes, unreadable = [], [], [], []
    for path, label in zip(paths, all_labels):
        try:
            cells = read_cells(path, lab)
        except (ValueError, OSError, zipfile.BadZipFile, RecursionError) as err:
            unreadable.append((label, f"{type(err).__name__}: {str(err)[:200]}"))
            continue
        labels.append(label)
        codes.append(question_code(cells, lab_questions, wanted, given))
        hashes.append(answer_hashes(lab, codes[-1]))
    per_question, overall, common = pair_scores(hashes, wanted)
    path = write_page(lab, out, labels, codes, hashes, (per_question, overall, common), unreadable,
                      time.perf_counter() - started)
    if anonymise:
        with open(out / "similarity_anonymisation_key.csv", "w", newline="") as f:
            csv.writer(f).writerows([("label", "submission"), *zip(all_labels, (p.name for p in paths))])
    return path, labels, hashes, per_question, overall
