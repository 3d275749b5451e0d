"""Reading a release from a PDF: its text layer, put back into lines and paragraphs like a corpus text file.

pypdfium2 (PDFium, Chrome's PDF engine) reads it. benchmarks/pdf_extract.py made a one-column and a
two-column PDF of each of the 21 corpus releases (42 PDFs, 77 gold facts the bodies state) and put each
library's text through this module's clean-up:

    library    similarity  sentences  gold facts  2-col order  hyphen breaks  ms/PDF
    pypdf          100.00     100.0%      100.0%       100.0%              0  13-14
    pypdfium2      100.00     100.0%      100.0%       100.0%              0    3-4

The text is the same after clean-up (before it, pypdf doubles the spaces of justified lines), so speed
decided: pdfium is about 4 times faster, even with the character boxes it reads to find the gaps between
paragraphs, which the text alone does not show. It writes U+FFFE for a hyphen that ends a line; pypdf
keeps "-". Neither puts columns in order by where they sit on the page: both follow the content stream,
which here (as in most generated PDFs) runs down the first column before the second.
"""

from __future__ import annotations

import re
import statistics
import threading
from collections import Counter
from datetime import date

from qa.text.dates import DateError, iso_date

# A press release is a few pages; a file with more is not one, and reading thousands of pages would hold a
# worker for minutes.
MAX_PAGES = 500
# pdfium is not thread-safe, and the service reads uploads on worker threads: one document at a time.
_PDFIUM = threading.Lock()


class PdfError(ValueError):
    """A PDF that yields no release text; the message says why (qa.ingest.load turns it into a LoadError)."""


def extract_pages(data: bytes, max_pages: int | None = None) -> list[str]:
    """The text layer of each page: its lines in pdfium's order, a blank line where the page shows a gap."""
    return _read(data, max_pages)[0]


def _read(data: bytes, max_pages: int | None) -> tuple[list[str], dict[str, str]]:
    """Each page's text and the document's metadata (Title, CreationDate, ...); PdfError when unreadable."""
    with _PDFIUM:
        return _read_locked(data, MAX_PAGES if max_pages is None else max_pages)


def _read_locked(data: bytes, max_pages: int) -> tuple[list[str], dict[str, str]]:
    import pypdfium2 as pdfium  # only PDFs need it

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise PdfError("encrypted PDF: it needs a password to open") from None
        raise PdfError(f"corrupt PDF: {err}") from None
    try:
        _check_pages(len(doc), max_pages)
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            pages.append(_with_gaps(textpage))
            textpage.close()
            page.close()
        return pages, doc.get_metadata_dict()
    except pdfium.PdfiumError as err:  # a page whose objects cannot be parsed
        raise PdfError(f"corrupt PDF: {err}") from None
    finally:
        doc.close()


def _with_gaps(textpage: object) -> str:
    """A page's text, lines apart by "\n", with a blank line where a line starts lower than the body's line
    pitch would put it: the gap between paragraphs, which the text alone does not show.

    Tops come from pdfium's loose character boxes (the font's height, the same for every glyph of a line);
    where the next line starts higher (a new column) nothing is known, and qa.ingest.pdf.paragraphs guesses.
    """
    text = textpage.get_text_range()
    # Lines and the index of each one's first character; pdfium's U+FFFE (an end-of-line hyphen) also ends one.
    starts, lines, begin = [], [], 0
    for m in re.finditer(r"\r\n|\ufffe", text):
        starts.append(begin)
        lines.append(text[begin:m.end() if m.group() == _LINE_END_HYPHEN else m.start()])
        begin = m.end()
    starts.append(begin)
    lines.append(text[begin:])
    tops = [textpage.get_charbox(i, loose=True)[3] if line.strip() else None for i, line in zip(starts, lines)]
    steps = [a - b for a, b in zip(tops, tops[1:]) if a is not None and b is not None and a > b]
    pitch = statistics.median(steps) if steps else 0.0
    out = lines[:1]
    for prev, top, line in zip(tops, tops[1:], lines[1:]):
        gap = prev is not None and top is not None and pitch and prev - top > 1.5 * pitch
        out.append(("\n\n" if gap else "\n") + line)
    return "".join(out)


