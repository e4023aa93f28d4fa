"""Written answers of a submission: the Markdown a student typed for each manual question.

A student notebook marks each manual question with markdown cells starting `<!-- BEGIN QUESTION -->` and
`<!-- END QUESTION -->` (written by otter assign); the answer is the text of the `otter_answer_cell` cells
between them. Code answer cells contribute their source, never their outputs (figures stay out).
"""
PLACEHOLDER = "_Type your answer here, replacing this text._"
BEGIN, END = "<!-- BEGIN QUESTION -->", "<!-- END QUESTION -->"
ENTRY_SUFFIX = " (written answer)"


def answer_blocks(cells):
    """The answer cells of each manual question block, in order."""
    blocks, inside = [], False
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown" and source.lstrip().startswith(BEGIN):
            blocks.append([])
            inside = True
        if inside and "otter_answer_cell" in cell.get("metadata", {}).get("tags", []):
            fence = "" if cell.get("cell_type") == "markdown" else "```python\n"
            blocks[-1].append(fence + source + ("\n```" if fence else ""))
        if cell.get("cell_type") == "markdown" and END in source:
            inside = False
    return blocks


def status(text):
    """'empty', 'unchanged' (the placeholder is still there) or 'answered'."""
    if not text.strip():
        return "empty"
    return "unchanged" if text.strip() == PLACEHOLDER else "answered"


def manual_answers(cells, questions):
    """{question: {"text", "status"}} for the manual `questions` (names, in notebook order).

    A question whose block is missing (deleted cells) counts as empty.
    """
    blocks = answer_blocks(cells)
    answers = {}
    for i, name in enumerate(questions):
        text = "\n\n".join(blocks[i]).strip() if i < len(blocks) else ""
        answers[name] = {"text": text, "status": status(text)}
    return answers


def results_entries(answers):
    """results.json entries: each answer for graders, shown to students only once grades are published."""
    notes = {"empty": "*(no answer)*", "unchanged": "*(unchanged: the placeholder text is still there)*"}
    return [{"name": name + ENTRY_SUFFIX, "visibility": "after_published", "output_format": "md",
             "output": answer["text"] if answer["status"] == "answered" else notes[answer["status"]],
             "extra_data": {"question": name, "answer_status": answer["status"], "answer": answer["text"]}}
            for name, answer in answers.items()]
