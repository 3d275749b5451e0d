"""The eval harness: a gold dataset through the real pipeline, scored, reported, gated; model traffic
recorded into cassettes once and replayed after, so a run needs no key and no network."""

from __future__ import annotations

import contextlib
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, ValidationError

from qa.answer import Answerer
from qa.evals import scoring, squad
from qa.evals.briefings import BriefDataset, BriefRunScore
from qa.evals.retrieval import GoldQuestion
from qa.evals.thresholds import MAX_PREFIX, gate, measure
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import ModelClient, no_model_client
from qa.settings import ModelSettings, Settings

if TYPE_CHECKING:
    import vcr

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "openai-organization", "cookie", "set-cookie"]
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


class EvalError(RuntimeError):
    """A dataset, config or cassette problem; the message names the file, line or question."""


class Dataset(BaseModel):
    name: str
    questions: Path
    corpus: list[Path]
    split: Literal["train", "validation"] | None = Field(
        None, description="train: the rules and thresholds may be fitted on it; validation: fixed before fitting, "
        "only reported")
    model: bool = Field(True, description="false: extractive answers only, no model and no cassette")
    format: Literal["gold", "squad"] = Field(
        "gold", description="gold: JSONL gold questions over `corpus`; squad: a SQuAD 1.1/2.0 JSON file whose "
        "paragraphs are the corpus, scored by exact match and F1")
    thresholds: dict[str, float] = Field(
        default_factory=dict, description="<score>: a floor (fails under it); max_<score>: a ceiling (fails above it)")


class EvalConfig(BaseModel):
    model: dict[str, object] = Field(default_factory=dict)
    price_per_million: tuple[float, float] | None = Field(
        None, description="USD per million prompt and completion tokens, when the model has a price"
    )
    dataset: list[Dataset]
    briefings: list[BriefDataset] = Field(
        default_factory=list, description="Gold briefings `qa brief` is scored on ([[briefings]] tables)")


class EvalReport(BaseModel):
    dataset: str
    model: str
    prompt: str
    replayed: bool
    score: scoring.RunScore
    thresholds: dict[str, float]
    failures: list[str] = Field(description="Scores under their threshold")
    questions: list[scoring.QuestionScore]


def load_config(path: Path) -> EvalConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        config = EvalConfig.model_validate(raw)
    except OSError as err:
        raise EvalError(f"{path}: cannot read the eval config: {err.strerror or err}") from err
    except tomllib.TOMLDecodeError as err:
        raise EvalError(f"{path}: not valid TOML: {err}") from err
    except ValidationError as err:
        raise EvalError(f"{path}: {err.errors()[0]['loc']}: {err.errors()[0]['msg']}") from err
    for bs in config.briefings:
        bs.briefs = (path.parent / bs.briefs).resolve()
        bs.corpus = [(path.parent / c).resolve() for c in bs.corpus]
        for name in bs.thresholds:
            if measure(name) not in BriefRunScore.model_fields:
                raise EvalError(f"{path}: briefings {bs.name!r}: no score named {measure(name)!r} for threshold "
                                f"{name!r}; known: {', '.join(BriefRunScore.model_fields)}")
    for ds in config.dataset:  # paths in the config are relative to it
        ds.questions = (path.parent / ds.questions).resolve()
        ds.corpus = [(path.parent / c).resolve() for c in ds.corpus]
        for name in ds.thresholds:
            if measure(name) not in _GATED:
                raise EvalError(f"{path}: dataset {ds.name!r}: no score named {measure(name)!r} for threshold "
                                f"{name!r}; known: {', '.join(sorted(_GATED))}")
    return config


# Scores a threshold can name: the numeric fields of a run's score.
_GATED = frozenset(name for name, info in scoring.RunScore.model_fields.items()
                   if info.annotation in (int, float, float | None, "int", "float", "float | None"))


