"""How common an English word is: ranks from symspellpy's frequency list of 82,765 words (counts from a large
English corpus), so "stuff", "big" or "things" in a question are told from the words that name its subject.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache


@lru_cache(maxsize=1)
def _listing() -> tuple[list[str], list[int]]:
    """The list's words and their counts, in its order (read once: it is most of a question's start-up cost)."""
    listing = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    words, counts = [], []
    for line in listing.read_text(encoding="utf-8").splitlines():
        if line:
            words.append(line.partition(" ")[0])
            counts.append(int(line.rpartition(" ")[2]))
    return words, counts


def words() -> list[str]:
    """The listed words, in the list's order."""
    return _listing()[0]


@lru_cache(maxsize=1)
def ranks() -> dict[str, int]:
    """Each listed word's rank by its count, 0 the most frequent."""
    words, counts = _listing()
    # Stable, as is sorting by -count: equal counts keep the list's order.
    order = sorted(range(len(words)), key=counts.__getitem__, reverse=True)
    return {words[i]: rank for rank, i in enumerate(order)}


def is_common(word: str, top: int) -> bool:
    """Whether `word` is among the `top` most frequent English words."""
    return ranks().get(word.lower(), top) < top
