import json
import os
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.ingest import load
from qa.ingest.load import LoadError, find_files, normalize_date, read_file, record, split_header

HTML = """<!doctype html>
<html><head>
<title>Austin Meets With Ukrainian Minister of Defense | U.S. Department of Defense</title>
<meta property="og:title" content="Austin Meets With Ukrainian Minister of Defense at Pentagon">
<meta property="article:published_time" content="2023-12-06T10:00:00Z">
<link rel="canonical" href="https://www.defense.gov/News/Article/3609585/">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/News">News</a></li><li>Subscribe</li></ul></nav>
<div class="sidebar">Most popular: Something else entirely that is not the article.</div>
<article>
<h1>Austin Meets With Ukrainian Minister of Defense at Pentagon</h1>
<p>Secretary of Defense Lloyd J. Austin III today hosted bilateral discussions at the Pentagon with
Ukrainian Defense Minister Rustem Umerov.</p>
<p>The two leaders most recently met in November in Kyiv, where they discussed military operations.</p>
<p>"As I said in Kyiv, the United States stands with Ukraine," Austin said.</p>
</article>
<footer>Privacy &amp; Security | Accessibility | Contact Us</footer>
</body></html>
"""


def test_header_parser_reads_the_corpus_format() -> None:
    header, body = split_header("Title: A  Title\nDate: 2023-12-06\nSource: https://x/y\n\nFirst line.\n\nSecond.")
    assert header == {"title": "A  Title", "date": "2023-12-06", "source": "https://x/y"}
    assert body == "First line.\n\nSecond."


