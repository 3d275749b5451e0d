"""`qa eval -m smollm2 -m gemma3-270m`: models side by side, each replayed from its own cassettes, offline."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from qa.evals import evaluation
from qa.llm.model_value import model_adds_value
from qa.settings import Settings

CONFIG = Path(__file__).resolve().parent.parent / "evals" / "config.toml"
NAMES = ["smollm2", "gemma3-270m"]


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[object]:
    """Every connection refused and counted; the built-in models only (no qa.toml)."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("no network in a replay")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "absent.toml"))
    return attempts


def _compare(names: list[str], datasets: list[str]) -> evaluation.Comparison:
    config = evaluation.load_config(CONFIG)
    settings = Settings()
    settings.model = evaluation.model_settings(config, settings.model)
    chosen = [d for d in config.dataset if d.name in datasets]
    return evaluation.run_models(config, settings, names, chosen, record=False)


def test_two_models_replay_side_by_side_with_no_network(offline: list[object], tmp_path: Path) -> None:
    comparison = _compare(NAMES, ["seed"])
    assert offline == []  # every model answer of both came from their cassettes
    assert comparison.compared == NAMES and comparison.datasets == ["seed"]
    smol, gemma = comparison.runs
    assert (smol.model, gemma.model) == ("smollm2-135m-instruct", "gemma3-270m")
    assert smol.gated and not gemma.gated  # the thresholds are the config model's recorded scores
    for run in (smol, gemma):
        (report,) = run.reports
        assert report.dataset == "seed" and len(report.questions) == 10 and report.replayed
        assert report.model == run.model and report.score.prompt_tokens > 0
        assert report.score.cost_usd == 0.0  # local models are free
    assert smol.reports[0].failures == [] and gemma.reports[0].thresholds == {}
    # Each model's own replies, not one model's twice: their recorded tokens differ.
    assert smol.reports[0].score.completion_tokens != gemma.reports[0].score.completion_tokens

    text = evaluation.comparison_markdown(comparison)
    assert "# Eval: smollm2 vs gemma3-270m" in text and "## seed" in text
    assert "replayed from its own cassettes (cassettes/<model>/eval/): latency is the replay's" in text
    assert "| | smollm2 (`smollm2-135m-instruct`) | gemma3-270m (`gemma3-270m`) |" in text
    for label in ("answerable, all facts", "prompt / completion tokens", "latency p50 / p95 (s)", "cost"):
        assert f"| {label} |" in text
    tokens = [f"{r.reports[0].score.prompt_tokens} / {r.reports[0].score.completion_tokens}" for r in comparison.runs]
    assert f"| prompt / completion tokens | {tokens[0]} | {tokens[1]} |" in text
    assert "| thresholds | all met | not gated |" in text

    written = [*evaluation.write_comparison(comparison, tmp_path),
               *evaluation.write_model_reports(comparison, tmp_path)]
    assert sorted(p.name for p in written) == sorted([
        "compare-smollm2-vs-gemma3-270m.json", "compare-smollm2-vs-gemma3-270m.md", "seed.json", "seed.md",
        "seed-gemma3-270m.json", "seed-gemma3-270m.md"])
    again = evaluation.Comparison.model_validate_json((tmp_path / "compare-smollm2-vs-gemma3-270m.json").read_text())
    assert again == comparison
    # auto mode judges each model by its own reports only; the comparison is nobody's report.
    for run in comparison.runs:
        gain = run.reports[0].score.model_gain > 0 or run.reports[0].score.model_improved > 0
        assert model_adds_value(run.model, tmp_path) is gain


def test_the_second_model_replays_the_dev_dataset(offline: list[object], corpus: Path) -> None:
    (run,) = _compare(["gemma3-270m"], ["dev"]).runs
    (report,) = run.reports
    assert offline == [] and len(report.questions) == 74 and report.replayed and report.score.prompt_tokens > 0


def test_a_comparison_report_is_never_taken_for_a_model_report(offline: list[object], tmp_path: Path) -> None:
    comparison = _compare(NAMES, ["seed"])
    (tmp_path / "compare.json").write_text(comparison.model_dump_json())
    for model in ("smollm2-135m-instruct", "gemma3-270m", "smollm2"):
        assert model_adds_value(model, tmp_path) is None
    with pytest.raises(evaluation.EvalError, match="not an eval report"):
        evaluation.load_report(tmp_path / "compare.json")


def test_cost_comes_from_the_named_model_price(offline: list[object], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # An endpoint serving the same model id, asked the same way (the local server's json_object), replays the
    # same cassettes: they match on path and body, not host.
    config = tmp_path / "qa.toml"
    endpoint = 'base_url = "https://models.example.test/v1"\nstructured = "json_object"\n'
    config.write_text(f'[models.priced]\n{endpoint}model = "smollm2-135m-instruct"\nprice_prompt = 0.5\n'
                      f'price_completion = 2.0\n\n[models.unpriced]\n{endpoint}model = "gemma3-270m"\n')
    monkeypatch.setenv("QA_CONFIG", str(config))
    comparison = _compare(["priced", "unpriced"], ["seed"])
    priced, unpriced = comparison.runs
    score = priced.reports[0].score
    assert score.cost_usd == pytest.approx(score.prompt_tokens / 1000 * 0.5 + score.completion_tokens / 1000 * 2.0)
    assert unpriced.reports[0].score.cost_usd is None  # an endpoint with no price: unknown, not free
    assert "unknown (no price)" in evaluation.comparison_markdown(comparison)


def test_unknown_or_repeated_names_are_errors(offline: list[object]) -> None:
    with pytest.raises(evaluation.EvalError, match="no model named 'gpt-9'; known: gemma3-270m, smollm2"):
        _compare(["smollm2", "gpt-9"], ["seed"])
    with pytest.raises(evaluation.EvalError, match="a model is named twice"):
        _compare(["smollm2", "smollm2"], ["seed"])


def test_a_model_without_cassettes_says_how_to_record(offline: list[object], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "qa.toml"
    config.write_text('[models.fresh]\ngguf = "fresh.gguf"\n')
    monkeypatch.setenv("QA_CONFIG", str(config))
    with pytest.raises(evaluation.EvalError, match="no cassette for dataset 'seed' and model 'fresh'"):
        _compare(["smollm2", "fresh"], ["seed"])


def test_a_comparison_builds_its_indexes_on_postgresql_with_index_db(pg_dsn: str, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import psycopg
    from typer.testing import CliRunner

    from qa.cli.main import app
    from qa.index import pg_store

    used: list[str] = []
    real = pg_store.scratch
    monkeypatch.setattr(pg_store, "scratch", lambda dsn: used.append(dsn) or real(dsn))
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "absent.toml"))
    result = CliRunner().invoke(app, ["eval", "-m", NAMES[0], "-m", NAMES[1], "--dataset", "seed", "--index-db",
                                      pg_dsn, "--reports", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    on_server = evaluation.Comparison.model_validate(json.loads(result.stdout))
    assert used == [pg_dsn, pg_dsn]  # one index for each model, in the database
    on_file = _compare(NAMES, ["seed"])
    for a, b in zip(on_server.runs, on_file.runs):
        assert [(q.id, q.answer) for q in a.reports[0].questions] == [(q.id, q.answer) for q in b.reports[0].questions]
    with psycopg.connect(pg_dsn) as conn:  # each model's index was a scratch schema, dropped afterwards
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'qa_scratch_%'").fetchone()[0] == 0
