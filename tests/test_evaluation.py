"""The eval harness: datasets, config, record then replay, gating, reports and compare."""

import functools
import json
import socket
import threading
from http.server import HTTPServer
from pathlib import Path

import pytest

from qa.evals import evaluation
from qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
REAL_CONNECT = socket.socket.connect  # taken at import, before the no-network guard of each test
CONFIG = ROOT / "evals" / "config.toml"


def _dataset(name: str) -> evaluation.Dataset:
    return next(d for d in evaluation.load_config(CONFIG).dataset if d.name == name)


def _settings() -> Settings:
    settings = Settings()
    settings.model = evaluation.model_settings(evaluation.load_config(CONFIG), settings.model)
    return settings


def _replay(dataset: evaluation.Dataset) -> evaluation.EvalReport:
    return evaluation.run(dataset, _settings(), record=False, base_url="http://127.0.0.1:8765/v1")


def test_a_malformed_line_is_reported_with_its_number(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q?", "gold_facts": [], "kind": "unanswerable"}\n{"id": "b"}\n')
    with pytest.raises(evaluation.EvalError, match=r"bad.jsonl:2: question: Field required"):
        evaluation.load_dataset(bad)
    bad.write_text("not json\n")
    with pytest.raises(evaluation.EvalError, match=r"bad.jsonl:1: "):
        evaluation.load_dataset(bad)


@pytest.mark.usefixtures("corpus")  # the config names the shared corpus's folders
def test_the_config_names_datasets_corpus_and_thresholds() -> None:
    config = evaluation.load_config(CONFIG)
    assert [d.name for d in config.dataset] == ["seed", "dev", "grow-train", "squad-train", "grow-validation"]
    seed = config.dataset[0]
    assert seed.questions.is_file() and seed.corpus[0].is_dir() and "answerable_all_facts" in seed.thresholds
    # Fitted on train, reported on validation; our own sets need no model.
    assert [d.split for d in config.dataset] == [None, "train", "train", "train", "validation"]
    assert [d.model for d in config.dataset] == [True, True, False, False, False]
    assert [d.format for d in config.dataset] == ["gold", "gold", "gold", "squad", "gold"]
    assert all(c.is_dir() for d in config.dataset for c in d.corpus)


def test_the_seed_dataset_replays_and_passes_its_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("no network in a replay")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    report = _replay(_dataset("seed"))
    assert attempts == []  # every model answer came from the cassette
    assert report.replayed and report.failures == [] and len(report.questions) == 10
    assert report.score.unanswerable_declined == 1.0 and report.score.grounding_rate == 1.0


@functools.lru_cache(maxsize=1)
def _dev_on_file() -> evaluation.EvalReport:
    """The dev eval on the default store, once for the tests that read it."""
    return _replay(_dataset("dev"))


def test_the_dev_dataset_replays_and_passes_its_thresholds(corpus: Path) -> None:
    report = _dev_on_file()
    assert report.failures == [] and len(report.questions) == 74


def _timeless(report: evaluation.EvalReport) -> dict:
    """A report without its timings: what must not depend on the store."""
    def strip(node: object) -> object:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if "latency" not in k}
        return [strip(v) for v in node] if isinstance(node, list) else node
    return strip(report.model_dump(mode="json"))  # type: ignore[return-value]


def test_the_dev_eval_gives_the_same_report_on_both_stores(corpus: Path, pg_dsn: str) -> None:
    on_file = _dev_on_file()
    on_server = evaluation.run(_dataset("dev"), _settings(), record=False, base_url="http://127.0.0.1:8765/v1",
                               index_at=pg_dsn)
    assert on_server.failures == [] and _timeless(on_server) == _timeless(on_file)


def test_a_wrong_gold_fact_fails_the_run_naming_the_question(tmp_path: Path) -> None:
    seed = _dataset("seed")
    rows = [json.loads(line) for line in seed.questions.read_text().splitlines()]
    rows[0]["gold_facts"] = ["Paris"]
    wrong = tmp_path / "seed.jsonl"
    wrong.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    recorded = _replay(seed).score.answerable_all_facts
    report = _replay(seed.model_copy(update={"questions": wrong,
                                             "thresholds": {"answerable_all_facts": recorded}}))
    assert report.failures and any("s01 (missing Paris)" in f for f in report.failures)


