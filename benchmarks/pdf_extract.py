"""Which PDF library gives back the corpus releases more faithfully: pypdf or pypdfium2.

Every corpus release is made into a one-column and a two-column PDF (tests/pdf_samples.py); each library's text
layer goes through the same clean-up qa uses (qa.ingest.pdf: running lines dropped, lines joined into paragraphs) and
is compared with the release's body:

    similarity   rapidfuzz fuzz.ratio of the whitespace-normalized texts (0-100)
    sentences    share of the body's sentences found verbatim (whitespace-normalized) in the extraction
    facts        share of gold-dev.jsonl's gold facts found in their release's extraction
    order        two-column PDFs: share of releases whose sentences come out in the body's order
    hyphen       line-end hyphens left in a word the body writes whole ("recon- naissance")
    ms/PDF       extraction and clean-up time per PDF

    .venv/bin/python benchmarks/pdf_extract.py
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa import pdf  # noqa: E402
from qa.text.sentences import spans  # noqa: E402
from tests.pdf_samples import text_pdf, two_column_pdf  # noqa: E402
from tests.web_corpus import CORPUS, Release, read_release  # noqa: E402

GOLD = CORPUS.parent / "gold-dev.jsonl"


def _extract_pypdf(data: bytes) -> list[str]:
    from io import BytesIO

    import pypdf  # measured against, not a dependency of qa (the bench extra)

    return [page.extract_text() or "" for page in pypdf.PdfReader(BytesIO(data)).pages]


LIBRARIES: dict[str, Callable[[bytes], list[str]]] = {"pypdf": _extract_pypdf, "pypdfium2": pdf.extract_pages}


def norm(text: str) -> str:
    return " ".join(text.split())


def sentences(body: str) -> list[str]:
    """The body's sentences as qa splits them (qa.text.sentences), short fragments left out."""
    body = norm(body)
    return [body[a:b].strip() for a, b in spans(body) if len(body[a:b].strip()) >= 20]


def in_order(wanted: list[str], text: str) -> bool:
    """Whether the sentences found come out in the body's order (each after the one before it)."""
    cursor = 0
    for sentence in (s for s in wanted if s in text):
        cursor = text.find(sentence, cursor)
        if cursor < 0:
            return False
        cursor += len(sentence)
    return True


def measure(name: str, extract: Callable[[bytes], list[str]], releases: dict[str, Release],
            pdfs: dict[str, dict[str, bytes]], facts: dict[str, list[str]]) -> dict[str, float]:
    sims, sent_hits, sent_all, fact_hits, fact_all, ordered, hyphens, seconds, n = [], 0, 0, 0, 0, 0, 0, 0.0, 0
    for file, release in releases.items():
        body = norm("\n".join(release.paragraphs))
        for kind, data in pdfs[file].items():
            started = time.perf_counter()
            lines = pdf.drop_running_lines(pdf.page_lines(extract(data)))
            _, _, body_lines = pdf.split_front(lines, release.title)
            text = norm(pdf.paragraphs(body_lines))
            seconds += time.perf_counter() - started
            n += 1
            sims.append(fuzz.ratio(body, text))
            wanted = sentences(body)
            sent_all += len(wanted)
            sent_hits += sum(s in text for s in wanted)
            fact_all += len(facts.get(file, []))
            fact_hits += sum(norm(f) in text for f in facts.get(file, []))
            hyphens += sum(word.replace("-", "") in body and word not in body
                           for word in re.findall(r"\w+-\w+", text))
            if kind == "two-column":
                ordered += in_order(wanted, text)
    return {"similarity": sum(sims) / len(sims), "sentences": sent_hits / sent_all,
            "facts": fact_hits / max(fact_all, 1), "order": ordered / len(releases), "hyphen": hyphens,
            "ms/PDF": 1000 * seconds / n}


def gold_facts(releases: dict[str, Release]) -> dict[str, list[str]]:
    """Each release's gold facts that its body states verbatim (a fact a question only computes, or one of a
    question over several releases that another release states, is not the extraction's to find)."""
    facts: dict[str, list[str]] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        files = row.get("release") or []
        for file in [files] if isinstance(files, str) else files:
            body = norm("\n".join(releases[file].paragraphs)) if file in releases else ""
            facts.setdefault(file, []).extend(f for f in row["gold_facts"] if norm(f) in body)
    return facts


def main() -> None:
    releases = {p.name: read_release(p) for p in sorted(CORPUS.glob("*.txt"))}
    pdfs = {file: {"text": text_pdf(r), "two-column": two_column_pdf(r)} for file, r in releases.items()}
    facts = gold_facts(releases)
    print(f"{len(releases)} releases, {sum(len(v) for v in pdfs.values())} PDFs, "
          f"{sum(len(facts.get(f, [])) for f in releases)} gold facts")
    print(f"{'library':<10} {'similarity':>10} {'sentences':>10} {'facts':>7} {'order':>7} {'hyphen':>7} "
          f"{'ms/PDF':>7}")
    for name, extract in LIBRARIES.items():
        extract(pdfs[next(iter(pdfs))]["text"])  # the import is not the library's reading time
        m = measure(name, extract, releases, pdfs, facts)
        print(f"{name:<10} {m['similarity']:>10.2f} {m['sentences']:>10.1%} {m['facts']:>7.1%} {m['order']:>7.1%} "
              f"{m['hyphen']:>7} {m['ms/PDF']:>7.1f}")


if __name__ == "__main__":
    main()
