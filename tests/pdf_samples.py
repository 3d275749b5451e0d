"""PDFs made from corpus releases at test time (fpdf2): a plain text PDF, a two-column one and a scanned one.

Nothing here is committed as a binary: each PDF is drawn from a release's text when a test or the benchmark
asks, so the PDFs always say what the corpus says. A Unicode TTF font (DejaVu) is used when the machine has
one, so curly quotes and dashes stay as written; without one they are folded to ASCII here, in the PDF-making
code only.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from tests.web_corpus import Release

# Repeated on every page, as agency PDFs print them: the reader must drop both.
RUNNING_HEAD = "U.S. Department of Defense"
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
              Path("/usr/share/fonts/TTF"))
_EPOCH = datetime(1969, 12, 31, 19, 0, 0)
_ASCII = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                        "\u2014": "--", "\u2026": "...", "\u00a0": " "})


def _font_file(name: str) -> Path | None:
    return next((d / name for d in _FONT_DIRS if (d / name).is_file()), None)


def printed(text: str) -> str:
    """Text as these PDFs print it: as written with the DejaVu fonts, else in the core fonts' Latin-1 (curly
    quotes and dashes made plain), which is then what a faithful reader gives back."""
    return text if _font_file("DejaVuSans.ttf") and _font_file("DejaVuSans-Bold.ttf") else text.translate(_ASCII)


def _printed_date(iso: str) -> str:
    """The date as releases print it ("December 11, 2023"); the reader must parse it back."""
    day = date.fromisoformat(iso)
    return f"{day:%B} {day.day}, {day.year}"


class _Page(FPDF):
    def header(self) -> None:
        self.set_font(self.body_font, size=8)
        self.cell(0, 6, RUNNING_HEAD, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.body_font, size=8)
        self.cell(0, 6, str(self.page_no()), align="C")


def _document(release: Release, *, metadata_title: bool) -> tuple[_Page, Callable[[str], str]]:
    """A PDF with fonts set up, and the function that makes text printable in them."""
    pdf = _Page(format="letter")
    regular, bold = _font_file("DejaVuSans.ttf"), _font_file("DejaVuSans-Bold.ttf")
    if regular and bold:
        pdf.add_font("body", fname=str(regular))
        pdf.add_font("body", style="B", fname=str(bold))
        pdf.body_font = "body"

        def printable(text: str) -> str:
            return text
    else:  # the core fonts are Latin-1 only
        pdf.body_font = "helvetica"

        def printable(text: str) -> str:
            return text.translate(_ASCII)
    # The creation date is the release's; without one, fpdf2's "no date" (the epoch), which the reader must
    # not take for a release date, rather than today.
    made = datetime.fromisoformat(release.date + "T12:00:00") if release.date else _EPOCH
    pdf.set_creation_date(made.replace(tzinfo=timezone.utc))
    if metadata_title:
        pdf.set_title(printable(release.title))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font(pdf.body_font, style="B", size=15)
    pdf.multi_cell(0, 7, printable(release.title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if release.date:
        pdf.set_font(pdf.body_font, size=10)
        pdf.cell(0, 6, _printed_date(release.date), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(pdf.body_font, size=11)
    return pdf, printable


def text_pdf(release: Release, *, metadata_title: bool = True, size: float = 11) -> bytes:
    """The release as one column: title heading, date line, body paragraphs wrapped over lines and pages
    (a corpus release fits one page at the usual size; a larger one spreads it over several)."""
    pdf, printable = _document(release, metadata_title=metadata_title)
    pdf.set_font_size(size)
    for paragraph in release.paragraphs:
        pdf.multi_cell(0, size / 2, printable(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(size * 0.4)  # a paragraph gap of most of a line, as word processors leave
    return bytes(pdf.output())


def two_column_pdf(release: Release) -> bytes:
    """The release with its body flowing down the first column of each page, then the second."""
    pdf, printable = _document(release, metadata_title=True)
    with pdf.text_columns(ncols=2, gutter=8, line_height=1.25) as columns:
        for paragraph in release.paragraphs:
            columns.write(printable(paragraph))
            columns.ln()
            columns.ln()
    return bytes(pdf.output())


def scanned_pdf(release: Release, *, pages: int = 1) -> bytes:
    """Pages that are only pictures of the release's text, as a scanner makes them: no text layer."""
    font_path = _font_file("DejaVuSans.ttf")
    font = ImageFont.truetype(str(font_path), 22) if font_path else ImageFont.load_default()
    lines = [release.title, ""] + [w for p in release.paragraphs for w in (textwrap.wrap(p, 70) + [""])]
    pdf = FPDF(format="letter")
    per_page = 50
    for n in range(pages):
        image = Image.new("L", (1700, 2200), 255)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines[n * per_page:(n + 1) * per_page]):
            draw.text((120, 120 + i * 38), line, fill=0, font=font)
        buffer = BytesIO()
        image.save(buffer, format="PNG")
        pdf.add_page()
        pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def blank_pages_pdf(pages: int) -> bytes:
    """A PDF of many pages, each with one short line: for the page cap."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, f"Line on page {n + 1}.")
    return bytes(pdf.output())
