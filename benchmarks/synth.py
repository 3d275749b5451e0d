"""Synthetic releases for scale benchmarks, recombined from the real corpus.

Copies of 21 releases with a few swapped words would give a tiny vocabulary
and posting lists shaped nothing like a real collection's, so timings would
flatter (or punish) the index for the wrong reasons. Instead each synthetic
release is built from 6-20 real sentences of several releases, and every
person name, number, ordinal, year and written date in them is redrawn, so
the term distribution keeps a realistic head (the DoD prose) and grows a long
tail (names, amounts, codes) as the collection grows.

Sentences are compiled once into templates (literal text with slots), so
generating is a few random draws and a join: 100k releases take seconds.

Run: .venv/bin/python benchmarks/synth.py OUT_DIR -n 1000 [--seed 0]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from random import Random
from typing import Any

from qa.ingest.load import split_header
from qa.text import sentences

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dod-releases"

# Names to draw from besides those found in the corpus (fictional or public-record style).
EXTRA_NAMES = """
Mark A. Milley|Charles Q. Brown Jr.|Christopher Grady|Sabrina Singh|John F. Kirby|Kathleen Hicks
Colin Kahl|Celeste Wallander|Laura Cooper|Michael Donnelly|Frank Kendall|Carlos Del Toro
Randy George|Lisa Franchetti|Eric Smith|David Allvin|Chance Saltzman|Linda Fagan|Bill LaPlante
Heidi Shyu|Gil Cisneros|Ashish Vazirani|Christine Abizaid|Boris Pistorius|Grant Shapps
Ben Wallace|Sebastien Lecornu|Guido Crosetto|Bill Blair|Kenji Hamada|Minoru Kihara
Shin Won-sik|Prabowo Subianto|Jenny Lee|Ana Martinez|Robert Okafor|Daniel Whitfield
Maria Gonzalez|James Thornton|Aisha Rahman|Peter Novak|Sarah Lindqvist|Thomas Brennan
Olena Kovalenko|Andriy Sybiha|Mykola Tochytskyi|Oleh Ivashchenko|Yusuf Demir|Hannah Becker
Luis Ortega|Priya Nair|Walter Hughes|Grace Whitaker|Samuel Adeyemi|Jonathan Reyes
""".replace("\n", "|").strip("|").split("|")

# Capitalised words that open or close a name match but belong to a title or an institution.
_NOT_NAME = frozenset("""
Defense Defence Contact Cooperation Industrial Base News Production Act Title Secretary Minister
Air Force Brig Officer Candidate School President Authorizes Another Name Change War Lieutenant
General Vice Group Agreement Conference Begins Calls Philippine Deputy Under Senior Ukraine
Ukrainian Israeli Australian Department Army Navy Marine Corps Press Pentagon
""".split())

# Last names that are also places ("Washington, D.C."): replaced only as part of a full name.
_PLACES = frozenset({"Washington"})

_ROLE = r"(?:Secretary|Minister|President|Coordinator|Undersecretary|Gen\.|Spc\.|Sgt\.|Adm\.|Col\.|By|by|" \
        r"Defen[cs]e|War|Communications)"
_NAME_TOKEN = r"(?:(?!Jr\b)[A-Z][a-z]+|[A-Z]\.)"
_HARVEST = re.compile(rf"{_ROLE}\s+({_NAME_TOKEN}(?:\s{_NAME_TOKEN}){{1,3}}(?:\s(?:III|Jr\.))?)")

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
_MONTH_RE = "|".join([*_MONTHS, r"Jan\.", r"Feb\.", r"Aug\.", r"Sept?\.", r"Oct\.", r"Nov\.", r"Dec\."])

# Slot kinds.
_FULL, _LAST, _DATE, _ORDINAL, _YEAR, _NUMBER = range(6)

_FIRST_DAY = date(2006, 1, 1).toordinal()
_DAYS = date(2026, 12, 31).toordinal() - _FIRST_DAY + 1
_TITLE_CUT = re.compile(r"\s(?=(?:on|at|for|With|with|to|in|Through|Using|of the)\s)|:\s|\s-\s|\s(?=\()")
_SLUG = re.compile(r"[^a-z0-9]+")
_HOSTS = ["www.defense.gov", "www.war.gov", "www.army.mil", "www.af.mil", "www.navy.mil", "www.pacom.mil",
          "www.eucom.mil", "www.centcom.mil"]
_PATHS = ["News/Releases/Release/Article", "News/News-Stories/Article/Article", "News/Speeches/Speech/Article",
          "News/Contracts/Contract/Article"]


@dataclass(frozen=True)
class Template:
    """Literal pieces with one slot between each pair: len(literals) == len(slots) + 1."""

    literals: tuple[str, ...]
    slots: tuple[tuple[int, Any], ...]


@dataclass
class Source:
    """The real corpus, compiled: sentence templates per release, title parts, names."""

    releases: list[list[Template]]
    heads: list[Template]
    tails: list[Template]
    names: list[tuple[str, str]]  # (full name, last name)
    firsts: list[str]
    lasts: list[str]


def _split_name(full: str) -> tuple[str, str]:
    """(first name, last name) of "Lloyd J. Austin III"; initials and suffixes are dropped."""
    words = [w for w in full.split() if w not in ("III", "Jr.") and not re.fullmatch(r"[A-Z]\.", w)]
    return words[0], words[-1]


def harvest_names(texts: list[str]) -> list[str]:
    """Person names that follow a role word ("Minister Rustem Umerov"), trimmed of title words."""
    found: dict[str, None] = {}
    for text in texts:
        for m in _HARVEST.finditer(text):
            words = m.group(1).split()
            while words and words[0] in _NOT_NAME:
                words.pop(0)
            for i, w in enumerate(words):
                if w in _NOT_NAME:
                    words = words[:i]
                    break
            if len([w for w in words if re.fullmatch(r"[A-Z][a-z]+", w)]) >= 2:
                found[" ".join(words)] = None
    return list(found)


def _slot_pattern(names: list[tuple[str, str]]) -> re.Pattern[str]:
    fulls = sorted({full for full, _ in names}, key=len, reverse=True)
    lasts = sorted({last for _, last in names} - _PLACES, key=len, reverse=True)
    return re.compile(
        rf"(?P<full>(?<!\w)(?:{'|'.join(map(re.escape, fulls))})(?!\w))"
        rf"|(?P<date>\b(?:{_MONTH_RE})\s\d{{1,2}}(?:,\s(?:19|20)\d\d)?\b)"
        r"|(?P<ordinal>\b\d+(?:st|nd|rd|th)\b)"
        r"|(?P<year>\b(?:1[89]\d\d|20[0-3]\d)\b)"
        r"|(?P<number>\d+(?:[,.]\d+)*)"
        rf"|(?P<last>\b(?:{'|'.join(map(re.escape, lasts))})\b)"
    )


def _compile(text: str, pattern: re.Pattern[str], person: dict[str, int]) -> Template:
    literals: list[str] = []
    slots: list[tuple[int, Any]] = []
    pos = 0
    for m in pattern.finditer(text):
        kind = m.lastgroup
        value = m.group()
        if kind == "full":
            slot: tuple[int, Any] = (_FULL, person[value])
        elif kind == "last":
            slot = (_LAST, person[value])
        elif kind == "date":
            slot = (_DATE, (value.split()[0].endswith("."), "," in value))
        elif kind == "ordinal":
            slot = (_ORDINAL, None)
        elif kind == "year":
            slot = (_YEAR, None)
        else:
            digits = sum(c.isdigit() for c in value)
            # Keep separators where they were: "428,229,970" stays 3,3,3 digits.
            fmt = re.sub(r"\d", "{}", value.replace("{", "{{").replace("}", "}}"))
            slot = (_NUMBER, (fmt, digits, value[0] == "0"))
        literals.append(text[pos:m.start()])
        slots.append(slot)
        pos = m.end()
    literals.append(text[pos:])
    return Template(tuple(literals), tuple(slots))


def _sentences(body: str) -> list[str]:
    """Sentences of a body, with fragments of under four words ("Brig.", "ARMY") joined to the next."""
    out: list[str] = []
    pending = ""
    for start, end in sentences.spans(body):
        piece = (pending + " " + body[start:end]).strip()
        if len(piece.split()) < 4:
            pending = piece
            continue
        out.append(piece)
        pending = ""
    if pending and out:
        out[-1] += " " + pending
    return out


def load_source(corpus: Path = CORPUS) -> Source:
    """Compile the real releases into templates (once per process; it takes milliseconds)."""
    files = sorted(corpus.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no releases in {corpus}")
    parsed = [split_header(f.read_text(encoding="utf-8")) for f in files]
    titles = [" ".join(h.get("title", "").split()) for h, _ in parsed]
    bodies = [b for _, b in parsed]
    harvested = harvest_names(titles + bodies)
    names = [(full, _split_name(full)[1]) for full in dict.fromkeys(harvested + EXTRA_NAMES)]
    person: dict[str, int] = {}
    for i, (full, last) in enumerate(names):
        person.setdefault(full, i)
        person.setdefault(last, i)
    pattern = _slot_pattern(names)
    releases = [[_compile(s, pattern, person) for s in _sentences(body)] for body in bodies]
    heads: list[Template] = []
    tails: list[Template] = []
    for title in titles:
        cuts = [m.start() for m in _TITLE_CUT.finditer(title)]
        heads.append(_compile(title[:cuts[0]] if cuts else title, pattern, person))
        tails.extend(_compile(title[c:], pattern, person) for c in cuts)
    firsts = sorted({_split_name(full)[0] for full, _ in names})
    lasts = sorted({last for _, last in names})
    return Source([r for r in releases if r], heads, tails, names, firsts, lasts)


class _Filler:
    """Fills the slots of one release's templates; names stay consistent within the release."""

    def __init__(self, src: Source, rng: Random) -> None:
        self.src = src
        self.rng = rng
        self.people: dict[int, tuple[str, str]] = {}

    def _person(self, idx: int) -> tuple[str, str]:
        got = self.people.get(idx)
        if got is None:
            rng = self.rng
            if rng.random() < 0.5:
                got = rng.choice(self.src.names)
            else:
                first, last = rng.choice(self.src.firsts), rng.choice(self.src.lasts)
                middle = f" {chr(65 + rng.randrange(26))}." if rng.random() < 0.2 else ""
                got = (f"{first}{middle} {last}", last)
            self.people[idx] = got
        return got

    def _slot(self, kind: int, payload: Any) -> str:
        rng = self.rng
        if kind == _NUMBER:
            fmt, n, zero_ok = payload
            value = rng.randrange(0 if zero_ok else 10 ** (n - 1), 10**n)
            return fmt.format(*str(value).zfill(n))
        if kind == _FULL:
            return self._person(payload)[0]
        if kind == _LAST:
            return self._person(payload)[1]
        if kind == _ORDINAL:
            n = rng.randrange(1, 100)
            suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
            return f"{n}{suffix}"
        if kind == _YEAR:
            return str(rng.randrange(2006, 2027))
        ap, with_year = payload
        day = date.fromordinal(_FIRST_DAY + rng.randrange(_DAYS))
        month = (_AP_MONTHS if ap else _MONTHS)[day.month - 1]
        return f"{month} {day.day}, {day.year}" if with_year else f"{month} {day.day}"

    def render(self, template: Template) -> str:
        if not template.slots:
            return template.literals[0]
        parts = [template.literals[0]]
        for (kind, payload), literal in zip(template.slots, template.literals[1:]):
            parts.append(self._slot(kind, payload))
            parts.append(literal)
        return "".join(parts)


