"""PDF releases, read like every other format: made from corpus releases at test time (tests/pdf_samples.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli.main import app, sample_path
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest import pdf
from qa.ingest.load import LoadError, find_files, read_data, read_file
from qa.ingest.pipeline import ingest_paths
from qa.settings import IndexSettings
from tests.pdf_samples import blank_pages_pdf, printed, scanned_pdf, text_pdf, two_column_pdf
from tests.web_corpus import CORPUS, read_release

SEED = read_release(sample_path() / "008_austin_meets_umerov_pentagon_dec2023.txt")
DRAWDOWN = ('"To support Ukraine\'s immediate needs, I am announcing our 52nd drawdown of equipment and services '
            'from U.S. stocks," Austin said.')


def _one(data: bytes, name: str = "seed.pdf"):
    drafts, errors = read_data(data, name)
    assert errors == [] and len(drafts) == 1
    return drafts[0]


def test_a_text_pdf_reads_with_its_title_date_and_sentences_verbatim() -> None:
    draft = _one(text_pdf(SEED))
    assert draft.title == "Austin Meets With Ukrainian Minister of Defense at Pentagon"
    assert draft.date == "2023-12-06"
    assert DRAWDOWN in draft.text
    assert printed(next(p for p in SEED.paragraphs if "$175 million" in p)) in draft.text.split("\n")
    # The body is the corpus file's, paragraph for paragraph: no running head, page number or title line.
    assert draft.text == printed("\n".join(SEED.paragraphs))


def test_without_metadata_the_title_is_the_first_line_and_the_date_the_printed_one() -> None:
    draft = _one(text_pdf(SEED, metadata_title=False))
    assert (draft.title, draft.date) == (SEED.title, "2023-12-06")
    assert draft.text.startswith("Secretary of Defense Lloyd J. Austin III today hosted")


def test_a_metadata_title_not_on_the_page_drops_no_body_line() -> None:
    title, day, body = pdf.split_front(["First body line.", "Second body line."], "A Title Only In Metadata")
    assert (title, day, body) == ("A Title Only In Metadata", "", ["First body line.", "Second body line."])
    title, day, body = pdf.split_front(["Letterhead", "Printed Heading", "Dec. 6, 2023", "", "Body."], "")
    assert (title, day, body) == ("Printed Heading", "2023-12-06", ["", "Body."])


def test_a_release_over_several_pages_loses_nothing_at_the_page_breaks() -> None:
    data = text_pdf(SEED, size=22)
    assert len(pdf.extract_pages(data)) >= 3
    draft = _one(data)
    assert (draft.title, draft.date) == (SEED.title, "2023-12-06")
    # Word for word the body; only where a paragraph ends at the foot of a page can it run into the next one
    # (the page shows no gap there).
    assert draft.text.replace("\n", " ") == printed(" ".join(SEED.paragraphs))
    whole = [p for p in SEED.paragraphs if printed(p) in draft.text.split("\n")]
    assert len(whole) >= len(SEED.paragraphs) - 2


def test_two_columns_read_the_first_column_before_the_second() -> None:
    draft = _one(two_column_pdf(SEED))
    assert draft.text == printed("\n".join(SEED.paragraphs))  # a paragraph running over the column end stays whole
    places = [draft.text.index(printed(p)) for p in SEED.paragraphs]
    assert places == sorted(places)


def test_a_scanned_pdf_says_it_has_no_text_layer() -> None:
    with pytest.raises(LoadError, match=r"scanned PDF: no text layer on its 2 page\(s\); run OCR"):
        read_data(scanned_pdf(SEED, pages=2), "scan.pdf")


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.4 not really a PDF", "corrupt PDF"),
    (text_pdf(SEED)[:2000], "corrupt PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "corrupt PDF"),
])
def test_corrupt_bytes_say_so(data: bytes, reason: str) -> None:
    with pytest.raises(LoadError, match=reason):
        read_data(data, "broken.pdf")


def test_an_encrypted_pdf_says_it_needs_a_password() -> None:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=11)
    doc.cell(0, 10, "Secret text.")
    doc.set_encryption(owner_password="owner", user_password="user")
    with pytest.raises(LoadError, match="encrypted PDF"):
        read_data(bytes(doc.output()), "locked.pdf")


def test_pages_over_the_cap_are_refused_before_they_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = blank_pages_pdf(6)
    assert len(pdf.extract_pages(data)) == 6
    monkeypatch.setattr(pdf, "MAX_PAGES", 5)
    with pytest.raises(LoadError, match="too many pages: 6, over the limit of 5"):
        read_data(data, "long.pdf")


def test_a_printed_corpus_header_is_read_as_a_text_files(tmp_path: Path) -> None:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=11)
    for line in ("Title: A Printed Header", "Date: 2024-05-01", "Source: https://example.mil/r/1", "",
                 "The 77th test drawdown is worth $9 million."):
        doc.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    draft = _one(bytes(doc.output()))
    assert (draft.title, draft.date, draft.source) == ("A Printed Header", "2024-05-01", "https://example.mil/r/1")
    assert draft.text == "The 77th test drawdown is worth $9 million."


@pytest.mark.parametrize("raw, iso", [("D:20231206120000Z", "2023-12-06"), ("D:19691231190000Z", ""),
                                      ("D:2023", ""), ("", ""), ("D:20231340", "")])
def test_only_a_sensible_creation_date_is_a_date(raw: str, iso: str) -> None:
    assert pdf.metadata_date(raw) == iso


@pytest.mark.parametrize("raw, title", [("Microsoft Word - release.docx", ""), ("untitled", ""),
                                        ("  A  Real   Title ", "A Real Title")])
def test_a_word_processors_title_is_no_title(raw: str, title: str) -> None:
    assert pdf.sensible_title(raw) == title


def test_hyphens_at_line_ends_are_kept_and_joined() -> None:
    lines = ["The long-range fires and near-", "term goals of the mid-", "term plan, near-",
             "and mid-term, were set out here."]
    assert pdf.paragraphs(lines) == ("The long-range fires and near-term goals of the mid-term plan, near- and "
                                     "mid-term, were set out here.")


def test_every_hit_is_an_exact_span_of_the_stored_text(tmp_path: Path, store: Store,
                                                       index_settings: IndexSettings) -> None:
    contracts = read_release(CORPUS / "027_contracts_for_aug_10_2020.txt") if CORPUS.exists() else SEED
    (tmp_path / "seed.pdf").write_bytes(text_pdf(SEED))
    (tmp_path / "columns.pdf").write_bytes(two_column_pdf(contracts))
    report = ingest_paths(store, [tmp_path], index_settings, workers=1)
    assert len(report.added) == 2 and report.errors == []
    searcher = Searcher(store)
    hits = [h for q in ("drawdown Ukraine Austin", "contract awarded Army", "Kyiv Umerov")
            for h in searcher.search(q, 50)]
    assert {h.release_id for h in hits} == set(report.added)
    for hit in hits:
        assert hit.text == store.release_text(hit.release_id)[hit.start:hit.end]
    top = searcher.search("How much is the 52nd drawdown worth?", 1)[0]
    assert "$175 million" in top.text and top.title == SEED.title


def test_qa_ingest_stores_a_pdf_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "seed.pdf").write_bytes(text_pdf(SEED))
    assert [f.name for f in find_files([folder])[0]] == ["seed.pdf"]
    assert read_file(folder / "seed.pdf")[0][0].title == SEED.title
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 release(s) stored (1 new" in result.stdout
    result = CliRunner().invoke(app, ["search", "52nd drawdown", "-k", "1", "--db", str(db)])
    assert result.exit_code == 0 and SEED.title in result.stdout
