"""Quality of `qa brief` on the gold briefings and of `qa summarize` on every dev release (issue 9's goals).

Briefings (benchmarks over ../shared/corpus/briefs-dev.jsonl): each gold briefing is run as `qa brief` runs it
and printed as `qa brief` prints it; then scored: gold facts found anywhere in that text (matched as `qa eval`
matches them), must_include releases among the briefing's releases, must_exclude releases left out, noise
strings (bylines, datelines) printed, and sentences (overview, bullets, timeline events) printed more than once.
Summaries: `qa summarize` on every release: releases with a key-fact sentence listed twice, releases with a
dateline or byline in a text field, and quotations without a speaker.
By default no model is asked (the extractive briefing and summary); `--model` asks the configured one.
Run: .venv/bin/python benchmarks/briefs.py [--model]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from qa.brief.briefing import Briefer
from qa.brief.summarize import Summarizer
from qa.cli import brief as brief_command
from qa.cli.common import out
from qa.evals.briefings import BriefGold
from qa.evals.briefings import load as load_briefs
from qa.evals.scoring import fact_found
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import ModelClient, no_model_client
from qa.llm.endpoint import model_client
from qa.schemas import Briefing, ReleaseSummary
from qa.settings import Settings
from qa.text import sentences

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
RESULTS = Path(__file__).resolve().parent / "results" / "briefs.json"

# A dateline: "WASHINGTON --" or "WASHINGTON (Sept. 11, 2023) --" anywhere, or an ALL-CAPS place (", Germany"
# may follow) opening a field, a line or a sentence, then "--" or a dash.
_DATELINE = re.compile(
    r"\bWASHINGTON\s*(?:\([^)\n]{0,40}\)\s*)?(?:--|—|–)"
    r"|(?:^|(?<=[\n.!?\"”]\s)|(?<=\n))[ \t]*[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Z.'’-]+)*(?:,\s+[A-Z][a-z]+\.?)?"
    r"\s*(?:\([^)\n]{0,40}\)\s*)?(?:--|—|–)",
    re.MULTILINE)
# A byline: "By C. Todd Lopez" opening a field, a line or a sentence, followed by the end, a line break or an
# ALL-CAPS word (the dateline it was glued to); "By August, ..." and "By contrast, ..." are not bylines.
_BYLINE = re.compile(
    r"(?:^|(?<=[\n.!?\"”]\s)|(?<=\n))[ \t]*By\s+(?:[A-Z]\.\s*)*[A-Z][a-z’'-]+"
    r"(?:\s+(?:[A-Z]\.\s*)*[A-Z][a-z’'-]+){1,3}[ \t]*(?=$|\n|\s+[A-Z]{2,}\b)",
    re.MULTILINE)


# The gold briefings are read as `qa eval` reads them (qa.evals.briefings).
Gold = BriefGold
load_gold = load_briefs


# ---- briefings ---------------------------------------------------------------------------------------------

def rendered(b: Briefing) -> str:
    """The briefing as `qa brief` prints it (its printer, captured; nothing reaches the terminal)."""
    with out.capture() as captured:
        brief_command._print_brief(b)
    return captured.get()


def flat(text: str) -> str:
    """Whitespace folded to single spaces, so a line wrap does not hide a string."""
    return " ".join(text.split())


def facts_present(facts: list[str], text: str) -> list[str]:
    return [f for f in facts if fact_found(f, text)]


def noise_found(noise: list[str], text: str) -> list[str]:
    """Noise strings that appear literally (case-insensitive, whitespace folded) in the text."""
    folded = flat(text).lower()
    return [n for n in noise if n.strip() and flat(n).lower() in folded]


def printed_sentences(b: Briefing) -> list[str]:
    """Every sentence the briefing prints as text: the overview's, the bullets and the timeline events."""
    found = [b.overview[s:e] for s, e in sentences.spans(b.overview)]
    found += [bullet.text for section in b.sections for bullet in section.bullets]
    found += [ev.event for ev in b.timeline]
    return [flat(s) for s in found if s.strip()]


def repeated_sentences(b: Briefing) -> list[str]:
    """Sentences printed more than once within the briefing (verbatim, whitespace folded)."""
    return [s for s, n in Counter(printed_sentences(b)).items() if n > 1]


