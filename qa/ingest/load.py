"""Reading releases from files: text with a header, Markdown, HTML, PDF and JSON records."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from qa.models import FileError, ReleaseDraft
from qa.settings import IngestSettings
from qa.text.dates import DateError, iso_date

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | PDF_SUFFIXES

_HEADER_LINE = re.compile(r"(title|date|source|url)\s*:\s*(.*)", re.IGNORECASE)
MAX_FILE_BYTES = IngestSettings().max_file_bytes
# Line ends, and the controls that break lines or pages, become "\n"; every other control character
# (C0 but tab, DEL, C1) goes: a NUL or an escape sequence stored would cut citation text short or
# reach a terminal, and removing them before chunking keeps every span an exact slice of the stored text.
_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


# Fewer words than this extracted from a page is no article (the shortest corpus release has over 60).
MIN_ARTICLE_WORDS = 12


class LoadError(ValueError):
    """A file or record that cannot be read; the message says why."""


class TooLarge(LoadError):
    """A file over the size limit: told apart so the service can answer 413, not 422."""


def normalize_date(raw: str) -> str:
    """An ISO date from the forms releases use, or LoadError (qa.text.dates parses every date)."""
    try:
        return iso_date(raw)
    except DateError as err:
        raise LoadError(str(err)) from None


def clean(text: str) -> str:
    """Text without control characters: line ends as "\n", tabs kept, every other control removed."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", text))


def decode(data: bytes) -> str:
    """Text of a file's bytes: UTF-8 (with or without BOM) or UTF-16 with BOM, cleaned of control characters.

    A few stray NUL bytes in text are dropped; a file with NULs that is not UTF-8, or that is a tenth
    NULs, is binary.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return clean(data.decode("utf-16"))
    nuls = data.count(b"\x00")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if nuls:
            raise LoadError("binary file (contains NUL bytes), not text") from err
        bad = data[err.start:err.start + 1].hex()
        raise LoadError(f"not UTF-8 text: byte 0x{bad} at offset {err.start}") from err
    if nuls * 10 > len(data):
        raise LoadError("binary file (contains NUL bytes), not text")
    return clean(text)


def split_header(text: str) -> tuple[dict[str, str], str]:
    """The `Title:`/`Date:`/`Source:` lines at the top of a text, and the body after them."""
    header: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines) and (m := _HEADER_LINE.fullmatch(lines[i].strip())):
        key = m.group(1).lower()
        header["source" if key == "url" else key] = m.group(2).strip()
        i += 1
    if not header:
        return {}, text
    return header, "\n".join(lines[i:]).strip("\n")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Markdown front matter between `---` lines, else the plain header form."""
    m = re.match(r"---\s*\n(.*?)\n---\s*\n", text, re.DOTALL)
    if not m:
        return split_header(text)
    header, _ = split_header(m.group(1))
    return header, text[m.end():].strip("\n")


def _draft(header: dict[str, str], body: str, origin: str, key: str | Path | None) -> ReleaseDraft:
    """key: what identifies the release when it has no source; a path is resolved only then."""
    body = clean(body).strip()
    if not body:
        raise LoadError("empty: no body text")
    header = {field: clean(value) for field, value in header.items()}
    source = header.get("source", "").strip()
    return ReleaseDraft(
        title=" ".join(header.get("title", "").split()),
        date=normalize_date(header.get("date", "")),
        source=source,
        text=body,
        origin=origin,
        key=source or (str(key.resolve()) if isinstance(key, Path) else key) or origin,
    )


# Each reader takes the decoded text, the origin to report (a path, or an upload's name) and the key that
# identifies a release without a source (a path, resolved only then, or a string).
Key = str | Path


def _read_text(text: str, origin: str, key: Key) -> list[ReleaseDraft]:
    header, body = split_header(text)
    return [_draft(header, body, origin, key)]


