"""The trained English pipeline loads once and reads text as a parser does."""

from qa.text import nlp


def test_the_pipeline_is_trained_and_loaded_once() -> None:
    first = nlp.pipeline()
    assert first is nlp.pipeline()
    assert {"parser", "ner", "lemmatizer"} <= set(first.pipe_names)
    assert nlp.model_name().startswith("en_core_web_")


def test_it_finds_people_and_lemmas() -> None:
    doc = nlp.pipeline()("Secretary of Defense Lloyd J. Austin III hosted Ukrainian Defense Minister Rustem Umerov.")
    people = {e.text for e in doc.ents if e.label_ == "PERSON"}
    assert "Rustem Umerov" in people
    assert [t.lemma_ for t in doc if t.text == "hosted"] == ["host"]


def test_spacy_is_imported_without_its_command_line_which_still_loads_when_asked_for() -> None:
    import subprocess
    import sys

    # A fresh process: this one may have spaCy imported already.
    code = ("import sys; from qa.text import nlp; nlp.pipeline(); import spacy; "
            "print('spacy.cli' in sys.modules, hasattr(spacy, 'cli')); "
            "import spacy.cli; print(callable(spacy.cli.download), sorted(spacy.info())[:1] != [])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["False", "False", "True", "True"]


def test_the_disabled_sentence_recogniser_is_not_loaded() -> None:
    assert "senter" not in nlp.pipeline().component_names


def test_the_tokenizer_is_the_packages_own_though_made_bare() -> None:
    # The package's files set every rule of the tokenizer; made the way spaCy makes it by default, it is the same,
    # with the ranks and titles qa adds as words of their own ("Brig.").
    import importlib

    loaded = nlp.pipeline()
    package = importlib.import_module(_package_name())
    default = package.load(exclude=["senter"])
    assert [t.text for t in default.tokenizer("Air Force Brig. Gen. Pat Ryder")][:4] == ["Air", "Force", "Brig", "."]
    nlp.add_abbreviations(default)
    assert loaded.tokenizer.to_bytes(exclude=["vocab"]) == default.tokenizer.to_bytes(exclude=["vocab"])
    assert [t.text for t in loaded.tokenizer("Air Force Brig. Gen. Pat Ryder")][:4] == ["Air", "Force", "Brig.", "Gen."]
    text = "Don't ask the U.S. Army's 2nd-lt. about https://www.defense.gov/News/ (NASAMS); $1.2 billion, 3:30 p.m."
    assert [(t.text, t.tag_, t.dep_, t.lemma_, t.ent_type_) for t in loaded(text)] == \
        [(t.text, t.tag_, t.dep_, t.lemma_, t.ent_type_) for t in default(text)]


def _package_name() -> str:
    import importlib.util

    return next(name for name in nlp.MODEL_PACKAGES if importlib.util.find_spec(name) is not None)


def test_threads_asking_at_once_share_one_pipeline() -> None:
    import threading

    from qa.text import nlp

    nlp._load.cache_clear()  # a first load, as in a fresh service: without the lock each thread loads its own
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(nlp.pipeline())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(got) == 4 and all(p is got[0] for p in got)