def test_a_stale_cassette_says_which_question_and_how_to_record(tmp_path: Path) -> None:
    seed = _dataset("seed")
    rows = [json.loads(line) for line in seed.questions.read_text().splitlines()]
    rows[0]["question"] = "Where had Austin and Umerov most recently met, and when?"
    changed = tmp_path / "seed.jsonl"
    changed.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(evaluation.EvalError, match=r"question s01 .*qa eval --record --dataset seed"):
        _replay(seed.model_copy(update={"questions": changed}))


def test_reports_and_compare(tmp_path: Path) -> None:
    report = _replay(_dataset("seed"))
    as_json, as_md = evaluation.write_reports(report, tmp_path)
    assert evaluation.load_report(as_json) == report
    text = as_md.read_text()
    assert "| answerable_all_facts |" in text and "| s01 | lookup |" in text
    worse = report.model_copy(deep=True)
    worse.questions[0].all_facts = False
    assert evaluation.compare(report, worse) == (["s01"], [])
    assert evaluation.compare(worse, report) == ([], ["s01"])


def test_cassettes_live_per_model() -> None:
    assert evaluation.cassette_path("gpt-4o-mini", "dev") == ROOT / "cassettes" / "gpt-4o-mini" / "eval" / "dev.yaml"
    assert evaluation.cassette_path("org/model:v1", "seed").parent.parent.name == "org_model_v1"


def test_no_cassette_is_a_clear_error(tmp_path: Path) -> None:
    settings = _settings()
    settings.model = settings.model.model_copy(update={"model": "never-recorded"})
    with pytest.raises(evaluation.EvalError, match="record it: qa eval --record --dataset seed"):
        evaluation.run(_dataset("seed"), settings, record=False, base_url="http://127.0.0.1:1/v1")


