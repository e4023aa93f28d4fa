"""What an instructor reads after `make grade`: report.html (the class at a glance) and, with `make answers`,
one page per written question holding every submission's answer, plus a CSV to fill in their scores.

Both read the graded folder that labkit.grading.batch writes (<submission>/results.json, timing.json, gradebook.csv).
Pages are self-contained HTML (figures embedded as PNG data), readable offline. Failure messages are reduced to
the assertion a test raised, so no test source reaches a page.
"""
import base64
import csv
import html
import io
import json
import re
import statistics
from collections import Counter
from pathlib import Path

from labkit.autograder.answers import ENTRY_SUFFIX
from labkit.autograder.entries import is_question, question_scores

STYLE = """body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f3f3f3}.count{text-align:right}.flag{color:#a00}.answer{border-left:4px solid #ccd;padding:.2em 1em;
margin:1em 0}.status{font-size:.85em;color:#666}img{max-width:100%}"""
FAILURE = re.compile(r"^\s*(?:\w+(?:Error|Exception)|Timeout): (.+)$")
TIMEOUT = re.compile(r"^\s*(Test \S+ did not finish within \d+ s)")


def page(title, body):
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n")


def graded_results(out):
    """{submission: results.json as a dict} for every graded submission under `out`."""
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(Path(out).glob("*/results.json"))}


