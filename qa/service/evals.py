"""The committed eval reports, read-only: GET /v1/evals lists them, GET /v1/evals/{name} shows one.

Reports are the JSON files `qa eval` writes (one model over one dataset) and `qa eval -m A -m B` writes
(a comparison: every model over every dataset). A shown report is the file as stored, with each threshold
checked against its score by qa.evals.thresholds.checks, the very rule the eval's gate applies.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, SerializerFunctionWrapHandler, ValidationError, model_serializer
from starlette.exceptions import HTTPException

from qa.evals.evaluation import Comparison, EvalReport
from qa.evals.thresholds import checks
from qa.llm.model_value import default_reports
from qa.settings import Settings

log = logging.getLogger(__name__)

# A report's name is its file's stem: nothing that could name a file outside the folder.
NAME = re.compile(r"[A-Za-z0-9._-]+")
MAX_NAME = 200  # below any file system's limit on a name (255 bytes), ".json" included


class EvalEntry(BaseModel):
    name: str
    kind: Literal["report", "comparison"]
    dataset: str | None = None
    model: str | None = None
    prompt: str | None = None
    replayed: bool | None = None
    passed: bool | None = None
    compared: list[str] | None = None
    datasets: list[str] | None = None

    @model_serializer(mode="wrap")
    def _own_fields(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A report shows no comparison's fields and a comparison no report's, rather than nulls.
        return {k: v for k, v in handler(self).items() if v is not None}


class EvalList(BaseModel):
    folder: str | None
    reports: list[EvalEntry]


class UnknownReport(LookupError):
    """No report by that name."""


def reports_folder(settings: Settings) -> Path | None:
    """Where the reports are: the setting the auto answer mode reads too, else the checkout's evals/reports."""
    return settings.answer.reports if settings.answer.reports is not None else default_reports()


def list_reports(folder: Path | None) -> EvalList:
    """Every .json file of the folder that is a report or a comparison, by name; any other file is left out."""
    if folder is None:
        return EvalList(folder=None, reports=[])
    entries = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        parsed = _load(path)
        if parsed is not None:
            entries.append(_entry(path.stem, parsed[0]))
    return EvalList(folder=str(folder), reports=entries)


def show_report(folder: Path | None, name: str) -> dict[str, Any]:
    """The report's JSON as stored, with `checks` beside each report's thresholds (in a comparison: in each run's
    each report). UnknownReport for a name that is none."""
    if folder is None or len(name) > MAX_NAME or not NAME.fullmatch(name):
        raise UnknownReport("no eval report by that name" if len(name) > MAX_NAME else f"no eval report named {name!r}")
    path = folder / f"{name}.json"
    try:
        parsed = _load(path) if path.is_file() else None
    except OSError:  # a name the file system refuses is no report's
        parsed = None
    if parsed is None:
        raise UnknownReport(f"no eval report named {name!r}")
    report, stored = parsed
    shown = json.loads(json.dumps(stored))  # a copy: the cached one is never changed
    if isinstance(report, EvalReport):
        shown["checks"] = _checks(report)
    else:
        for run, shown_run in zip(report.runs, shown["runs"]):
            for one, shown_one in zip(run.reports, shown_run["reports"]):
                shown_one["checks"] = _checks(one)
    return shown


def _checks(report: EvalReport) -> list[dict[str, Any]]:
    return [c.model_dump() for c in checks(report.score, report.thresholds)]


def _entry(name: str, report: EvalReport | Comparison) -> EvalEntry:
    if isinstance(report, Comparison):
        return EvalEntry(name=name, kind="comparison", compared=report.compared, datasets=report.datasets)
    return EvalEntry(name=name, kind="report", dataset=report.dataset, model=report.model, prompt=report.prompt,
                     replayed=report.replayed, passed=all(c.passed for c in checks(report.score, report.thresholds)))


def _load(path: Path) -> tuple[EvalReport | Comparison, dict[str, Any]] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return _parse(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _parse(path: str, mtime_ns: int, size: int) -> tuple[EvalReport | Comparison, dict[str, Any]] | None:
    """The report (validated) and its JSON of one file, or None for a file that is neither kind. Keyed on the
    file's mtime and size, so a report is parsed once (they are about 100 KB) until it is written again."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            return None
        # A comparison has no top-level model or score (qa.evals.evaluation.Comparison): its keys tell the kinds apart.
        kind = Comparison if "compared" in data and "runs" in data else EvalReport
        return kind.model_validate(data), data
    except (OSError, ValueError, ValidationError) as err:
        log.warning("%s: not an eval report: %s", path, err)
        return None


def install(app: FastAPI, settings: Settings) -> None:
    """The two routes; plain functions, so reading a file runs on the thread pool, not the event loop."""

    @app.get("/v1/evals", response_model=EvalList, tags=["evals"])
    def evals() -> EvalList:
        return list_reports(reports_folder(settings))

    @app.get("/v1/evals/{name}", tags=["evals"])
    def eval_report(name: str) -> dict[str, Any]:
        try:
            return show_report(reports_folder(settings), name)
        except UnknownReport as err:  # 404 not_found, as JSON (qa.service.errors)
            raise HTTPException(404, str(err)) from None