def kept(files: Iterable[str], ids: dict[str, str], releases: list[str]) -> list[str]:
    """Those of the files whose release is among the briefing's releases (a file not stored counts as out)."""
    chosen = set(releases)
    return [f for f in files if ids.get(f) in chosen]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def score_briefing(gold: Gold, b: Briefing, text: str, ids: dict[str, str]) -> dict:
    found = facts_present(gold.facts, text)
    wanted = kept(gold.must_include, ids, b.releases)
    unwanted = kept(gold.must_exclude, ids, b.releases)
    names = {rid: f for f, rid in ids.items()}
    return {
        "id": gold.id, "query": gold.query, "releases": [names.get(r, r) for r in b.releases],
        "overview_mode": b.overview_mode,
        "facts": len(gold.facts), "facts_found": len(found),
        "facts_missing": [f for f in gold.facts if f not in found],
        "must_include": len(gold.must_include), "wanted_in": len(wanted),
        "wanted_missing": [f for f in gold.must_include if f not in wanted],
        "must_exclude": len(gold.must_exclude), "unwanted_out": len(gold.must_exclude) - len(unwanted),
        "unwanted_kept": unwanted,
        "noise": noise_found(gold.noise, text), "repeated": repeated_sentences(b),
    }


def run_briefs(store: Store, settings: Settings, client: Callable[[], ModelClient], golds: list[Gold]) -> dict:
    ids = {Path(r.origin).name: r.id for r in store.releases()}
    briefer = Briefer(store, settings, client)
    rows = []
    for gold in golds:
        started = time.perf_counter()
        b = briefer.brief(query=gold.query, since=gold.since, until=gold.until)
        row = score_briefing(gold, b, rendered(b), ids)
        row["seconds"] = time.perf_counter() - started
        rows.append(row)
    return {
        "facts_present": share(sum(r["facts_found"] for r in rows), sum(r["facts"] for r in rows)),
        "wanted_in": share(sum(r["wanted_in"] for r in rows), sum(r["must_include"] for r in rows)),
        "unwanted_out": share(sum(r["unwanted_out"] for r in rows), sum(r["must_exclude"] for r in rows)),
        "boilerplate": sum(len(r["noise"]) for r in rows),
        "repeated": sum(len(r["repeated"]) for r in rows),
        "rows": rows,
    }


# ---- summaries ---------------------------------------------------------------------------------------------

def summary_texts(s: ReleaseSummary) -> list[str]:
    """The summary's text fields: the summary, key-fact sentences, sentences naming people, quotations."""
    return [s.summary, *(f.quote for f in s.key_facts), *(p.quote for p in s.people), *(q.text for q in s.quotes)]


def repeated_fact_sentences(s: ReleaseSummary) -> list[str]:
    return [q for q, n in Counter(f.quote for f in s.key_facts).items() if n > 1]


def datelines(text: str) -> list[str]:
    return [m.group().strip() for m in _DATELINE.finditer(text)]


def bylines(text: str) -> list[str]:
    return [m.group().strip() for m in _BYLINE.finditer(text)]


def boilerplate_in(s: ReleaseSummary) -> list[str]:
    """Datelines and bylines found in any of the summary's text fields."""
    return [hit for text in summary_texts(s) for hit in datelines(text) + bylines(text)]


def score_summary(s: ReleaseSummary, name: str) -> dict:
    return {
        "release": name, "summary_mode": s.summary_mode,
        "repeated_facts": repeated_fact_sentences(s), "boilerplate": boilerplate_in(s),
        "quotes": len(s.quotes), "quotes_with_speaker": sum(bool(q.speaker.strip()) for q in s.quotes),
        "unattributed": [q.text for q in s.quotes if not q.speaker.strip()],
    }


