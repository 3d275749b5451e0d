"""The rows of a JSONL file for the data checks (evals/data/check.py, evals/briefs/check.py): each line's object
with where it stands ("file:line"); a line that is not JSON is an error, a blank one is skipped."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator


def rows(path: str, errors: list[str]) -> Iterator[tuple[str, object]]:
    """(where, parsed line) for each non-blank line of `path`; JSON errors are appended to `errors`."""
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            where = f"{os.path.basename(path)}:{ln}"
            if not line.strip():
                continue
            try:
                yield where, json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: JSON error {e}")