def test_record_then_replay_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recorded from a stand-in model server on loopback, then replayed with every connection refused."""
    from tests.test_cassettes import _Server

    monkeypatch.setattr(evaluation, "CASSETTES", tmp_path / "cassettes")
    monkeypatch.setattr(socket.socket, "connect", REAL_CONNECT)
    httpd = HTTPServer(("127.0.0.1", 0), _Server)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    settings = _settings()
    settings.model = settings.model.model_copy(update={"model": "stand-in", "max_attempts": 1})
    try:
        recorded = evaluation.run(_dataset("seed"), settings, record=True, base_url=url)
    finally:
        httpd.shutdown()
        httpd.server_close()
    cassette = evaluation.cassette_path("stand-in", "seed")
    assert cassette.is_file() and "authorization" not in cassette.read_text().lower()
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: pytest.fail(f"connected to {address}"))
    replayed = evaluation.run(_dataset("seed"), settings, record=False, base_url=url)
    assert not recorded.replayed and replayed.replayed
    assert [(q.id, q.answer) for q in replayed.questions] == [(q.id, q.answer) for q in recorded.questions]


# --- Issue 8's measures: ceilings, the extractive answer beside the model's, and what the model adds ----------------

def test_thresholds_are_floors_and_max_ones_ceilings() -> None:
    from qa.evals.scoring import summarize

    score = summarize([]).model_copy(update={"answerable_all_facts": 0.8, "answered_wrong": 0.1})
    assert evaluation.gate(score, {"answerable_all_facts": 0.75, "max_answered_wrong": 0.1}) == []
    assert evaluation.gate(score, {"answerable_all_facts": 0.9, "max_answered_wrong": 0.05}) == [
        "answerable_all_facts 0.800 < 0.900", "answered_wrong 0.100 > 0.050 (ceiling)"]


def test_a_threshold_on_no_score_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    body = ('[[dataset]]\nname = "seed"\nquestions = "seed.jsonl"\ncorpus = ["."]\n'
            '[dataset.thresholds]\nshort_answers = 0.5\nmax_answered_wrong = 0.05\n')
    config.write_text(body)
    assert evaluation.load_config(config).dataset[0].thresholds == {"short_answers": 0.5, "max_answered_wrong": 0.05}
    config.write_text(body + "max_answerd_wrong = 0.1\n")
    with pytest.raises(evaluation.EvalError, match="no score named 'answerd_wrong'"):
        evaluation.load_config(config)


def test_reports_show_the_extractive_answer_beside_the_model_answer() -> None:
    from qa.testing.fake_models import Oracle, fake_client

    seed = _dataset("seed")
    settings = _settings()
    oracle = Oracle(gold=evaluation.load_dataset(seed.questions))
    report = evaluation.run(seed, settings, record=False, base_url="http://unused.test/v1",
                            client=lambda: fake_client(oracle, settings.model))
    assert oracle.calls > 0 and len(report.questions) == len(oracle.gold)
    assert all(q.extractive_right is not None and q.extractive_answer for q in report.questions)
    s = report.score
    assert s.extractive_all_facts is not None
    right = sum(q.all_facts for q in report.questions)
    assert s.model_gain == right - sum(bool(q.extractive_right) for q in report.questions)
    assert s.model_answers == sum(q.mode == "model" for q in report.questions)
    assert 0.0 <= s.short_answers <= s.answerable_all_facts and 0.0 <= s.answered_wrong <= 1.0
    text = evaluation.markdown(report.model_copy(update={"thresholds": {"max_answered_wrong": 0.05}}))
    assert "| answered_wrong |" in text and "at most 0.050" in text and "| short_answers |" in text
    assert "model_gain" in text and "| extractive ok |" in text


# --- model_value: does a model add anything, per its recorded reports -------------------------------------------------

def _report(folder: Path, name: str, model: str, score: dict) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"dataset": name, "model": model, "score": score, "questions": []}))
    return path


def test_a_model_adds_value_only_when_a_report_shows_a_gain(tmp_path: Path) -> None:
    from qa.llm.model_value import model_adds_value

    reports = tmp_path / "reports"
    _report(reports, "seed", "small", {"model_gain": 0, "model_improved": 0})
    _report(reports, "dev", "small", {"model_gain": -2, "model_improved": 0})
    _report(reports, "other", "big", {"model_gain": 3, "model_improved": 4})
    _report(reports, "old", "older", {"answerable_all_facts": 0.8})  # recorded before the measure
    (reports / "broken.json").write_text("{not json")
    assert model_adds_value("small", reports) is False
    assert model_adds_value("big", reports) is True
    assert model_adds_value("older", reports) is None
    assert model_adds_value("never-evaluated", reports) is None
    assert model_adds_value("small", tmp_path / "absent") is None
    # a question improved counts even when the total gain is not positive
    path = _report(reports, "dev", "small", {"model_gain": 0, "model_improved": 1, "padding": "x" * 10})
    assert path.exists() and model_adds_value("small", reports) is True


def test_model_value_reads_the_checkout_reports_by_default() -> None:
    from qa.llm.model_value import default_reports, model_adds_value

    assert default_reports() == ROOT / "evals" / "reports"
    assert model_adds_value("never-evaluated") is None


def test_each_question_has_a_model_client_of_its_own() -> None:
    """As each `qa ask` has: the model's deadline runs per client, and a client shared by every question ran out
    of it a minute into a recording, after which no question reached the model."""
    from qa.testing.fake_models import Oracle, fake_client

    seed = _dataset("seed")
    settings = _settings()
    oracle = Oracle(gold=evaluation.load_dataset(seed.questions))
    made: list[object] = []

    def client() -> object:
        made.append(fake_client(oracle, settings.model))
        return made[-1]

    evaluation.run(seed, settings, record=False, base_url="http://unused.test/v1", client=client)
    assert 1 < len(made) <= len(oracle.gold) and len({id(c) for c in made}) == len(made)


def test_a_failure_names_the_first_questions_and_counts_the_rest(tmp_path: Path) -> None:
    seed = _dataset("seed")
    first = json.loads(seed.questions.read_text().splitlines()[0])
    many = evaluation.NAMED + 5
    rows = [{**first, "id": f"w{i:02d}", "gold_facts": ["Paris"]} for i in range(many)]
    wrong = tmp_path / "seed.jsonl"
    wrong.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = _replay(seed.model_copy(update={"questions": wrong, "model": False,
                                             "thresholds": {"answerable_all_facts": 1.0}}))
    [named] = [f for f in report.failures if f.startswith("questions not right")]
    assert f"w{evaluation.NAMED - 1:02d} (missing Paris)" in named and f"w{evaluation.NAMED:02d}" not in named
    assert named.endswith("and 5 more (the report lists them)")
    assert len(report.questions) == many  # the report itself keeps every one
