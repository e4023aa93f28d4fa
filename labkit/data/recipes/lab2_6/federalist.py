"""The Federalist Papers: parse the Gutenberg book into 85 papers, attach authorship, split, write JSON."""
import json
import re
from dataclasses import dataclass

from labkit import DATA_DIR

FACTS_DIR = DATA_DIR / "federalist"
HEADER = re.compile(r"^FEDERALIST No\. (\d+)\s*$")
SALUTATION = re.compile(r"^To the People of the State of New York[:.]\s*$")
SIGNATURE = re.compile(r"^PUBLIUS\b")  # the signature; a footnote may follow on its line
NEWSPAPER = re.compile(r"\b(For|From) (the |The )?(Independent Journal|New York Packet|Daily Advertiser|McLEAN|MCLEAN)")
BYLINE = re.compile(r"^(HAMILTON|MADISON|JAY)(, with (HAMILTON|MADISON))?$")
BOOK_END = re.compile(r"^\*\*\* END OF THE PROJECT GUTENBERG")
N_PAPERS = 85


@dataclass
class Paper:
    number: int
    title: str
    byline: str  # as printed, e.g. "MADISON, with HAMILTON"
    body: str


class ParseError(ValueError):
    pass


def _paper_blocks(lines):
    """Yield (number, lines) for each paper, from its header to the next header or the book's end."""
    starts = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := HEADER.match(line))]
    end = next((i for i, line in enumerate(lines) if BOOK_END.match(line)), len(lines))
    for (start, number), (stop, _) in zip(starts, starts[1:] + [(end, None)]):
        yield number, lines[start + 1 : stop]


def _parse_paper(number, lines):
    try:
        salutation = next(i for i, line in enumerate(lines) if SALUTATION.match(line))
    except StopIteration:
        raise ParseError(f"paper {number}: no 'To the People of the State of New York' line") from None
    head = [line.strip() for line in lines[:salutation] if line.strip()]
    if not head or not BYLINE.match(head[-1]):
        raise ParseError(f"paper {number}: no author byline before the salutation (found {head[-1:]})")
    title = " ".join(head[:-1])
    title = NEWSPAPER.split(title, maxsplit=1)[0].strip()  # newspaper and date follow the title
    body = []
    for line in lines[salutation + 1 :]:
        if SIGNATURE.match(line):
            break  # footnotes follow the signature
        body.append(line)
    return Paper(number, title, head[-1], "\n".join(body).strip())


def parse_papers(text):
    """Split the book's text into its 85 papers, in order; raise ParseError unless exactly 1..85 are found."""
    papers = [_parse_paper(n, block) for n, block in _paper_blocks(text.splitlines())]
    numbers = [p.number for p in papers]
    if sorted(set(numbers)) != list(range(1, N_PAPERS + 1)) or len(numbers) != N_PAPERS:
        raise ParseError(
            f"expected papers 1..{N_PAPERS} once each, found {len(numbers)} headers "
            f"({len(set(numbers))} distinct numbers): is this the Federalist Papers ebook #1404?"
        )
    return papers


def load_facts(name):
    return json.loads((FACTS_DIR / f"{name}.json").read_text())


def authorship(table):
    """Map paper number -> attributed author from the committed table (keys starting with '_' are notes)."""
    return {n: author for author, numbers in table.items() if not author.startswith("_") for n in numbers}


def byline_disagreements(papers, authors):
    """Papers whose printed byline does not name the attributed author(s); disputed papers are listed too."""
    expected = {"Hamilton": "HAMILTON", "Madison": "MADISON", "Jay": "JAY", "Hamilton and Madison": "MADISON, with HAMILTON"}
    return [
        f"paper {p.number}: byline {p.byline!r}, table says {authors[p.number]}"
        for p in papers
        if expected.get(authors[p.number]) != p.byline
    ]


def split_numbers(authors, splits):
    """Paper numbers of each split: {'train': [...], 'validation': [...], 'test': [...]}."""
    validation = sorted(n for numbers in splits["validation"].values() for n in numbers)
    for author, numbers in splits["validation"].items():
        wrong = [n for n in numbers if authors[n] != author]
        if wrong:
            raise ValueError(f"validation papers {wrong} listed for {author} are not by {author}")
    test = sorted(n for n, a in authors.items() if a == "disputed")
    train = sorted(set(authors) - set(validation) - set(test))
    return {"train": train, "validation": validation, "test": test}
