"""`qa eval`: gold datasets through the real pipeline, scored, reported and gated."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from qa.cli.common import (
    JsonOption,
    _dump,
    _error,
    _fail,
    _model_names,
    _progress,
    _say,
    _settings,
    _state_dir,
    _text,
    app,
    err,
)
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.evals.evaluation import Dataset, EvalConfig, EvalReport


@app.command("eval")
def eval_(
    config: Annotated[Path, typer.Option(help="The eval config: datasets, corpus, model, thresholds")] = Path(
        "evals/config.toml"),
    dataset: Annotated[Optional[list[str]], typer.Option(help="Only these datasets (by name)")] = None,  # noqa: UP045
    models: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("-m", "--model", metavar="NAME", show_default=False, autocompletion=_model_names,
                     help="Run a model by name (`qa models`) instead of the config's; give two or more to compare "
                     "them side by side"),
    ] = None,
    record: Annotated[bool, typer.Option("--record", help="Ask the configured model and record its traffic")] = False,
    compare: Annotated[Optional[Path], typer.Option(help="An earlier JSON report: list what regressed")] = None,  # noqa: UP045
    reports: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Where reports go [default: with --record, reports/ beside the config; a replay, "
                     "eval-reports/ in the user data folder]", show_default=False),
    ] = None,
    index_db: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--index-db", metavar="POSTGRESQL_URL", show_default=False,
        help="Build the eval's index in this PostgreSQL database (a schema of its own, dropped afterwards) "
        "[default: a temporary SQLite file]")] = None,
    as_json: JsonOption = False,
) -> None:
    """Run gold datasets through the real pipeline, score every answer, write JSON and Markdown reports,
    and exit 1 when a score falls under its threshold.

    Model traffic replays from cassettes/<model>/eval/ by default (no key, no network); --record asks the
    configured model (the embedded one is started if needed) and records it. A replay writes its reports to
    the user data folder, leaving the committed ones (evals/reports, recorded live) as they are; --record
    rewrites those. With -m A -m B each model runs
    over the same datasets, from its own cassettes, and the comparison is printed and written beside the
    reports (compare-A-vs-B.md); only the config's own model is held to the thresholds. The briefing sets
    ([[briefings]]) ask no model: they run once, with or without -m, and --json lists their reports under
    "briefings".

    Examples: qa eval --dataset dev --compare evals/reports/dev.json; qa eval -m smollm2 -m gemma3-270m
    """
    from qa.evals import evaluation
    from qa.index.storage_errors import StoreError
    from qa.llm import local_model

    several = len(models or []) > 1
    if several and compare:
        _fail("--compare reads one model's report; give one -m, or none")
    comparison = None
    try:
        cfg = evaluation.load_config(config)
        settings = _settings(None)
        settings.model = evaluation.model_settings(cfg, settings.model)
        chosen = [d for d in cfg.dataset if not dataset or d.name in dataset]
        briefing_sets = [b for b in cfg.briefings if not dataset or b.name in dataset]
        if not chosen and not briefing_sets:
            _fail(f"no dataset named {', '.join(dataset or [])} in {config}")
        old = evaluation.load_report(compare) if compare else None
        folder = reports or evaluation.reports_folder(config, record)
        if models:
            progress = _progress(f"eval {' vs '.join(models)}", as_json)
            with progress:
                task = progress.add_task("eval", total=None)
                comparison = evaluation.run_models(
                    cfg, settings, models, chosen, record, index_at=index_db,
                    progress=lambda name, ds, d, t: progress.update(task, completed=d, total=t))
            evaluation.write_comparison(comparison, folder)
            evaluation.write_model_reports(comparison, folder)
            results = [r for run in comparison.runs for r in run.reports]
        else:
            results = _eval_config_model(cfg, settings, chosen, record, folder, as_json, index_db)
        # Briefings ask no model: the same sets, scored and gated, whichever model (-m) answers the questions.
        briefed = _eval_briefings(briefing_sets, settings, folder, index_db)
    except (evaluation.EvalError, local_model.LocalModelError, StoreError) as e:
        _fail(str(e))
    # On stderr: stdout is the comparison or the JSON a script reads.
    err.print(_text(f"qa: reports written to {folder}"))
    if as_json:
        out = comparison.model_dump() if several and comparison is not None else {
            "reports": [r.model_dump() for r in results]}
        _dump({**out, "briefings": [b.model_dump() for b in briefed]})
    elif several and comparison is not None:
        _say(evaluation.comparison_markdown(comparison).rstrip("\n"))
    for r in results:
        if not as_json and not several:
            s = r.score
            extractive = "" if s.extractive_all_facts is None else f" (extractive {s.extractive_all_facts:.3f})"
            _say(f"{r.dataset}: all facts {s.answerable_all_facts:.3f}{extractive}, short {s.short_answers:.3f}, "
                 f"wrong {s.answered_wrong:.3f}, partial {s.partial:.3f}, declined {s.unanswerable_declined:.3f}, "
                 f"citations {s.citation_accuracy:.3f}, grounded {s.grounding_rate:.3f}, "
                 f"model answers {s.model_answers} (gain {s.model_gain:+d}), "
                 f"{s.prompt_tokens} prompt tokens, p95 {s.latency_p95_s:.2f}s")
        if old is not None and old.dataset == r.dataset:
            regressed, improved = evaluation.compare(old, r)
            _say(f"  regressed: {', '.join(regressed) or 'none'}; improved: {', '.join(improved) or 'none'}")
        for failure in r.failures:
            _error(f"{r.dataset}: {failure}")
    for b in briefed:
        if not as_json:
            s = b.score
            _say(f"{b.dataset}: briefings {len(b.briefings)}, facts {s.facts_present:.3f}, wanted in "
                 f"{s.wanted_in:.3f}, unwanted out {s.unwanted_out:.3f}, boilerplate {s.boilerplate}, repeated "
                 f"{s.repeated}, misplaced bullets {s.misplaced_bullets}, mixed scopes {s.mixed_scopes}")
        for failure in b.failures:
            _error(f"{b.dataset}: {failure}")
    raise typer.Exit(1 if any(r.failures for r in results) or any(b.failures for b in briefed) else 0)


def _eval_briefings(sets: list, settings: Settings, folder: Path, index_db: str | None = None) -> list:
    """The [[briefings]] sets of the config: `qa brief` on each gold briefing (no model), scored and written."""
    from qa.evals import briefings

    reports = []
    for bs in sets:
        report = briefings.run(bs, settings, index_at=index_db)
        briefings.write(report, folder)
        reports.append(report)
    return reports


def _eval_config_model(cfg: EvalConfig, settings: Settings, chosen: list[Dataset], record: bool, folder: Path,
                       as_json: bool, index_db: str | None = None) -> list[EvalReport]:
    """The eval config's own model over the datasets, each report written as it is done."""
    from qa.evals import evaluation
    from qa.llm import local_model

    if settings.model.base_url:
        base_url = settings.model.base_url
    elif record:
        base_url = local_model.ensure_server(settings.model, _state_dir())
    else:
        base_url = f"http://127.0.0.1:{settings.model.local_port}/v1"  # never reached: replayed
    results = []
    for ds in chosen:
        progress = _progress(f"eval {ds.name}", as_json)
        with progress:
            task = progress.add_task(ds.name, total=None)
            report = evaluation.run(ds, settings, record=record, base_url=base_url,
                                    price_per_million=cfg.price_per_million, index_at=index_db,
                                    progress=lambda d, t, bar=progress, task=task: bar.update(task, completed=d,
                                                                                              total=t))
        evaluation.write_reports(report, folder)
        results.append(report)
    return results
