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