def test_header_is_optional_and_date_may_be_empty(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("Just a body. Title: not a header.\n")
    [draft], _ = read_file(plain)
    assert draft.title == "" and draft.text == "Just a body. Title: not a header."
    assert draft.key == str(plain.resolve())
    undated = tmp_path / "undated.txt"
    undated.write_text("Title: T\nDate: \nSource: https://s/1\n\nBody.")
    [draft], _ = read_file(undated)
    assert draft.date == "" and draft.key == "https://s/1"


@pytest.mark.parametrize(
    "raw, iso",
    [("2023-12-06", "2023-12-06"), ("2023-12-06T10:00:00Z", "2023-12-06"), ("December 6, 2023", "2023-12-06"),
     ("Dec. 6, 2023", "2023-12-06"), ("Sept. 11, 2023", "2023-09-11"), ("6 December 2023", "2023-12-06"), ("", "")],
)
def test_dates_are_normalised(raw: str, iso: str) -> None:
    assert normalize_date(raw) == iso


def test_a_bad_date_names_itself() -> None:
    with pytest.raises(LoadError, match="unrecognised date 'soon'"):
        normalize_date("soon")


def test_markdown_front_matter_and_heading(tmp_path: Path) -> None:
    md = tmp_path / "r.md"
    md.write_text("---\ntitle: From Front Matter\ndate: 2024-03-12\nurl: https://s/md\n---\n# Heading\n\nBody text.")
    [draft], _ = read_file(md)
    assert (draft.title, draft.date, draft.source) == ("From Front Matter", "2024-03-12", "https://s/md")
    bare = tmp_path / "bare.md"
    bare.write_text("# Only A Heading\n\nBody text.")
    [draft], _ = read_file(bare)
    assert draft.title == "Only A Heading"


def test_html_gives_the_article_text_and_metadata(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML)
    [draft], _ = read_file(page)
    assert draft.title == "Austin Meets With Ukrainian Minister of Defense at Pentagon"
    assert draft.date == "2023-12-06"
    assert draft.source == "https://www.defense.gov/News/Article/3609585/"
    assert "most recently met in November in Kyiv" in draft.text
    assert "Privacy" not in draft.text and "Most popular" not in draft.text and "Subscribe" not in draft.text


def test_json_and_jsonl_records(tmp_path: Path) -> None:
    records = [
        {"title": "One", "date": "2022-06-27", "url": "https://s/1", "text": "First body."},
        {"title": "Two", "date": "", "source": "https://s/2", "text": "Second body."},
    ]
    as_json = tmp_path / "r.json"
    as_json.write_text(json.dumps(records))
    drafts, errors = read_file(as_json)
    assert [d.source for d in drafts] == ["https://s/1", "https://s/2"] and errors == []
    as_jsonl = tmp_path / "r.jsonl"
    as_jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n{not json\n" + json.dumps({"title": "x"}))
    drafts, errors = read_file(as_jsonl)
    assert [d.title for d in drafts] == ["One", "Two"]
    assert [(e.origin, e.reason.split(":")[0]) for e in errors] == [
        (f"{as_jsonl}:3", "malformed JSON line"),
        (f"{as_jsonl}:4", "missing field 'text' (a string)"),
    ]


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("header-only.txt", b"Title: T\nDate: 2020-01-01\n\n", "empty: no body text"),
        ("latin1.txt", "Caf\u00e9 in Kyiv".encode("latin-1"), "not UTF-8 text: byte 0xe9 at offset 3"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        ("broken.json", b'{"title": "x", "text": ', "malformed JSON at line 1"),
        ("wrongtype.json", b'{"title": 5, "text": "body"}', "field 'title' must be a string"),
        ("baddate.txt", b"Title: T\nDate: someday\n\nBody.", "unrecognised date"),
        ("report.pdf", b"%PDF-1.4", "corrupt PDF"),
        ("report.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
    ],
)
def test_bad_files_say_why(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    try:
        drafts, errors = read_file(path)
    except LoadError as err:
        assert reason in str(err)
    else:
        assert drafts == [] and reason in errors[0].reason


def test_a_folder_named_like_a_file_is_not_read(tmp_path: Path) -> None:
    folder_named_like_a_file = tmp_path / "dir.txt"
    folder_named_like_a_file.mkdir()
    with pytest.raises(LoadError, match="skipped: a folder, not a regular file"):
        read_file(folder_named_like_a_file)


def test_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffTitle: T\n\nBody.".encode())
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes("Title: T\n\nBody.".encode("utf-16"))
    assert read_file(bom)[0][0].title == "T" and read_file(utf16)[0][0].text == "Body."


def test_find_files_walks_folders_and_skips_other_kinds(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("x")
    (tmp_path / "notes.docx").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    files, skipped, errors = find_files([tmp_path, tmp_path / "missing.txt"])
    assert [f.name for f in files] == ["a.txt", "b.md"]
    assert skipped == [str(tmp_path / "notes.docx")]
    assert errors[0].reason == "no such file or folder"


# --- What ingest agrees to open (issue 10): regular files only, of a bounded size ---------------------------------

@pytest.fixture()
def specials(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A FIFO, a device behind a symlink and a socket, each named like a release."""
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    device = tmp_path / "z.txt"
    device.symlink_to("/dev/zero")
    sock_path = tmp_path / "s.txt"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    yield {"a FIFO (named pipe)": fifo, "a character device": device, "a socket": sock_path}
    sock.close()


def test_fifos_devices_and_sockets_are_never_opened(specials: dict[str, Path]) -> None:
    for kind, path in specials.items():
        with pytest.raises(LoadError, match=re.escape(f"skipped: {kind}, not a regular file")):
            read_file(path)


def test_a_file_over_the_cap_is_named_with_its_size_and_the_setting(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Title: Big\n\n" + "x" * 1200)
    with pytest.raises(LoadError) as raised:
        read_file(big, max_bytes=1000)
    assert str(raised.value) == ("too large: 1,212 bytes, over the limit of 1,000 bytes "
                                 "(setting ingest.max_file_bytes, QA_INGEST__MAX_FILE_BYTES)")
    assert read_file(big, max_bytes=1212)[0][0].title == "Big"


def test_a_file_larger_than_it_says_is_read_only_to_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows while it is read, or whose size lies, is never read past the cap."""
    grown = tmp_path / "grown.txt"
    grown.write_text("Title: Grown\n\n" + "x" * 5000)

    def claims_small(real: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        def stat(*args: object) -> os.stat_result:
            st = real(*args)
            return os.stat_result((*st[:6], 10, *st[7:10]))
        return stat

    monkeypatch.setattr(load.os, "stat", claims_small(os.stat))
    monkeypatch.setattr(load.os, "fstat", claims_small(os.fstat))
    read: list[int] = []
    real_open = open

    def counting_open(*args: Any, **kwargs: Any) -> Any:
        file = real_open(*args, **kwargs)
        real_read = file.read
        file.read = lambda n=-1: read.append(n) or real_read(n)
        return file

    monkeypatch.setattr(load, "open", counting_open, raising=False)
    with pytest.raises(LoadError, match="too large: more than 1,000 bytes as it was read"):
        read_file(grown, max_bytes=1000)
    assert sum(read) == 1001  # what it said it held, then up to the cap and a byte more


def test_stray_nuls_are_dropped_but_binary_is_refused(tmp_path: Path) -> None:
    stray = tmp_path / "stray.txt"
    stray.write_bytes(b"Title: Stray\x00 NULs\n\nThe 52nd\x00 drawdown is worth $175\x00 million.")
    [draft], _ = read_file(stray)
    assert (draft.title, draft.text) == ("Stray NULs", "The 52nd drawdown is worth $175 million.")
    mostly_nul = tmp_path / "zeros.txt"
    mostly_nul.write_bytes(b"text" + b"\x00" * 100)
    with pytest.raises(LoadError, match="binary file"):
        read_file(mostly_nul)


def test_control_characters_are_removed_where_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "controls.txt"
    path.write_bytes("Title: \x1b[31mRed\x1b[0m Title\x07\r\nDate: 2024-01-02\r\n\r\n"
                     "Line one\x7f.\r\nLine\ttwo\x9b.\rPage\x0cbreak.".encode())
    [draft], _ = read_file(path)
    assert draft.title == "[31mRed[0m Title"
    assert draft.text == "Line one.\nLine\ttwo.\nPage\nbreak."
    rec = record({"title": "A\x1b]0;pwned\x07 B", "text": "Body\x00 text\r\nend\x1b[2J.", "date": "2024-01-02"}, "r")
    assert (rec.title, rec.text) == ("A]0;pwned B", "Body text\nend[2J.")


def test_a_jsonl_record_is_one_line_even_with_unicode_line_separators(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"title": "T", "text": "One\u2028two."}, ensure_ascii=False) + "\n", encoding="utf-8")
    drafts, errors = read_file(path)
    assert errors == [] and [d.text for d in drafts] == ["One\u2028two."]
