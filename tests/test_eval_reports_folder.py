"""Where `qa eval` writes its reports (issue 18): a replay leaves the committed evals/reports, recorded live, as
they are and writes to the user data folder; an explicit --reports still goes where it is told."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.evals import evaluation
from qa.llm import model_value
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "evals" / "reports"
CONFIG = ROOT / "evals" / "config.toml"


@pytest.fixture()
def committed() -> Iterator[dict[str, bytes]]:
    """The committed reports' bytes, put back after the test should it fail by rewriting them."""
    before = {p.name: p.read_bytes() for p in sorted(COMMITTED.iterdir())}
    yield before
    for p in COMMITTED.iterdir():
        if p.name not in before:
            p.unlink()
    for name, data in before.items():
        if (COMMITTED / name).read_bytes() != data:
            (COMMITTED / name).write_bytes(data)


@pytest.fixture()
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder of this test alone (platformdirs reads XDG_DATA_HOME on Linux)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "qa" / "eval-reports"


def test_a_replay_of_two_models_leaves_the_committed_reports_untouched(committed: dict[str, bytes],
                                                                       data_home: Path) -> None:
    code, out, err = run("eval", "--config", str(CONFIG), "--dataset", "seed", "-m", "smollm2",
                         "-m", "gemma3-270m")
    assert code == 0 and out.startswith("# Eval: smollm2 vs gemma3-270m")
    assert {p.name: p.read_bytes() for p in sorted(COMMITTED.iterdir())} == committed
    assert sorted(p.name for p in data_home.iterdir()) == [
        "compare-smollm2-vs-gemma3-270m.json", "compare-smollm2-vs-gemma3-270m.md", "seed-gemma3-270m.json",
        "seed-gemma3-270m.md", "seed.json", "seed.md"]
    assert f"reports written to {data_home}" in err
    # Auto mode still judges the models by the committed reports, recorded live.
    assert model_value.default_reports() == COMMITTED


def test_a_replay_of_the_config_model_writes_to_the_user_data_folder(committed: dict[str, bytes],
                                                                      data_home: Path) -> None:
    code, out, err = run("eval", "--config", str(CONFIG), "--dataset", "seed", "--json")
    assert code == 0 and json.loads(out)["reports"][0]["replayed"] is True
    assert {p.name: p.read_bytes() for p in sorted(COMMITTED.iterdir())} == committed
    assert json.loads((data_home / "seed.json").read_text())["dataset"] == "seed"
    assert f"reports written to {data_home}" in err


def test_reports_go_where_told(tmp_path: Path, data_home: Path) -> None:
    code, _, err = run("eval", "--config", str(CONFIG), "--dataset", "seed", "--reports", str(tmp_path / "r"))
    assert code == 0 and (tmp_path / "r" / "seed.md").is_file() and not data_home.exists()
    assert f"reports written to {tmp_path / 'r'}" in err


def test_a_recorded_run_writes_the_committed_reports_beside_the_config(tmp_path: Path) -> None:
    assert evaluation.reports_folder(CONFIG, record=True) == COMMITTED
    assert evaluation.reports_folder(tmp_path / "config.toml", record=False) != tmp_path / "reports"


def test_the_markdown_of_a_compared_model_says_no_threshold_applies() -> None:
    compared = evaluation.load_report(COMMITTED / "seed-gemma3-270m.json")
    assert compared.thresholds == {}
    assert evaluation.NO_THRESHOLDS in evaluation.markdown(compared)
    gated = evaluation.load_report(COMMITTED / "seed.json")
    assert gated.thresholds and evaluation.NO_THRESHOLDS not in evaluation.markdown(gated)