def _read_markdown(text: str, origin: str, key: Key) -> list[ReleaseDraft]:
    header, body = _front_matter(text)
    if "title" not in header and (m := re.match(r"#\s+(.+)", body.lstrip())):
        header["title"] = m.group(1).strip()
    return [_draft(header, body, origin, key)]


def _read_html(text: str, origin: str, key: Key) -> list[ReleaseDraft]:
    import trafilatura  # slow to import; only HTML needs it

    # The date only from the page's own markup (metadata, <time>, the URL): a guess from a year in the text
    # ("FY 2022" read as 2022-01-01) would date a release wrongly, and an undated one stays undated.
    extracted = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                            include_tables=True, favor_recall=True,
                                            date_extraction_params={"extensive_search": False, "original_date": True})
    doc = extracted.as_dict() if extracted is not None else {}
    # A page of navigation alone yields a few link words ("Home"), not an article.
    if len((doc.get("text") or "").split()) < MIN_ARTICLE_WORDS:
        raise LoadError("no article text found in the HTML")
    header = {"title": doc.get("title") or "", "date": doc.get("date") or "",
              "source": doc.get("url") or ""}
    return [_draft(header, doc["text"], origin, key)]


def _read_pdf(data: bytes, origin: str, key: Key) -> list[ReleaseDraft]:
    from qa.ingest.pdf import PdfError, read_pdf  # pdfium loads only for PDFs

    try:
        header, body = read_pdf(data)
    except PdfError as err:
        raise LoadError(str(err)) from None
    if not header:  # a printed `Title:`/`Date:` header, read as a text file's
        header, body = split_header(clean(body))
    return [_draft(header, body, origin, key)]