def _check_pages(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise PdfError(f"too many pages: {count:,}, over the limit of {max_pages:,} a release can have")
    if count == 0:
        raise PdfError("corrupt PDF: it has no pages")


# --- From the text of each page to a release's lines and paragraphs --------------------------------------------

# pdfium writes U+FFFE for a hyphen it took to end a line; soft hyphens only ever mark where a word may break.
_LINE_END_HYPHEN = "\ufffe"
_PAGE_NUMBER = re.compile(r"(page\s+)?-?\s*\d{1,4}\s*-?(\s+of\s+\d{1,4})?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"""[.!?:;]["'\u201d\u2019)\]]*$""")
_WORD_HYPHEN = re.compile(r"[A-Za-z]-$")
_HEADER = re.compile(r"(title|date|source|url)\s*:.*", re.IGNORECASE)
_SUSPENDED = {"and", "or", "to"}
_DATE_IN_LINE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s+\d{4})\b")


def page_lines(pages: list[str]) -> list[list[str]]:
    """Each page's lines, spaces collapsed (justified text comes out with runs of them), and "" where a blank
    line marks a paragraph's end."""
    out = []
    for text in pages:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
        text = text.replace(_LINE_END_HYPHEN + "\n", "-\n").replace(_LINE_END_HYPHEN, "-\n")
        lines: list[str] = []
        for raw in text.split("\n"):
            line = " ".join(raw.split())
            if line or (lines and lines[-1]):
                lines.append(line)
        out.append(lines[:-1] if lines and not lines[-1] else lines)
    return out


def drop_running_lines(pages: list[list[str]]) -> list[str]:
    """The lines of all pages, without page numbers and without the head and foot lines every page repeats.

    A line counts as running when, with its digits blanked, it starts or ends at least two pages and most of
    them; a bare number ("3", "Page 3 of 4") at the top or bottom of a page is a page number.
    """
    def shape(line: str) -> str:
        return re.sub(r"\d+", "#", line)

    def edge(lines: list[str]) -> set[int]:
        filled = [i for i, line in enumerate(lines) if line]
        return set(filled[:2] + filled[-2:])

    edges: Counter[str] = Counter()
    for lines in pages:
        edges.update({shape(lines[i]) for i in edge(lines)})
    running = {s for s, n in edges.items() if len(pages) >= 2 and n >= 2 and n * 2 > len(pages)}
    kept: list[str] = []
    for lines in pages:
        at_edge = edge(lines)
        page = [line for i, line in enumerate(lines)
                if not (i in at_edge and (shape(line) in running or _PAGE_NUMBER.fullmatch(line)))]
        # A gap at a page's top or bottom (before its footer, after its header) says nothing about paragraphs.
        while page and not page[-1]:
            page.pop()
        while page and not page[0]:
            page.pop(0)
        for line in page:
            if line or (kept and kept[-1]):  # at most one paragraph mark in a row, none first
                kept.append(line)
    return kept


def paragraphs(lines: list[str]) -> str:
    """Wrapped lines joined back into paragraphs, one per line as in the corpus text files.

    A line ends its paragraph before a "" (a gap on the page), or when it ends a sentence and is clearly
    shorter than the body's full lines (a paragraph's last line rarely fills the width: the guess where the
    page says nothing, as across columns and pages); a wrong guess only moves a line break between whole
    sentences. A line ending in a hyphen after a letter joins the next without a space, the hyphen kept:
    dropping it could unmake a real compound ("mid-term"), keeping it never loses a character.
    """
    widths = [len(line) for line in lines if line]
    if not widths:
        return ""
    full = statistics.quantiles(widths, n=4)[2] if len(widths) >= 2 else widths[0]
    out: list[str] = []
    prev, gap = "", False
    for line in lines:
        if not line:
            gap = True
            continue
        if not prev:
            out.append(line)
        elif gap or (_SENTENCE_END.search(prev) and len(prev) < 0.85 * full):
            out.append("\n" + line)
        elif _WORD_HYPHEN.search(prev) and line[:1].isalpha():
            # "near- and mid-term": a hyphen standing for a word to come keeps its space.
            out.append(" " + line if line.split(" ", 1)[0] in _SUSPENDED else line)
        else:
            out.append(" " + line)
        prev, gap = line, False
    return "".join(out)


# --- Title, date and body ---------------------------------------------------------------------------------------

_MEANINGLESS_TITLES = re.compile(r"(untitled|document\d*|microsoft word\b.*|.*\.(docx?|pdf|indd|rtf))", re.I)
# PDF was published in 1993: an earlier creation date (fpdf2 writes the 1969 epoch for "none") is no date.
_FIRST_PDF_YEAR = 1993


def sensible_title(raw: str) -> str:
    """The metadata title, or "" for a blank one or one a word processor filled in ("Microsoft Word - x.docx")."""
    title = " ".join(raw.split())
    return "" if not title or _MEANINGLESS_TITLES.fullmatch(title) else title


def metadata_date(raw: str) -> str:
    """An ISO date from a PDF date string ("D:20231206120000Z"), or "" when it is missing or not sensible."""
    m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", raw.strip())
    if not m or not m[2] or not m[3]:
        return ""
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return ""
    return day.isoformat() if day.year >= _FIRST_PDF_YEAR and day <= date.today() else ""


def _line_date(line: str) -> str:
    """The ISO date a whole line states, or ""."""
    try:
        return iso_date(line.strip(" .,"))
    except DateError:
        return ""


def split_front(lines: list[str], meta_title: str) -> tuple[str, str, list[str]]:
    """(title, date, body lines) of a release's lines.

    The title is the metadata's, its line(s) dropped when they are on the page; without one, the line just
    before a date line near the top (above it there may be a letterhead), else the first line. A date line
    just after the title is the date, and dropped. A metadata title that is not printed drops nothing.
    """
    front = [i for i, line in enumerate(lines) if line][:6]
    text = [lines[i] for i in front]
    norm = " ".join(meta_title.split()).lower()
    end, title = -1, meta_title
    for i in range(len(text)):
        for j in range(i + 1, len(text) + 1):
            if norm and " ".join(text[i:j]).lower() == norm:
                end = j - 1
                break
        if end >= 0:
            break
    if end < 0 and text:
        dated = next((i for i in range(1, len(text)) if _line_date(text[i])), 0)
        if dated:  # a heading over its date: the title, whatever the metadata says
            end, title = dated - 1, title or text[dated - 1]
        elif not title:
            end, title = 0, text[0]
        # else: the metadata's title is not printed, and the first line is the body's
    day = ""
    if end + 1 < len(text) and (found := _line_date(text[end + 1])):
        day, end = found, end + 1
    return title, day, lines[front[end] + 1:] if end >= 0 else lines


def date_in_lines(lines: list[str]) -> str:
    """A date written in the first lines ("WASHINGTON, Dec. 6, 2023 -"), or ""."""
    for line in [line for line in lines if line][:5]:
        for m in _DATE_IN_LINE.finditer(line):
            if found := _line_date(m.group(1)):
                return found
    return ""


def read_pdf(data: bytes, max_pages: int | None = None) -> tuple[dict[str, str], str]:
    """A release's header (title, date) and body text from a PDF's bytes; PdfError when there is none.

    max_pages: more pages than this (default MAX_PAGES) is an error, found before any page is read.

    The title is the metadata's when it is sensible, else the first line; the date is the one written under
    the title or in the first lines (what the release says), else the metadata's creation date when that is
    a plausible one (a re-exported file's creation date is later than its release, so it comes last).
    A text that starts with `Title:`/`Date:` lines, as the corpus files do, keeps them for qa.ingest.load to split.
    """
    pages, meta = _read(data, max_pages)
    if not any(text.strip() for text in pages):
        raise PdfError(f"scanned PDF: no text layer on its {len(pages)} page(s); run OCR on it first")
    lines = drop_running_lines(page_lines(pages))
    n = 0
    while n < len(lines) and _HEADER.fullmatch(lines[n]):
        n += 1
    if n:  # the corpus files' header, printed: qa.ingest.load splits it off as for a text file
        return {}, "\n".join(lines[:n]) + "\n\n" + paragraphs(lines[n:])
    title, day, body = split_front(lines, sensible_title(meta.get("Title", "")))
    day = day or date_in_lines(lines) or metadata_date(meta.get("CreationDate", ""))
    return {"title": title, "date": day}, paragraphs(body)
