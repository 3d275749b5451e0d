"""qa.text.dates is the one date parser: the forms releases and readers write, and no impossible date anywhere
(the command line's --since/--until, file headers, JSON records)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli.main import app
from qa.ingest.load import LoadError, normalize_date, read_file, record
from qa.text.dates import DateError, iso_date, years_named
from tests.conftest import write_release

runner = CliRunner()


@pytest.mark.parametrize("raw, iso", [
    ("2023-12-06", "2023-12-06"), ("  2023-12-06 ", "2023-12-06"), ("2023-12-06T10:00:00Z", "2023-12-06"),
    ("2023-12-06 10:00", "2023-12-06"), ("2023/12/06", "2023-12-06"), ("12/06/2023", "2023-12-06"),
    ("December 6, 2023", "2023-12-06"), ("Dec 6, 2023", "2023-12-06"), ("Dec. 6, 2023", "2023-12-06"),
    ("Sept. 11, 2023", "2023-09-11"), ("Sept 11, 2023", "2023-09-11"), ("6 December 2023", "2023-12-06"),
    ("2024-02-29", "2024-02-29"), ("Feb. 29, 2024", "2024-02-29"), ("1900-01-01", "1900-01-01"),
    ("2024-2-3", "2024-02-03"), ("", ""),
])
def test_the_forms_releases_and_readers_write(raw: str, iso: str) -> None:
    assert iso_date(raw) == iso


@pytest.mark.parametrize("raw, message", [
    ("2024-02-31", "impossible date '2024-02-31' (want YYYY-MM-DD)"),
    ("2023-02-29", "impossible date '2023-02-29' (want YYYY-MM-DD)"),
    ("2024-13-01", "impossible date '2024-13-01' (want YYYY-MM-DD)"),
    ("2024-00-10", "impossible date '2024-00-10' (want YYYY-MM-DD)"),
    ("0000-01-01", "impossible date '0000-01-01' (want YYYY-MM-DD)"),
    ("0001-01-01", "impossible date '0001-01-01': before 1900"),
    ("0201-05-04", "impossible date '0201-05-04': before 1900"),
    ("2024-02-31T10:00:00Z", "impossible date '2024-02-31T10:00:00Z' (want YYYY-MM-DD)"),
    ("Feb. 30, 2024", "impossible date 'Feb. 30, 2024' (want YYYY-MM-DD)"),
    ("2024/02/31", "impossible date '2024/02/31' (want YYYY-MM-DD)"),
    ("31 February 2024", "impossible date '31 February 2024' (want YYYY-MM-DD)"),
    ("yesterday", "unrecognised date 'yesterday' (want YYYY-MM-DD)"),
    ("2024-02", "unrecognised date '2024-02' (want YYYY-MM-DD)"),
    ("13/01/2024", "unrecognised date '13/01/2024' (want YYYY-MM-DD)"),
])
def test_impossible_and_unrecognised_dates_are_errors_that_quote_them(raw: str, message: str) -> None:
    with pytest.raises(DateError) as raised:
        iso_date(raw)
    assert str(raised.value) == message
    with pytest.raises(LoadError, match="date"):
        normalize_date(raw)


def test_an_impossible_date_in_a_file_or_a_record_is_refused(tmp_path: Path) -> None:
    path = write_release(tmp_path, "r.txt", "T", "2024-02-31", "https://s/r", "Body.")
    with pytest.raises(LoadError, match="impossible date '2024-02-31'"):
        read_file(path)
    lines = tmp_path / "r.jsonl"
    lines.write_text("\n".join(json.dumps({"title": "T", "date": d, "text": "Body."})
                               for d in ("0000-01-01", "2024-02-29")))
    drafts, errors = read_file(lines)
    assert [d.date for d in drafts] == ["2024-02-29"]
    assert [(e.origin, e.reason) for e in errors] == [
        (f"{lines}:1", "impossible date '0000-01-01' (want YYYY-MM-DD)")]
    with pytest.raises(LoadError, match="impossible date"):
        record({"text": "Body.", "date": "2023-04-31"}, "releases[0]")


def test_the_command_line_refuses_impossible_dates_and_an_empty_range(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert runner.invoke(app, ["ingest", "--sample", "--db", str(db)]).exit_code == 0
    for command in (["search", "drawdown"], ["brief"]):
        result = runner.invoke(app, [*command, "--since", "2024-02-31", "--db", str(db)])
        assert result.exit_code == 2
        assert result.stderr == "qa: error: --since: impossible date '2024-02-31' (want YYYY-MM-DD)\n"
        result = runner.invoke(app, [*command, "--until", "0000-01-01", "--db", str(db)])
        assert result.exit_code == 2 and "--until: impossible date '0000-01-01'" in result.stderr
        result = runner.invoke(app, [*command, "--since", "2024-05-01", "--until", "Jan. 1, 2024", "--db", str(db)])
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == ("qa: error: --since 2024-05-01 is after --until 2024-01-01: "
                                 "no release can be dated in between\n")
    result = runner.invoke(app, ["search", "Umerov", "--since", "2023-12-06", "--until", "2023-12-06",
                                 "--db", str(db), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["hits"]


def test_a_year_is_read_however_it_is_written() -> None:
    assert years_named("FY2014 accessions, fiscal year 2015, 2023-06-09") == {"2014", "2015", "2023"}
    assert years_named("contract W56HZV-12014, 1850 troops, $2,014") == set()