def load_dataset(path: Path) -> list[GoldQuestion]:
    """Questions of a JSONL dataset; a malformed line is an error naming its number."""
    questions: list[GoldQuestion] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise EvalError(f"{path}: cannot read the dataset: {err.strerror or err}") from err
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            questions.append(GoldQuestion.model_validate_json(line))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise EvalError(f"{path}:{n}: {where}: {first['msg']}") from err
    if not questions:
        raise EvalError(f"{path}: no questions")
    return questions


def make_recorder(record_mode: str, folder: Path | None = None) -> vcr.VCR:
    """Cassettes matched on method, path and body, with secret headers scrubbed before anything is written."""
    import vcr

    return vcr.VCR(cassette_library_dir=str(folder) if folder else None, record_mode=record_mode,
                   match_on=["method", "path", "body"], filter_headers=SECRET_HEADERS,
                   decode_compressed_response=True)


def cassette_path(model: str, dataset: str) -> Path:
    """One cassette set per model, so several models' recordings sit side by side."""
    return CASSETTES / _safe(model) / "eval" / f"{dataset}.yaml"


def _safe(name: str) -> str:
    """A model id or name as one file name."""
    return re.sub(r"[^\w.-]+", "_", name)


def run(dataset: Dataset, settings: Settings, *, record: bool, base_url: str,
        progress: Callable[[int, int], None] | None = None,
        price_per_million: tuple[float, float] | None = None,
        client: Callable[[], ModelClient] | None = None, index_at: str | None = None) -> EvalReport:
    """Ingest the dataset's corpus into a fresh index, ask every question, score, gate. `index_at`: a
    PostgreSQL database to hold that index (in a schema of its own); unset, a temporary SQLite file.

    `client` replaces the model and its cassette (qa.testing.fake_models: a scripted model, for tests).

    The answer scored is the model's (answer mode "model": the model is asked on every question that
    reaches it, replayed from the cassette); beside it, the same question answered in extractive mode
    with no model at all, so the report shows what the model adds. The extractive answers are taken
    outside the cassette: they must never be recorded, nor replay a model reply.
    """
    from vcr.errors import CannotOverwriteExistingCassetteException

    cassette = cassette_path(settings.model.model, dataset.name)
    if not dataset.model:  # extractive only: nothing is asked of a model, so nothing is recorded or replayed
        client, record = (lambda: no_model_client(settings.model)), False
    if client is None and not record and not cassette.exists():
        raise EvalError(f"no cassette for dataset {dataset.name!r} and model {settings.model.model!r} at {cassette}; "
                        f"record it: qa eval --record --dataset {dataset.name}")
    if record and client is None:
        cassette.unlink(missing_ok=True)
    recorder = make_recorder("all" if record else "none")
    with tempfile.TemporaryDirectory() as tmp, _scratch_index(Path(tmp), index_at) as where:
        if dataset.format == "squad":
            try:
                questions = squad.load(dataset.questions, Path(tmp) / "paragraphs")
            except squad.SquadError as err:
                raise EvalError(str(err)) from err
            corpus = [Path(tmp) / "paragraphs"]
        else:
            questions, corpus = load_dataset(dataset.questions), dataset.corpus
        store = Store(where)
        report = ingest_paths(store, corpus, settings.index)
        if report.errors:
            raise EvalError(f"corpus of {dataset.name!r}: {report.errors[0].origin}: {report.errors[0].reason}")
        ids = {Path(r.origin).name: r.id for r in store.releases()}
        plain = Answerer(store, settings.with_mode("extractive"), lambda: no_model_client(settings.model))
        extractive = {q.id: plain.ask(q.question) for q in questions}
        settings = settings.with_mode("model" if dataset.model else "extractive")
        searcher = Searcher(store, settings.search)
        scores = []
        with contextlib.nullcontext() if client else recorder.use_cassette(str(cassette)):
            for done, q in enumerate(questions, 1):
                started = time.perf_counter()
                # An answerer, and so a model client, per question, as each `qa ask` has: the model's deadline
                # runs per client, and one shared by every question ran out after the first minute of a recording.
                answerer = Answerer(store, settings, client or (lambda: ModelClient(settings.model, base_url)),
                                    searcher)
                try:
                    answer = answerer.ask(q.question)
                except CannotOverwriteExistingCassetteException as err:
                    raise EvalError(
                        f"question {q.id} ({q.question!r}): its model request is not on the cassette {cassette} "
                        f"(a prompt, setting or retrieval change); record again: qa eval --record "
                        f"--dataset {dataset.name}") from err
                gold = q.release if isinstance(q.release, list) else [q.release] if q.release else []
                scores.append(scoring.score_question(q, answer, {ids[g] for g in gold if g in ids},
                                                     time.perf_counter() - started,
                                                     short_words=settings.answer.short_words,
                                                     extractive=extractive[q.id]))
                if progress:
                    progress(done, len(questions))
        store.close()
    score = scoring.summarize(scores, price_per_million)
    failures = gate(score, dataset.thresholds)
    if failures:  # name the questions behind the drop, so a failure says where to look
        wrong = [f"{q.id} (missing {', '.join(q.missing)})" if q.missing else f"{q.id} ({q.mode})"
                 for q in scores if not q.all_facts]
        failures.append("questions not right: " + _first(wrong))
        if any(q.answered_wrong for q in scores):
            failures.append("printed as full answers with a fact missing: "
                            + _first([q.id for q in scores if q.answered_wrong]))
    return EvalReport(dataset=dataset.name, model=settings.model.model, prompt=answerer.prompt.tag, replayed=not record,
                      score=score, thresholds=dataset.thresholds, failures=failures, questions=scores)