def record(obj: object, origin: str) -> ReleaseDraft:
    """A release from a JSON record (title, date, source or url, text, optional id)."""
    if not isinstance(obj, dict):
        raise LoadError(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise LoadError("missing field 'text' (a string)")
    header = {}
    for field in ("title", "date", "source", "url"):
        value = obj.get(field)
        if value is not None and not isinstance(value, str):
            raise LoadError(f"field {field!r} must be a string")
        if value:
            header["source" if field == "url" else field] = value
    key = obj.get("id") if isinstance(obj.get("id"), str) else None
    if key is None and header.get("title"):
        key = f"{header['title']}|{header.get('date', '')}"
    if key is None:  # nothing names it: its text does, so sending it again changes nothing
        key = "text:" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return _draft(header, text, origin, f"record:{key}")


def _read_json(text: str, origin: str, suffix: str) -> tuple[list[ReleaseDraft], list[FileError]]:
    """Records of a .json file (an object or a list) or a .jsonl file (one per line); each record is keyed by
    itself (qa.ingest.load.record), never by the file.

    A bad record is reported with its line or position; the good ones still count.
    """
    drafts: list[ReleaseDraft] = []
    errors: list[FileError] = []
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise LoadError(f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from err
        items = data if isinstance(data, list) else [data]
        places = [f"{origin}[{i}]" for i in range(len(items))] if isinstance(data, list) else [origin]
    else:
        items, places = [], []
        for n, line in enumerate(text.split("\n"), 1):  # splitlines would also split at U+2028 in a string
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as err:
                errors.append(FileError(origin=f"{origin}:{n}", reason=f"malformed JSON line: {err.msg}"))
                continue
            places.append(f"{origin}:{n}")
    for obj, place in zip(items, places):
        try:
            drafts.append(record(obj, place))
        except LoadError as err:
            errors.append(FileError(origin=place, reason=str(err)))
    if not drafts and not errors:
        raise LoadError("empty: no records")
    return drafts, errors


def read_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[ReleaseDraft], list[FileError]]:
    """The releases in one file, and the records of it that could not be read.

    Raises LoadError when nothing in the file can be read: also for anything but a regular file of
    at most max_bytes.
    """
    _suffix(path.name)  # before the file is opened: a file of another kind is never read
    return read_data(_read_bytes(path, max_bytes), path.name, origin=str(path), key=path, max_bytes=max_bytes)


def read_data(data: bytes, name: str, *, origin: str | None = None, key: Key | None = None,
              max_bytes: int = MAX_FILE_BYTES) -> tuple[list[ReleaseDraft], list[FileError]]:
    """The releases in a file's bytes, read as a file called `name` is (its suffix says how), and the records
    of it that could not be read: one reader for files on disk and files sent to the service.

    origin: where the releases are said to come from (default: name); key: what identifies a release that
    gives no source (default: origin). Raises LoadError when nothing can be read, TooLarge over max_bytes.
    """
    suffix = _suffix(name)
    if len(data) > max_bytes:
        raise TooLarge(_too_large(f"{len(data):,} bytes", max_bytes))
    if not data.strip():
        raise LoadError("empty file")
    origin = origin if origin is not None else name
    key = key if key is not None else origin
    if suffix in PDF_SUFFIXES:  # bytes, not text: _draft cleans what is extracted as it cleans any body
        return _read_pdf(data, origin, key), []
    text = decode(data)
    if suffix in JSON_SUFFIXES:
        return _read_json(text, origin, suffix)
    if suffix in HTML_SUFFIXES:
        return _read_html(text, origin, key), []
    if suffix in MARKDOWN_SUFFIXES:
        return _read_markdown(text, origin, key), []
    return _read_text(text, origin, key), []


def _suffix(name: str) -> str:
    """The suffix of a file name qa reads, lower case; LoadError for any other."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(none)'!r}; qa reads {', '.join(sorted(SUFFIXES))}")
    return suffix


_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def _regular(mode: int, max_bytes: int, size: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "a file of another kind")
        raise LoadError(f"skipped: {kind}, not a regular file; qa reads regular files only")
    if size > max_bytes:
        raise TooLarge(_too_large(f"{size:,} bytes", max_bytes))


def _too_large(size: str, max_bytes: int) -> str:
    return (f"too large: {size}, over the limit of {max_bytes:,} bytes "
            "(setting ingest.max_file_bytes, QA_INGEST__MAX_FILE_BYTES)")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most max_bytes of them.

    Checked before it is opened (a FIFO, a device or a socket, even behind a symlink, is never opened),
    opened non-blocking (one swapped in after the check cannot block either) and checked again, open;
    and read only to max_bytes + 1, so a file that grows, or says it is smaller than it is, cannot
    fill memory.
    """
    try:
        before = os.stat(path)
        _regular(before.st_mode, max_bytes, before.st_size)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as err:
        raise LoadError(f"unreadable: {err.strerror or err}") from err
    with open(fd, "rb") as file:
        opened = os.fstat(fd)
        _regular(opened.st_mode, max_bytes, opened.st_size)
        # As much as the file says it holds, and one byte more: if that byte is there, it grew (or its size
        # lied), and reading goes on, up to the cap and one byte over it.
        said = opened.st_size + 1
        try:
            data = file.read(said)
            if len(data) == said:
                data += file.read(max_bytes + 1 - said)
        except OSError as err:
            raise LoadError(f"unreadable: {err.strerror or err}") from err
    if len(data) > max_bytes:
        raise TooLarge(_too_large(f"more than {max_bytes:,} bytes as it was read", max_bytes))
    return data


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[str], list[FileError]]:
    """Files to read under the given paths: (files, skipped, errors).

    Files named directly are always tried; in folders, hidden files and files
    of other kinds are skipped and listed.
    """
    files: list[Path] = []
    skipped: list[str] = []
    errors: list[FileError] = []
    for path in paths:
        if path.is_dir():
            for found in _walk(path):
                if found.suffix.lower() in SUFFIXES:
                    files.append(found)
                else:
                    skipped.append(str(found))
        elif path.exists():
            files.append(path)
        else:
            errors.append(FileError(origin=str(path), reason="no such file or folder"))
    return files, skipped, errors


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder in name order, hidden ones and hidden folders left out."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root, name)