def run_summaries(store: Store, settings: Settings, client: Callable[[], ModelClient]) -> dict:
    summarizer = Summarizer(store, settings, client)
    rows = []
    for r in sorted(store.releases(), key=lambda r: Path(r.origin).name):
        rows.append(score_summary(summarizer.summarize(r.id), Path(r.origin).name))
    quotes = sum(r["quotes"] for r in rows)
    with_speaker = sum(r["quotes_with_speaker"] for r in rows)
    return {
        "releases": len(rows),
        "repeated_facts": sum(bool(r["repeated_facts"]) for r in rows),
        "boilerplate": sum(bool(r["boilerplate"]) for r in rows),
        "quotes": quotes, "quotes_without_speaker": quotes - with_speaker,
        "speaker_share": share(with_speaker, quotes),
        "rows": rows,
    }


# ---- report ------------------------------------------------------------------------------------------------

def meets(value: float | None, goal: str) -> str:
    """'ok' or 'MISSED' for a goal written as '>= x', '<= x' or '0'; '' for none."""
    if value is None or not goal:
        return ""
    op, _, bound = goal.partition(" ")
    limit = float(bound or op)
    ok = value >= limit if op == ">=" else value <= limit
    return "ok" if ok else "MISSED"


def table(mode: str, briefs: dict, summaries: dict) -> str:
    def row(label: str, value: float | None, goal: str, fmt: str = ".3f", note: str = "") -> str:
        cell = "-" if value is None else f"{value:{fmt}}"
        return f"{label:44}{cell:>8}  {goal:8}{meets(value, goal):7}{note}"

    lines = [f"{mode}; {len(briefs['rows'])} briefings, {summaries['releases']} releases summarized",
             f"{'':44}{'value':>8}  {'goal':8}",
             row("briefs: facts present", briefs["facts_present"], ">= 0.90"),
             row("briefs: wanted releases in", briefs["wanted_in"], ">= 0.90"),
             row("briefs: unwanted releases out", briefs["unwanted_out"], ">= 0.90"),
             row("briefs: boilerplate strings printed", briefs["boilerplate"], "0", "d"),
             row("briefs: sentences printed twice", briefs["repeated"], "0", "d"),
             row("summaries: key-fact sentence repeated", summaries["repeated_facts"], "0", "d", " (releases)"),
             row("summaries: dateline or byline", summaries["boilerplate"], "0", "d", " (releases)"),
             row("summaries: quotes without a speaker", summaries["quotes_without_speaker"], "", "d",
                 f"       of {summaries['quotes']} quotes"),
             row("summaries: quotes with a speaker (share)", summaries["speaker_share"], "", ".3f")]
    for r in briefs["rows"]:
        lines.append(f"  {r['id']}: facts {r['facts_found']}/{r['facts']}, in {r['wanted_in']}/{r['must_include']}, "
                     f"out {r['unwanted_out']}/{r['must_exclude']}, noise {len(r['noise'])}, "
                     f"repeated {len(r['repeated'])}, {r['seconds']:.2f}s"
                     + (f"; missing {r['facts_missing']}" if r["facts_missing"] else "")
                     + (f"; not in {r['wanted_missing']}" if r["wanted_missing"] else "")
                     + (f"; kept {r['unwanted_kept']}" if r["unwanted_kept"] else ""))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--gold", type=Path, action="append",
                        help="briefing gold JSONL (repeatable) [default: the corpus's briefs-dev.jsonl]")
    parser.add_argument("--model", action="store_true", help="ask the configured model (default: none, extractive)")
    args = parser.parse_args()
    started = time.perf_counter()
    golds = [g for path in args.gold or [args.corpus / "briefs-dev.jsonl"] for g in load_gold(path)]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=Path(tmp) / "bench.db")
        store = Store(settings.db)
        ingest_paths(store, [args.corpus / "dod-releases"], settings.index)
        if args.model:
            shared = model_client(settings)
            client: Callable[[], ModelClient] = lambda: shared  # noqa: E731
        else:
            client = lambda: no_model_client(settings.model)  # noqa: E731
        briefs = run_briefs(store, settings, client, golds)
        summaries = run_summaries(store, settings, client)
        store.close()
    mode = f"model {settings.model.model}" if args.model else "no model (extractive)"
    seconds = time.perf_counter() - started
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"mode": mode, "seconds": seconds, "briefs": briefs, "summaries": summaries},
                                  indent=2))
    print(table(mode, briefs, summaries))
    print(f"{seconds:.1f}s; figures: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