# Questions a failure names at most: the report lists every one; a terminal needs where to start.
NAMED = 20


def _first(ids: list[str]) -> str:
    shown = ", ".join(ids[:NAMED])
    return shown if len(ids) <= NAMED else f"{shown} and {len(ids) - NAMED} more (the report lists them)"


@contextlib.contextmanager
def _scratch_index(folder: Path, index_at: str | None, name: str = "eval.db") -> Iterator[Path | str]:
    """Where the eval's own index goes: a file `name` in `folder`, or a schema of its own in the PostgreSQL
    database `index_at` (dropped afterwards), so the same eval can be scored on either store."""
    if not index_at:
        yield folder / name
        return
    from qa.index.pg_store import scratch

    with scratch(index_at) as dsn:
        yield dsn


def model_settings(config: EvalConfig, base: ModelSettings) -> ModelSettings:
    """The run's model settings: the config's over the environment's, validated."""
    try:
        return ModelSettings.model_validate({**base.model_dump(), **config.model})
    except ValidationError as err:
        raise EvalError(f"[model] in the eval config: {err.errors()[0]['loc']}: {err.errors()[0]['msg']}") from err


def reports_folder(config: Path, record: bool) -> Path:
    """Where `qa eval` writes its reports when not told. A recorded run's are the committed ones beside the config
    (evals/reports, which auto mode reads through qa.llm.model_value); a replay's go to the user data folder, as
    the index does: its latencies are the replay's, and rewriting the committed reports left the tree dirty."""
    if record:
        return config.parent / "reports"
    from platformdirs import user_data_path

    return user_data_path("qa", appauthor=False) / "eval-reports"


def write_reports(report: EvalReport, folder: Path, stem: str | None = None) -> tuple[Path, Path]:
    """<stem>.json and .md, the stem being the dataset's name unless given."""
    folder.mkdir(parents=True, exist_ok=True)
    as_json = folder / f"{stem or report.dataset}.json"
    as_md = folder / f"{stem or report.dataset}.md"
    as_json.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    as_md.write_text(markdown(report), encoding="utf-8")
    return as_json, as_md


