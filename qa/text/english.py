"""How common an English word is: ranks from symspellpy's frequency list of 82,765 words (counts from a large
English corpus), so "stuff", "big" or "things" in a question are told from the words that name its subject.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache


@lru_cache(maxsize=1)
def ranks() -> dict[str, int]:
    """Each listed word's rank, 0 the most frequent (the list is sorted by count, most frequent first)."""
    listing = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    words = [line.split(" ", 1)[0] for line in listing.read_text(encoding="utf-8").splitlines() if line]
    counts = [int(line.rsplit(" ", 1)[1]) for line in listing.read_text(encoding="utf-8").splitlines() if line]
    order = sorted(range(len(words)), key=lambda i: -counts[i])
    return {words[i]: rank for rank, i in enumerate(order)}


def is_common(word: str, top: int) -> bool:
    """Whether `word` is among the `top` most frequent English words."""
    return ranks().get(word.lower(), top) < top
