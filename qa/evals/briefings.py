"""The briefing kind of `qa eval`: gold briefings (the briefs-dev.jsonl format) through `qa brief`, scored.

Each gold briefing is run as `qa brief` runs it, with no model (every part scored is read off the releases;
the overview is the releases' anchored leads), printed as the Markdown memo, and scored: gold facts found
anywhere in it (matched as answers' facts are), must_include releases in, must_exclude releases out, noise
strings (bylines, datelines) printed, sentences printed twice, bullets under a section that does not hold their
release, and
"Figures that changed" pairs whose two figures name different scopes.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from qa.brief.briefing import Briefer, like
from qa.brief.figures import Figure
from qa.brief.memo import markdown
from qa.evals.scoring import fact_found
from qa.evals.thresholds import MAX_PREFIX, gate
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.schemas import Briefing, FigureChange
from qa.settings import Settings
from qa.text import sentences


class BriefGold(BaseModel):
    id: str
    query: str | None = None
    since: str | None = None
    until: str | None = None
    must_include: list[str] = []
    must_exclude: list[str] = []
    facts: list[str] = []
    noise: list[str] = []


class BriefDataset(BaseModel):
    name: str
    briefs: Path
    corpus: list[Path]
    thresholds: dict[str, float] = Field(default_factory=dict)


class BriefScore(BaseModel):
    id: str
    query: str | None
    releases: list[str]
    facts: int
    facts_missing: list[str]
    must_include: int
    wanted_missing: list[str]
    must_exclude: int
    unwanted_kept: list[str]
    noise: list[str]
    repeated: list[str]
    misplaced: list[str] = Field(description="Bullets printed under a section of another release")
    mixed: list[str] = Field(description="Figure changes whose two figures name different scopes")


class BriefRunScore(BaseModel):
    facts_present: float | None
    wanted_in: float | None
    unwanted_out: float | None
    boilerplate: int
    repeated: int
    misplaced_bullets: int
    mixed_scopes: int


class BriefReport(BaseModel):
    dataset: str
    kind: str = "briefings"
    score: BriefRunScore
    thresholds: dict[str, float]
    failures: list[str]
    briefings: list[BriefScore]


def load(path: Path) -> list[BriefGold]:
    from qa.evals.evaluation import EvalError

    golds = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                golds.append(BriefGold.model_validate_json(line))
            except ValidationError as err:
                raise EvalError(f"{path}:{n}: {err.errors()[0]['msg']}") from err
    return golds


def printed_sentences(b: Briefing) -> list[str]:
    found = [b.overview[s:e] for s, e in sentences.spans(b.overview)]
    found += [bullet.text for section in b.sections for bullet in section.bullets]
    found += [ev.event for ev in b.timeline]
    return [" ".join(s.split()) for s in found if s.strip()]


def misplaced(b: Briefing) -> list[str]:
    """Bullets whose cited release is not a release of the section they are printed under (its heading's, or
    one of the releases on the same event it groups)."""
    return [bullet.text for section in b.sections for bullet in section.bullets
            if section.release_id and bullet.citation.release_id not in (section.release_ids or [section.release_id])]


def mixed_scopes(b: Briefing) -> list[str]:
    """Figure changes that set figures of different measures or scopes against each other."""
    return [f"{ch.before.value} ({ch.before.scope or 'no scope'}) -> {ch.after.value} ({ch.after.scope or 'no scope'})"
            for ch in b.changes if not _alike(ch)]


def _alike(ch: FigureChange) -> bool:
    before = Figure(ch.before.value, ch.before.kind, ch.before.measure, ch.before.scope, ch.before.quote, 0, 0)
    after = Figure(ch.after.value, ch.after.kind, ch.after.measure, ch.after.scope, ch.after.quote, 0, 0)
    return like(before, after)


def score(gold: BriefGold, b: Briefing, text: str, ids: dict[str, str]) -> BriefScore:
    chosen = set(b.releases)
    names = {rid: f for f, rid in ids.items()}
    folded = " ".join(text.split()).lower()
    return BriefScore(
        id=gold.id, query=gold.query, releases=[names.get(r, r) for r in b.releases], facts=len(gold.facts),
        facts_missing=[f for f in gold.facts if not fact_found(f, text)],
        must_include=len(gold.must_include), wanted_missing=[f for f in gold.must_include if ids.get(f) not in chosen],
        must_exclude=len(gold.must_exclude), unwanted_kept=[f for f in gold.must_exclude if ids.get(f) in chosen],
        noise=[n for n in gold.noise if n.strip() and " ".join(n.split()).lower() in folded],
        repeated=[s for s, n in Counter(printed_sentences(b)).items() if n > 1],
        misplaced=misplaced(b), mixed=mixed_scopes(b))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarize(rows: list[BriefScore]) -> BriefRunScore:
    facts = sum(r.facts for r in rows)
    include = sum(r.must_include for r in rows)
    exclude = sum(r.must_exclude for r in rows)
    return BriefRunScore(
        facts_present=_share(facts - sum(len(r.facts_missing) for r in rows), facts),
        wanted_in=_share(include - sum(len(r.wanted_missing) for r in rows), include),
        unwanted_out=_share(exclude - sum(len(r.unwanted_kept) for r in rows), exclude),
        boilerplate=sum(len(r.noise) for r in rows), repeated=sum(len(r.repeated) for r in rows),
        misplaced_bullets=sum(len(r.misplaced) for r in rows), mixed_scopes=sum(len(r.mixed) for r in rows))


def score_all(briefer: Briefer, golds: list[BriefGold], ids: dict[str, str]) -> list[BriefScore]:
    """Every gold briefing briefed as `qa brief` briefs it (its query and dates) and scored; `ids`: release file
    names to ids."""
    rows = []
    for gold in golds:
        b = briefer.brief(query=gold.query, since=gold.since, until=gold.until)
        rows.append(score(gold, b, markdown(b), ids))
    return rows


def run(dataset: BriefDataset, settings: Settings, index_at: str | None = None) -> BriefReport:
    """The dataset's corpus into a fresh index, every gold briefing briefed (no model) and scored. `index_at`: a
    PostgreSQL database to hold that index (in a schema of its own); unset, a temporary SQLite file."""
    from qa.evals.evaluation import EvalError, _scratch_index

    golds = load(dataset.briefs)
    with tempfile.TemporaryDirectory() as tmp, _scratch_index(Path(tmp), index_at, "briefs.db") as where:
        settings = settings.model_copy(update={"db": where}).with_mode("extractive")
        store = Store(settings.db)
        report = ingest_paths(store, dataset.corpus, settings.index)
        if report.errors:
            raise EvalError(f"corpus of {dataset.name!r}: {report.errors[0].origin}: {report.errors[0].reason}")
        ids = {Path(r.origin).name: r.id for r in store.releases()}
        rows = score_all(Briefer(store, settings, lambda: no_model_client(settings.model)), golds, ids)
        store.close()
    s = summarize(rows)
    return BriefReport(dataset=dataset.name, score=s, thresholds=dataset.thresholds,
                       failures=gate(s, dataset.thresholds), briefings=rows)


def report_markdown(r: BriefReport) -> str:
    s = r.score
    lines = [f"# Eval: {r.dataset} (briefings, no model)", "", "| measure | score | threshold |", "|---|---|---|"]
    for name in BriefRunScore.model_fields:
        value = getattr(s, name)
        limit = r.thresholds.get(name, r.thresholds.get(MAX_PREFIX + name))
        lines.append(f"| {name} | {'-' if value is None else round(value, 3)} | {'' if limit is None else limit} |")
    lines += ["", "| id | query | facts missing | wanted missing | unwanted kept | noise | repeated | misplaced | "
              "mixed |", "|---|---|---|---|---|---|---|---|---|"]
    for b in r.briefings:
        lines.append(f"| {b.id} | {b.query or ''} | {', '.join(b.facts_missing)} | {', '.join(b.wanted_missing)} | "
                     f"{', '.join(b.unwanted_kept)} | {len(b.noise)} | {len(b.repeated)} | {len(b.misplaced)} | "
                     f"{len(b.mixed)} |")
    if r.failures:
        lines += ["", "**Outside a threshold:** " + "; ".join(r.failures)]
    return "\n".join(lines) + "\n"


def write(r: BriefReport, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    as_json, as_md = folder / f"{r.dataset}.json", folder / f"{r.dataset}.md"
    as_json.write_text(r.model_dump_json(indent=2) + "\n", encoding="utf-8")
    as_md.write_text(report_markdown(r), encoding="utf-8")
    return as_json, as_md
