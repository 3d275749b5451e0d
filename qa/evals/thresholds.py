"""Thresholds held against a run's score: `name = x` a floor (the run fails under x), `max_name = x` a ceiling
(it fails over x). One rule for the question evals, the briefing evals and the service's eval pages."""

from __future__ import annotations

from pydantic import BaseModel, Field

MAX_PREFIX = "max_"  # a threshold named max_<score> is a ceiling: the run fails when the score is above it


def measure(threshold: str) -> str:
    """The score field a threshold holds."""
    return threshold.removeprefix(MAX_PREFIX) if threshold.startswith(MAX_PREFIX) else threshold


class Check(BaseModel):
    """One threshold held against a run's score."""

    name: str = Field(description="The threshold's name: <measure> for a floor, max_<measure> for a ceiling")
    measure: str = Field(description="The score field it holds")
    score: float | None = Field(description="The run's value; null when the run did not measure it")
    threshold: float
    ceiling: bool
    passed: bool


def checks(score: BaseModel, thresholds: dict[str, float]) -> list[Check]:
    """Each threshold held against the score: the one rule `gate` and the service's eval pages both use."""
    found = []
    for name, limit in thresholds.items():
        field, ceiling = measure(name), name.startswith(MAX_PREFIX)
        value = getattr(score, field)
        # A measure the run did not compute (the extractive answers of a scripted model) passes no threshold.
        passed = value is not None and (value <= limit if ceiling else value >= limit)
        found.append(Check(name=name, measure=field, score=value, threshold=limit, ceiling=ceiling, passed=passed))
    return found


def gate(score: BaseModel, thresholds: dict[str, float]) -> list[str]:
    """The thresholds a score breaks: under a floor (`name`), or above a ceiling (`max_name`)."""
    failures = []
    for c in checks(score, thresholds):
        if c.passed:
            continue
        if c.score is None:
            failures.append(f"{c.measure} was not measured")
        elif c.ceiling:
            failures.append(f"{c.measure} {c.score:.3f} > {c.threshold:.3f} (ceiling)")
        else:
            failures.append(f"{c.name} {c.score:.3f} < {c.threshold:.3f}")
    return failures