def _body(src: Source, rng: Random, fill: _Filler) -> str:
    """As many distinct sentences as a real release picked at random has (so sizes follow the
    real corpus), in runs of 1-4 consecutive ones, each run from another release than the last."""
    want = max(3, len(rng.choice(src.releases)))
    picked = rng.sample(range(len(src.releases)), k=min(len(src.releases), rng.randint(3, 5)))
    paragraphs: list[str] = []
    used: set[tuple[int, int]] = set()
    previous = -1
    n = 0
    for _ in range(8 * want):  # bounded: a release may run out of unused sentences
        if n >= want:
            break
        choices = [p for p in picked if p != previous] or picked
        rel = rng.choice(choices)
        release = src.releases[rel]
        run = min(rng.randint(1, 4), want - n, len(release))
        start = rng.randrange(len(release) - run + 1)
        span = [(rel, j) for j in range(start, start + run)]
        if used.intersection(span):
            continue
        used.update(span)
        previous = rel
        paragraphs.append(" ".join(fill.render(t) for t in release[start:start + run]))
        n += run
    return "\n\n".join(paragraphs)


def _title(src: Source, rng: Random, fill: _Filler) -> str:
    head = rng.randrange(len(src.heads))
    title = fill.render(src.heads[head])
    for _ in range(rng.choice((1, 1, 1, 2))):
        title += fill.render(rng.choice(src.tails))
    return title


def generate(n: int, seed: int = 0, corpus: Path = CORPUS) -> Iterator[tuple[str, str]]:
    """(file name, file text) of n synthetic releases in the corpus's text format, the same for a seed."""
    src = load_source(corpus)
    rng = Random(seed)
    width = max(6, len(str(n)))
    for i in range(n):
        fill = _Filler(src, rng)
        title = _title(src, rng, fill)
        body = _body(src, rng, fill)
        day = "" if rng.random() < 0.1 else date.fromordinal(_FIRST_DAY + rng.randrange(_DAYS)).isoformat()
        slug = _SLUG.sub("-", title.lower()).strip("-")[:80]
        serial = 1_000_000 * (seed % 1000) + i
        url = f"https://{rng.choice(_HOSTS)}/{rng.choice(_PATHS)}/{serial}/{slug}/"
        yield f"syn{i:0{width}d}.txt", f"Title: {title}\nDate: {day}\nSource: {url}\n\n{body}\n"


def write(folder: Path, n: int, seed: int = 0) -> int:
    """Write n synthetic releases into folder (created if missing); returns how many were written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, text in generate(n, seed):
        (folder / name).write_text(text, encoding="utf-8")
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    print(f"wrote {write(args.out, args.n, args.seed)} releases to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
