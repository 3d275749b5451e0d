"""Text folded as the case-insensitive regular expressions read it, for cheap look-ups before them.

A pattern of ASCII words with re.IGNORECASE matches, besides both cases of each letter, exactly four other
characters: İ and ı for i, ſ for s, the Kelvin sign for k. With those made the letter, lower() keeps the text's
length and which of its characters are word characters, so anything such a pattern matches stands in the folded
text, in lower case, at the same place: a substring or word look-up there is a necessary condition for the
pattern, at a fraction of its cost, and the slice of a folded text is the folded slice.
"""

from __future__ import annotations

import re

_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_SPECIALS = re.compile("[\u0130\u0131\u017f\u212a]")


def fold(text: str) -> str:
    """The text in lower case, with the four characters IGNORECASE takes for ASCII letters made those letters."""
    # translate() with a table costs far more than looking for the four characters, which texts rarely hold.
    return (text.translate(_FOLD) if _SPECIALS.search(text) else text).lower()
