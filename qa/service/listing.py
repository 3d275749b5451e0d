"""GET /v1/releases with filters: the releases matching a full-text query (best first), a date range and a
source, with the search's own semantics, so a release listed is one a search so filtered could cite."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

from fastapi.exceptions import RequestValidationError

from qa.index.search import Searcher
from qa.index.store import Store
from qa.models import Release
from qa.service.schemas import MAX_QUESTION, check_order, day

# Hits asked of the search for q: releases are listed by their best chunk, and a release's chunks share the
# hits, so k is generous; a query matching more releases than this lists its best ones.
QUERY_HITS = 200
MAX_SOURCE = 200
T = TypeVar("T")
# SQLite's LIKE, which the search's source filter uses, folds ASCII letters only: the listing without q does too.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def list_releases(store: Store, searcher: Searcher, q: str | None = None, since: str | None = None,
                  until: str | None = None, source: str | None = None) -> list[Release]:
    """The releases, filtered; ordered by their best hit's score with q, else as the store lists them (newest
    first). Raises RequestValidationError (a 422 naming the parameter) for a bad date, range or length."""
    since = _checked("since", lambda: day(since))
    until = _checked("until", lambda: day(until))
    _checked("since", lambda: check_order(since, until))
    if source is not None and len(source) > MAX_SOURCE:
        _invalid("source", f"longer than {MAX_SOURCE} characters")
    source = source or None
    if q is not None and len(q) > MAX_QUESTION:
        _invalid("q", f"longer than {MAX_QUESTION} characters")
    if q is None or not q.strip():  # an empty search box lists everything, as no q does
        return [r for r in store.releases() if _kept(r, since, until, source)]
    best: dict[str, float] = {}
    for hit in searcher.search(q, QUERY_HITS, since=since, until=until, source=source):
        best[hit.release_id] = max(hit.score, best.get(hit.release_id, hit.score))
    by_id = {r.id: r for r in store.releases()}
    # A release removed since the search is left out.
    return [by_id[rid] for rid in sorted(best, key=lambda rid: -best[rid]) if rid in by_id]


def _kept(release: Release, since: str | None, until: str | None, source: str | None) -> bool:
    # As the search filters: an undated release is outside any date range.
    if (since or until) and not release.date:
        return False
    if (since and release.date < since) or (until and release.date > until):
        return False
    return source is None or source.translate(_ASCII_LOWER) in release.source.translate(_ASCII_LOWER)


def _checked(name: str, check: Callable[[], T]) -> T:
    """check(), its ValueError a 422 naming the query parameter."""
    try:
        return check()
    except ValueError as err:
        _invalid(name, str(err))


def _invalid(name: str, message: str) -> NoReturn:
    raise RequestValidationError([{"loc": ["query", name], "msg": message}])
