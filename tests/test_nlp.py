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
