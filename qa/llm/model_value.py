"""Whether a model's answers are worth asking for, read off its recorded eval reports.

Auto answer mode asks the model only when that has paid off: a model whose every
recorded eval shows no question it got right that the extractive answer got wrong
costs seconds per question for nothing (SmolLM2-135M on the dev set). Reports
are read as they are written by `qa eval`; only each report's "model" name and
its score's model_gain and model_improved are used, and files are parsed once per
change (they are about 100 KB, and a service asks this on every question).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import qa


def default_reports() -> Path | None:
    """evals/reports of the checkout beside the package, when there is one (not in an installed wheel)."""
    folder = Path(qa.__file__).resolve().parent.parent / "evals" / "reports"
    return folder if folder.is_dir() else None


def model_adds_value(model: str, reports: Path | None = None) -> bool | None:
    """True when some report recorded for `model` shows a gain (or a question the model improved); False when
    every such report shows model_gain <= 0 and no improved question; None when no report names the model
    with those measures (an unknown model: auto mode then asks it)."""
    folder = reports if reports is not None else default_reports()
    if folder is None or not folder.is_dir():
        return None
    verdicts = []
    for path in sorted(folder.glob("*.json")):
        try:
            stat = path.stat()
        except OSError:
            continue
        found = _read(str(path), stat.st_mtime_ns, stat.st_size)
        if found is not None and found[0] == model:
            verdicts.append(found[1])
    if not verdicts:
        return None
    return any(verdicts)


@lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int, size: int) -> tuple[str, bool] | None:
    """(model, whether it added value) of one report; None for a file that is no report with the measures.
    Keyed on the file's mtime and size, so a rewritten report is read again."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    score = data.get("score") if isinstance(data, dict) else None
    model = data.get("model") if isinstance(data, dict) else None
    if not isinstance(model, str) or not isinstance(score, dict):
        return None
    gain, improved = score.get("model_gain"), score.get("model_improved", 0)
    if not isinstance(gain, (int, float)) or isinstance(gain, bool) or not isinstance(improved, (int, float)):
        return None  # recorded before the measure existed: says nothing about the model
    return model, gain > 0 or improved > 0


def wanted(mode: str, model: str, reports: Path | None = None) -> bool:
    """Whether to ask the model at all: `extractive` never, `model` always, `auto` unless the model's recorded
    eval shows it adds nothing (then no answer, summary or briefing waits for it, and none needs it installed)."""
    if mode != "auto":
        return mode == "model"
    return model_adds_value(model, reports) is not False