def _limit(thresholds: dict[str, float], name: str) -> str:
    if name in thresholds:
        return f"{thresholds[name]:.3f}"
    return f"at most {thresholds[MAX_PREFIX + name]:.3f}" if MAX_PREFIX + name in thresholds else ""


# Said of a run held to no threshold, rather than leave the threshold column blank without a word.
NO_THRESHOLDS = ("No thresholds apply to this run: only the eval config's own model is held to them; a model compared "
                 "with it (qa eval -m A -m B) is not.")


def markdown(report: EvalReport) -> str:
    s = report.score
    lines = [
        f"# Eval: {report.dataset}",
        "",
        f"Model `{report.model}`, prompt `{report.prompt}`, "
        f"{'replayed from cassettes' if report.replayed else 'recorded live'}.",
        "",
        *([] if report.thresholds else [NO_THRESHOLDS, ""]),
        "| measure | score | threshold |",
        "|---|---|---|",
    ]
    for name in ("answerable_all_facts", "fact_share", "unanswerable_declined", "citation_accuracy", "grounding_rate",
                 "short_answers", "answered_wrong", "partial"):
        lines.append(f"| {name} | {getattr(s, name):.3f} | {_limit(report.thresholds, name)} |")
    cost = "unknown (no price in the config)" if s.cost_usd is None else f"${s.cost_usd:.4f}"
    extractive = "not computed" if s.extractive_all_facts is None else f"{s.extractive_all_facts:.3f}"
    lines += [f"| hallucinations | {s.hallucinations} | |", f"| cost | {cost} | |",
              f"| prompt / completion tokens | {s.prompt_tokens} / {s.completion_tokens} | |",
              f"| latency p50 / p95 (s) | {s.latency_p50_s:.2f} / {s.latency_p95_s:.2f} | |", "",
              "What the model adds over the extractive answer (the same questions, no model):", "",
              "| | with the model | extractive |", "|---|---|---|",
              f"| answerable, all facts | {s.answerable_all_facts:.3f} | {extractive} |",
              f"| printed answers that are the model's | {s.model_answers} | 0 |",
              f"| model_gain (right with - right without) | {s.model_gain:+d} "
              f"({s.model_improved} improved, {s.model_worsened} worsened) | |", ""]
    if s.exact is not None and s.f1 is not None:
        lines += [f"Reading comprehension (SQuAD scoring of the printed answer): exact match {s.exact:.3f}, "
                  f"F1 {s.f1:.3f}.", ""]
    lines += ["| kind | questions | all facts | fact share | wrong as full | declined |", "|---|---|---|---|---|---|"]
    lines += [f"| {k.kind} | {k.questions} | {k.all_facts:.3f} | {k.fact_share:.3f} | {k.wrong} | {k.declined} |"
              for k in s.by_kind]
    if s.calibration:
        lines += ["", f"In the answer or its cited evidence: {s.in_evidence:.3f} of the answerable questions.", "",
                  "| printed as | answers | right | precision |", "|---|---|---|---|"]
        lines += [f"| {c.support} | {c.answers} | {c.right} | "
                  f"{'–' if c.precision is None else f'{c.precision:.3f}'} |" for c in s.calibration]
    lines += ["", "| id | kind | ok | mode | support | answer | missing | citations | extractive ok "
              "| extractive answer |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for q in report.questions:
        cites = {True: "in gold", False: "outside gold", None: ""}[q.citations_in_gold]
        plain = {True: "yes", False: "no", None: ""}[q.extractive_right]
        lines.append(f"| {q.id} | {q.kind} | {'yes' if q.all_facts else 'no'} | {q.mode} | {q.support} | "
                     f"{_cell(q.answer)} | {', '.join(q.missing)} | {cites} | {plain} | "
                     f"{_cell(q.extractive_answer or '')} |")
    if report.failures:
        lines += ["", "**Outside a threshold:** " + "; ".join(report.failures)]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= 160 else text[:157] + "..."


def compare(old: EvalReport, new: EvalReport) -> tuple[list[str], list[str]]:
    """Ids of the questions that regressed and that improved (all facts found, or declined)."""
    before = {q.id: q.all_facts for q in old.questions}
    regressed = [q.id for q in new.questions if before.get(q.id) is True and not q.all_facts]
    improved = [q.id for q in new.questions if before.get(q.id) is False and q.all_facts]
    return regressed, improved


def load_report(path: Path) -> EvalReport:
    try:
        return EvalReport.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as err:
        raise EvalError(f"{path}: not an eval report: {err}") from err


# --- Several models side by side (qa eval -m A -m B) ------------------------------------------------------------------

class ModelRun(BaseModel):
    name: str = Field(description="The name given with -m")
    model: str = Field(description="The model id, which names its cassettes")
    gated: bool = Field(description="The eval config's own model, whose recorded scores are the thresholds")
    reports: list[EvalReport]


class Comparison(BaseModel):
    """Models' runs over the same datasets. No top-level `model` or `score`: qa.llm.model_value, which reads every
    report in the folder to judge one model, must never take a comparison for a model's own report."""

    compared: list[str]
    datasets: list[str]
    runs: list[ModelRun]


def run_models(config: EvalConfig, settings: Settings, names: list[str], datasets: list[Dataset], record: bool,
               *, progress: Callable[[str, str, int, int], None] | None = None,
               index_at: str | None = None) -> Comparison:
    """Each named model (qa.llm.model_config) over the datasets, replayed from its own cassettes, or recorded from
    it with `record` (a local model's server is started if needed). Only the config's own model is gated:
    the thresholds are its recorded scores. `progress` gets (name, dataset, done, total); `index_at`: a
    PostgreSQL database for each run's index, as run() takes it."""
    from qa.llm.endpoint import base_url
    from qa.llm.model_config import ModelConfigError, price_per_million, settings_for

    if len(set(names)) != len(names):
        raise EvalError(f"a model is named twice: {', '.join(names)}")
    runs = []
    for name in names:
        try:
            named = settings_for(settings, name)
        except ModelConfigError as err:
            raise EvalError(str(err)) from err
        own = named.model.model == config.model.get("model", settings.model.model)
        price = price_per_million(name) or (config.price_per_million if own else None)
        # A replay never reaches the model: the address only has to be well formed.
        url = base_url(named.model) if record else named.model.base_url or "http://127.0.0.1:1/v1"
        reports = [run(ds if own else ds.model_copy(update={"thresholds": {}}), named, record=record, base_url=url,
                       price_per_million=price, index_at=index_at,
                       progress=(lambda d, t, n=name, ds=ds.name: progress(n, ds, d, t)) if progress else None)
                   for ds in datasets]
        runs.append(ModelRun(name=name, model=named.model.model, gated=own, reports=reports))
    return Comparison(compared=names, datasets=[d.name for d in datasets], runs=runs)


def write_comparison(comparison: Comparison, folder: Path) -> tuple[Path, Path]:
    """compare-<names>.json and .md."""
    stem = "compare-" + "-vs-".join(_safe(n) for n in comparison.compared)
    folder.mkdir(parents=True, exist_ok=True)
    as_json, as_md = folder / f"{stem}.json", folder / f"{stem}.md"
    as_json.write_text(comparison.model_dump_json(indent=2) + "\n", encoding="utf-8")
    as_md.write_text(comparison_markdown(comparison), encoding="utf-8")
    return as_json, as_md


def write_model_reports(comparison: Comparison, folder: Path) -> list[Path]:
    """Each compared model's own reports: the gated model's as `qa eval` writes them (<dataset>.json and .md),
    another's as <dataset>-<model>.json and .md, which auto mode reads for that model."""
    written: list[Path] = []
    for r in comparison.runs:
        for report in r.reports:
            written += write_reports(report, folder, None if r.gated else f"{report.dataset}-{_safe(r.model)}")
    return written


_COMPARED = [  # (row label, how a score shows it)
    ("answerable, all facts", lambda s: f"{s.answerable_all_facts:.3f}"),
    ("the same, extractive (no model)",
     lambda s: "not computed" if s.extractive_all_facts is None else f"{s.extractive_all_facts:.3f}"),
    ("fact share", lambda s: f"{s.fact_share:.3f}"),
    ("short answers", lambda s: f"{s.short_answers:.3f}"),
    ("answered wrong", lambda s: f"{s.answered_wrong:.3f}"),
    ("partial", lambda s: f"{s.partial:.3f}"),
    ("unanswerable declined", lambda s: f"{s.unanswerable_declined:.3f}"),
    ("citation accuracy", lambda s: f"{s.citation_accuracy:.3f}"),
    ("grounding rate", lambda s: f"{s.grounding_rate:.3f}"),
    ("hallucinations", lambda s: str(s.hallucinations)),
    ("answers that are the model's", lambda s: str(s.model_answers)),
    ("model_gain (improved, worsened)", lambda s: f"{s.model_gain:+d} ({s.model_improved}, {s.model_worsened})"),
    ("prompt / completion tokens", lambda s: f"{s.prompt_tokens} / {s.completion_tokens}"),
    ("latency p50 / p95 (s)", lambda s: f"{s.latency_p50_s:.2f} / {s.latency_p95_s:.2f}"),
    ("cost", lambda s: "unknown (no price)" if s.cost_usd is None else f"${s.cost_usd:.4f}"),
]


def comparison_markdown(comparison: Comparison) -> str:
    """One table per dataset with a column per model, then the questions on which the models differ."""
    runs = comparison.runs
    replayed = [run.name for run in runs if any(r.replayed for r in run.reports)]
    if not replayed:
        note = "Recorded live from each model."
    elif len(replayed) == len(runs):
        note = ("Each model replayed from its own cassettes (cassettes/<model>/eval/): latency is the replay's, not "
                "the model's.")
    else:
        note = f"Replayed from cassettes, with the replay's latency: {', '.join(replayed)}; the others recorded live."
    lines = [f"# Eval: {' vs '.join(comparison.compared)}", "", note, ""]
    header = "| | " + " | ".join(f"{r.name} (`{r.model}`)" for r in runs) + " |"
    rule = "|---|" + "---|" * len(runs)
    for i, name in enumerate(comparison.datasets):
        reports = [r.reports[i] for r in runs]
        lines += [f"## {name}", "", header, rule]
        lines += [f"| {label} | " + " | ".join(show(r.score) for r in reports) + " |" for label, show in _COMPARED]
        gates = [gate(r.score, r.thresholds) for r in reports]
        lines.append("| thresholds | " + " | ".join(
            ("outside: " + "; ".join(g)) if g else ("all met" if r.thresholds else "not gated")
            for r, g in zip(reports, gates)) + " |")
        by_id = [{q.id: q for q in r.questions} for r in reports]
        differ = [q.id for q in reports[0].questions
                  if len({(ids[q.id].all_facts, ids[q.id].answer) for ids in by_id if q.id in ids}) > 1]
        lines += ["", f"Questions answered differently: {len(differ)} of {len(reports[0].questions)}.", ""]
        if differ:
            lines += ["| id | " + " | ".join(r.name for r in runs) + " |", rule]
            for qid in differ:
                cells = [(f"{'yes' if ids[qid].all_facts else 'no'} ({ids[qid].mode}): {_cell(ids[qid].answer)}"
                          if qid in ids else "") for ids in by_id]
                lines.append(f"| {qid} | " + " | ".join(cells) + " |")
            lines.append("")
    return "\n".join(lines) + "\n"