def failure_messages(output):
    """The distinct messages of the failed test cases in one question's output, numbers replaced by '#'."""
    messages = set()
    for case in output.split("❌ Test case failed")[1:]:
        lines = case.split("✅ Test case passed")[0].splitlines()
        found = [m.group(1) for line in lines if (m := FAILURE.match(line) or TIMEOUT.match(line))]
        text = found[-1] if found else "not run" if "Not run." in case else "failed without a message"
        messages.add(re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", text)[:300])
    return messages


def question_failures(results):
    """{question: Counter(message -> number of submissions that got it)}."""
    failures = {}
    for result in results.values():
        for test in result["tests"]:
            if is_question(test):
                failures.setdefault(test["name"], Counter()).update(failure_messages(test.get("output", "")))
    return failures


def histogram_png(scores, possible, title):
    """A bar chart of how many submissions earned each score, as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = Counter(scores)
    values = sorted(set(counts) | {0.0, possible})
    fig, ax = plt.subplots(figsize=(4, 2.4))
    ax.bar([f"{v:g}" for v in values], [counts.get(v, 0) for v in values], color="tab:blue")
    ax.set(title=title, xlabel=f"points (of {possible:g})", ylabel="submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


def embedded(png):
    return f"<img alt='chart' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"


def question_section(question, results, failures):
    scores = [question_scores(r)[question] for r in results.values() if question in question_scores(r)]
    earned, possible = [s for s, _ in scores], scores[0][1]
    full = sum(s == possible for s in earned)
    rows = "".join(f"<tr><td class='count'>{n}</td><td>{html.escape(message)}</td></tr>"
                   for message, n in failures.get(question, Counter()).most_common(8))
    table = (f"<table><tr><th>submissions</th><th>failure message</th></tr>{rows}</table>" if rows
             else "<p>No test of this question failed.</p>")
    return (f"<h2>{html.escape(question)}</h2><p>mean {sum(earned) / len(earned):.2f} of {possible:g} points; "
            f"{full} of {len(earned)} submissions earned full marks.</p>"
            f"{embedded(histogram_png(earned, possible, question))}{table}")


def trouble_section(rows):
    """Submissions that were flagged, could not be graded, or had problems."""
    items = []
    for row in rows:
        why = [("flagged: " + row["flags"]) if row.get("flags") else "", row.get("error") or ""]
        why = [w for w in why if w]
        if why:
            items.append(f"<tr><td>{html.escape(row['submission'])}</td><td class='flag'>"
                         f"{html.escape(' | '.join(why))[:600]}</td></tr>")
    if not items:
        return "<h2>Flagged or ungraded submissions</h2><p>None.</p>"
    return ("<h2>Flagged or ungraded submissions</h2><table><tr><th>submission</th><th>why</th></tr>"
            + "".join(items) + "</table>")


def timing_section(rows):
    timed = {row["submission"]: float(row["seconds"]) for row in rows if row.get("seconds") not in (None, "")}
    median = f"median {statistics.median(timed.values()):.1f} s over " if timed else ""
    lines = "".join(f"<tr><td>{html.escape(name)}</td><td class='count'>{seconds:.1f}</td></tr>"
                    for name, seconds in timed.items())
    return (f"<h2>Grading time</h2><p>{median}{len(timed)} submissions graded in this run.</p>"
            f"<table><tr><th>submission</th><th>seconds</th></tr>{lines}</table>")


def similarity_section(out):
    """A link to the code similarity page beside the report (labkit.grading.similarity), or how to make it."""
    made = (Path(out) / "similarity.html").exists()
    return ("<h2>Code similarity</h2><p>" + ("<a href='similarity.html'>Pairs of submissions ranked by shared "
            "code</a>" if made else "Run <code>make similarity LAB=… SUBMISSIONS=…</code> to rank pairs of "
            "submissions by shared code (similarity.html, beside this report)") + ".</p>")


def write_report(lab, out, rows):
    """Write out/report.html from the graded folder `out` and its gradebook `rows`; return its path."""
    results = graded_results(out)
    failures = question_failures(results)
    questions = sorted({q for r in results.values() for q in question_scores(r)})
    summary = (f"<p>{len(rows)} submissions, {len(results)} graded, "
               f"{sum(bool(r.get('flags')) for r in rows)} flagged.</p>")
    sections = [question_section(q, results, failures) for q in questions]
    body = summary + "".join(sections) + trouble_section(rows) + timing_section(rows) + similarity_section(out)
    path = Path(out) / "report.html"
    path.write_text(page(f"{lab}: grading report", body))
    return path


def written_answers(results):
    """{question: {submission: (status, Markdown text)}} from the answer entries of each results.json."""
    answers = {}
    for submission, result in results.items():
        for test in result["tests"]:
            extra = test.get("extra_data") or {}
            if test.get("name", "").endswith(ENTRY_SUFFIX) and "question" in extra:
                answers.setdefault(extra["question"], {})[submission] = (extra["answer_status"], extra["answer"])
    return answers


def answer_html(status, text):
    import mistune

    if status != "answered":
        return f"<p class='status'>({'no answer' if status == 'empty' else 'unchanged placeholder'})</p>"
    return mistune.create_markdown(escape=True)(text)


def write_answers(lab, out, anonymise=False):
    """Write out/answers/<question>.html (every submission's answer in turn), index.html and
    manual_scores.csv (kept when it exists, so scores typed in are never overwritten); return the folder."""
    answers = written_answers(graded_results(out))
    submissions = sorted({s for by_submission in answers.values() for s in by_submission})
    label = {s: (f"submission {i:03d}" if anonymise else s) for i, s in enumerate(submissions, 1)}
    folder = Path(out) / "answers"
    folder.mkdir(parents=True, exist_ok=True)
    for question, by_submission in answers.items():
        body = "".join(f"<div class='answer'><h3>{html.escape(label[s])}</h3>{answer_html(*by_submission[s])}</div>"
                       for s in submissions if s in by_submission)
        answered = sum(status == "answered" for status, _ in by_submission.values())
        (folder / f"{question}.html").write_text(
            page(f"{lab}: {question}", f"<p>{answered} of {len(by_submission)} submissions answered.</p>{body}"))
    links = "".join(f"<li><a href='{html.escape(q)}.html'>{html.escape(q)}</a></li>" for q in answers)
    (folder / "index.html").write_text(page(f"{lab}: written answers", f"<ul>{links}</ul>"))
    if anonymise:
        with open(folder / "anonymisation_key.csv", "w", newline="") as f:
            csv.writer(f).writerows([("label", "submission"), *((label[s], s) for s in submissions)])
    scores = folder / "manual_scores.csv"
    if not scores.exists():
        with open(scores, "w", newline="") as f:
            csv.writer(f).writerows([("submission", *answers), *((s, *[""] * len(answers)) for s in submissions)])
    return folder


def manual_scores(out):
    """{submission: {question: points}} typed into out/answers/manual_scores.csv (blank cells left out)."""
    path = Path(out) / "answers" / "manual_scores.csv"
    if not path.exists():
        return {}
    with open(path, newline="") as f:
        return {row.pop("submission"): {q: float(v) for q, v in row.items() if v and v.strip()}
                for row in csv.DictReader(f)}
