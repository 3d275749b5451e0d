import json
from pathlib import Path

import pytest

from qa.load import LoadError, find_files, normalize_date, read_file, split_header

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
        ("report.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
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


def test_unreadable_file(tmp_path: Path) -> None:
    folder_named_like_a_file = tmp_path / "dir.txt"
    folder_named_like_a_file.mkdir()
    with pytest.raises(LoadError, match="unreadable"):
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
    (tmp_path / "notes.pdf").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    files, skipped, errors = find_files([tmp_path, tmp_path / "missing.txt"])
    assert [f.name for f in files] == ["a.txt", "b.md"]
    assert skipped == [str(tmp_path / "notes.pdf")]
    assert errors[0].reason == "no such file or folder"
