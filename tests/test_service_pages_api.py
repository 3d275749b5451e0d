"""The API the web page reads: the release list's filters (q, since, until, source), one file uploaded as the
request body and ingested as `qa ingest` reads it, and the committed eval reports with their threshold checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.evals.evaluation import EvalReport
from qa.evals.thresholds import checks, gate
from qa.index.store import Store
from qa.ingest.pipeline import release_id
from qa.service import create_app
from qa.settings import Settings
from tests.conftest import ingest_sample_and
from tests.test_load import HTML

REPORTS = Path(__file__).resolve().parent.parent / "evals" / "reports"
SAMPLE_SOURCE = "https://www.defense.gov/News/News-Stories/Article/Article/3609585/"
BOATS_SOURCE = "https://example.test/450"
BOATS = (BOATS_SOURCE, "President Authorizes Another $450 Million Drawdown", "2022-06-27",
         "President Joe Biden has given DOD authorization for a drawdown of up to $450 million. The package includes "
         "18 coastal and riverine patrol boats.")
UNDATED = ("https://example.test/undated", "Patrol Boat Maintenance Notice", "",
           "The riverine patrol boats are serviced every spring.")
TOKEN = "s3cret"


def _settings(tmp_path: Path, **update: object) -> Settings:
    s = Settings(db=tmp_path / "api.db")
    return s.model_copy(update=update)


@pytest.fixture()
def listed(tmp_path: Path) -> TestClient:
    """The sample (Austin meets Umerov, 2023-12-06, defense.gov), the $450 million drawdown (2022-06-27,
    example.test) and an undated notice."""
    settings = _settings(tmp_path)
    store = Store(settings.db)
    ingest_sample_and(store, [BOATS, UNDATED])
    store.close()
    return TestClient(create_app(settings))


def _titles(api: TestClient, **params: str) -> list[str]:
    got = api.get("/v1/releases", params=params)
    assert got.status_code == 200, got.text
    return [r["title"] for r in got.json()]


# --- GET /v1/releases with filters ----------------------------------------------------------------------------------

def test_without_filters_the_list_is_unchanged_newest_first(listed: TestClient) -> None:
    rows = listed.get("/v1/releases").json()
    assert [r["date"] for r in rows] == ["2023-12-06", "2022-06-27", ""]
    assert set(rows[0]) == {"id", "title", "date", "source", "origin", "content_hash", "n_chunks", "ingested_at"}
    assert _titles(listed, q="   ") == [r["title"] for r in rows]  # an empty search box lists everything


def test_dates_filter_inclusively_and_leave_undated_releases_out(listed: TestClient) -> None:
    assert _titles(listed, since="2023-01-01") == ["Austin Meets With Ukrainian Minister of Defense at Pentagon"]
    assert _titles(listed, until="2023-12-05") == [BOATS[1]]
    assert _titles(listed, since="2022-06-27", until="2022-06-27") == [BOATS[1]]
    assert _titles(listed, since="June 27, 2022") == [  # the date forms releases use are read, as elsewhere
        "Austin Meets With Ukrainian Minister of Defense at Pentagon", BOATS[1]]
    assert _titles(listed, since="2024-01-01") == []


def test_source_is_a_substring_of_the_url_folding_ascii_case(listed: TestClient) -> None:
    assert _titles(listed, source="defense.gov") == ["Austin Meets With Ukrainian Minister of Defense at Pentagon"]
    assert _titles(listed, source="EXAMPLE.test/") == [BOATS[1], UNDATED[1]]
    assert _titles(listed, source="example.test", since="2000-01-01") == [BOATS[1]]
    assert _titles(listed, source="nowhere.test") == []


def test_q_lists_the_releases_a_search_finds_by_their_best_hit(listed: TestClient) -> None:
    assert _titles(listed, q="Umerov") == ["Austin Meets With Ukrainian Minister of Defense at Pentagon"]
    both = _titles(listed, q="riverine patrol boats")
    assert set(both) == {BOATS[1], UNDATED[1]}
    # The order is the search's: each release at its best chunk's score.
    hits = listed.post("/v1/search", json={"query": "riverine patrol boats", "k": 100}).json()["hits"]
    best: dict[str, float] = {}
    for h in hits:
        best[h["title"]] = max(h["score"], best.get(h["title"], h["score"]))
    assert both == sorted(best, key=lambda t: -best[t])
    # The filters apply with q as they do to the search.
    assert _titles(listed, q="riverine patrol boats", since="2020-01-01") == [BOATS[1]]
    assert _titles(listed, q="riverine patrol boats", source="undated") == [UNDATED[1]]
    assert _titles(listed, q="Umerov", source="example.test") == []
    assert _titles(listed, q="zzzqqq") == []


@pytest.mark.parametrize(("params", "field"), [
    ({"since": "yesterday"}, "since"), ({"until": "2024-02-31"}, "until"),
    ({"since": "2024-01-02", "until": "2024-01-01"}, "since"), ({"q": "x" * 1001}, "q"),
    ({"source": "s" * 201}, "source"),
])
def test_bad_filters_are_422_naming_the_parameter(listed: TestClient, params: dict[str, str], field: str) -> None:
    got = listed.get("/v1/releases", params=params)
    assert got.status_code == 422 and got.json()["code"] == "invalid_request"
    assert got.json()["message"].startswith(f"query.{field}: ")


# --- POST /v1/files -------------------------------------------------------------------------------------------------

@pytest.fixture()
def api(tmp_path: Path) -> TestClient:
    return TestClient(create_app(_settings(tmp_path)))


def _upload(api: TestClient, name: str, body: bytes | str, **headers: str):  # noqa: ANN202 - httpx.Response
    headers.setdefault("content-type", "application/octet-stream")
    return api.post("/v1/files", params={"name": name}, content=body, headers=headers)


def test_a_text_file_with_a_header_is_read_as_qa_ingest_reads_it(api: TestClient) -> None:
    text = ("Title: Navy Accepts Two Patrol Boats\nDate: March 4, 2024\nSource: https://example.test/boats\n\n"
            "The Navy accepted two patrol boats at Norfolk on Monday.\n")
    # As the page sends a .txt file: text/plain, from its own origin.
    got = _upload(api, "boats.txt", text.encode(), **{"Content-Type": "text/plain", "Origin": "http://testserver"})
    assert got.status_code == 200, got.text
    report = got.json()
    assert report["added"] == [release_id("https://example.test/boats")] and report["errors"] == []
    assert report["chunks"] >= 1
    shown = api.get(f"/v1/releases/{report['added'][0]}").json()
    assert (shown["title"], shown["date"], shown["source"]) == (
        "Navy Accepts Two Patrol Boats", "2024-03-04", "https://example.test/boats")
    assert shown["origin"] == "upload:boats.txt" and shown["text"].startswith("The Navy accepted")
    hits = api.post("/v1/search", json={"query": "Navy patrol boats Norfolk"}).json()["hits"]
    assert hits[0]["release_id"] == report["added"][0]
    # The same file again changes nothing; under another name it is still the same release (its source keys it).
    again = _upload(api, "boats.txt", text.encode()).json()
    assert again["unchanged"] == report["added"] and again["added"] == again["replaced"] == []
    assert _upload(api, "copy.txt", text.encode()).json()["added"] == []


def test_a_file_without_a_source_is_keyed_by_its_name(api: TestClient) -> None:
    body = b"Title: Notice\n\nThe depot closes early on Friday."
    first = _upload(api, "notice.md", body, **{"Content-Type": "application/octet-stream"}).json()
    assert first["added"] == [release_id("upload:notice.md")]
    assert _upload(api, "notice.md", body).json()["unchanged"] == first["added"]
    assert _upload(api, "notice.md", body + b" It reopens Monday.").json()["replaced"] == first["added"]
    assert _upload(api, "other.md", body).json()["added"] == [release_id("upload:other.md")]


def test_an_html_page_gives_its_article_and_metadata(api: TestClient) -> None:
    report = _upload(api, "page.HTML", HTML.encode(), **{"Content-Type": "text/html"}).json()
    [rid] = report["added"]
    shown = api.get(f"/v1/releases/{rid}").json()
    assert shown["title"] == "Austin Meets With Ukrainian Minister of Defense at Pentagon"
    assert shown["date"] == "2023-12-06" and shown["source"] == "https://www.defense.gov/News/Article/3609585/"
    assert "most recently met in November in Kyiv" in shown["text"] and "Subscribe" not in shown["text"]


def test_a_json_list_ingests_its_good_records_and_reports_the_bad_one(api: TestClient) -> None:
    records = [{"title": "One", "date": "2022-06-27", "url": "https://s/1", "text": "First body."},
               {"title": "Bad", "text": 42},
               {"title": "Two", "source": "https://s/2", "text": "Second body."}]
    report = _upload(api, "batch.json", json.dumps(records)).json()
    assert report["added"] == [release_id("https://s/1"), release_id("https://s/2")]
    assert report["errors"] == [{"origin": "upload:batch.json[1]", "reason": "missing field 'text' (a string)"}]
    lines = "\n".join([json.dumps(records[0]), "{not json", json.dumps(records[2])])
    again = _upload(api, "batch.jsonl", lines).json()
    assert again["unchanged"] == report["added"]  # records are keyed by themselves, not by the file
    assert [e["origin"] for e in again["errors"]] == ["upload:batch.jsonl:2"]


@pytest.mark.parametrize(("name", "body", "reason"), [
    ("report.pdf", b"%PDF-1.7", "report.pdf: corrupt PDF"),
    ("report.docx", b"PK\x03\x04", "report.docx: unsupported file type '.docx'; qa reads "),
    ("README", b"text", "README: unsupported file type '(none)'"),
    ("empty.txt", b" \n\n", "empty.txt: empty file"),
    ("broken.json", b'{"text": ', "broken.json: malformed JSON at line 1"),
    ("nothing.html", b"<html><head><title>A title</title></head><body><script>var a = 1;</script></body></html>",
     "nothing.html: no article text found in the HTML"),
    ("header-only.txt", b"Title: T\nDate: 2024-01-01\n", "header-only.txt: empty: no body text"),
    ("bad-date.txt", b"Title: T\nDate: someday\n\nBody.", "bad-date.txt: unrecognised date 'someday'"),
    ("binary.txt", b"\x00\x01\x02\x00" * 10, "binary.txt: binary file"),
])
def test_an_unreadable_file_is_422_naming_it(api: TestClient, name: str, body: bytes, reason: str) -> None:
    got = _upload(api, name, body)
    assert got.status_code == 422 and got.json()["code"] == "invalid_request"
    assert got.json()["message"].startswith(reason)
    assert api.get("/v1/releases").json() == []


def test_a_file_over_max_file_bytes_is_413_naming_the_limit_and_its_setting(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings = settings.model_copy(update={"ingest": settings.ingest.model_copy(update={"max_file_bytes": 100})})
    api = TestClient(create_app(settings))
    got = _upload(api, "big.txt", "Title: Big\n\n" + "word " * 40)
    assert got.status_code == 413 and got.json()["code"] == "file_too_large"
    message = got.json()["message"]
    assert message.startswith("big.txt: too large: 212 bytes, over the limit of 100 bytes")
    assert "ingest.max_file_bytes" in message and "QA_INGEST__MAX_FILE_BYTES" in message
    assert _upload(api, "small.txt", "Title: Small\n\nA short body.").status_code == 200


def test_a_body_over_the_service_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    settings = settings.model_copy(update={"service": settings.service.model_copy(update={"max_body_bytes": 1000})})
    got = _upload(TestClient(create_app(settings)), "big.txt", b"x" * 2000)
    assert got.status_code == 413 and got.json()["code"] == "body_too_large"


@pytest.mark.parametrize("name", ["", "   ", "../etc/passwd.txt", "a/b.txt", "a\\b.txt", "..txt", "a\nb.txt",
                                  "x" * 252 + ".txt"])
def test_a_name_that_is_blank_or_a_path_is_422(api: TestClient, name: str) -> None:
    got = _upload(api, name, b"Title: T\n\nBody.")
    assert got.status_code == 422 and got.json()["code"] == "invalid_request"
    assert got.json()["message"].startswith("query.name: ")
    missing = api.post("/v1/files", content=b"Body.", headers={"content-type": "application/octet-stream"})
    assert missing.status_code == 422 and missing.json()["message"].startswith("query.name: ")
    assert api.get("/v1/releases").json() == []


# --- GET /v1/evals --------------------------------------------------------------------------------------------------

@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    """Copies of the committed reports, one failing its thresholds, and files that are no report."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in REPORTS.glob("*.json"):
        shutil.copy(path, folder / path.name)
    shutil.copy(REPORTS / "dev.md", folder / "dev.md")
    failing = json.loads((REPORTS / "seed.json").read_text())
    failing["thresholds"] = {"answerable_all_facts": 1.5, "max_answered_wrong": -1.0, "grounding_rate": 0.5}
    (folder / "failing.json").write_text(json.dumps(failing))
    (folder / "notes.json").write_text('{"hello": "world"}')
    (folder / "broken.json").write_text("{not json")
    (tmp_path / "secret.json").write_text((REPORTS / "seed.json").read_text())  # outside the folder
    return folder


@pytest.fixture()
def evals(tmp_path: Path, reports: Path) -> TestClient:
    settings = _settings(tmp_path)
    settings = settings.model_copy(update={"answer": settings.answer.model_copy(update={"reports": reports})})
    return TestClient(create_app(settings))


def test_the_list_names_each_report_and_comparison_with_its_verdict(evals: TestClient, reports: Path) -> None:
    listed = evals.get("/v1/evals").json()
    assert listed["folder"] == str(reports)
    by_name = {r["name"]: r for r in listed["reports"]}
    assert sorted(by_name) == ["compare-smollm2-vs-gemma3-270m", "dev", "dev-gemma3-270m", "failing", "grow-train",
                               "grow-validation", "seed", "seed-gemma3-270m", "squad-train"]  # no .md, no non-report
    assert by_name["dev"] == {"name": "dev", "kind": "report", "dataset": "dev", "model": "smollm2-135m-instruct",
                              "prompt": "answer@5", "replayed": False, "passed": True}
    assert by_name["failing"]["passed"] is False
    assert by_name["compare-smollm2-vs-gemma3-270m"] == {
        "name": "compare-smollm2-vs-gemma3-270m", "kind": "comparison", "compared": ["smollm2", "gemma3-270m"],
        "datasets": ["seed", "dev", "grow-train", "squad-train", "grow-validation"]}


def test_a_report_is_shown_as_stored_with_its_checks(evals: TestClient, reports: Path) -> None:
    stored = json.loads((reports / "dev.json").read_text())
    shown = evals.get("/v1/evals/dev").json()
    assert {k: v for k, v in shown.items() if k != "checks"} == stored
    assert [c["name"] for c in shown["checks"]] == list(stored["thresholds"])
    wrong = next(c for c in shown["checks"] if c["name"] == "max_answered_wrong")
    assert wrong == {"name": "max_answered_wrong", "measure": "answered_wrong",
                     "score": stored["score"]["answered_wrong"], "threshold": 0.0, "ceiling": True, "passed": True}
    assert all(c["passed"] for c in shown["checks"])


def test_failed_checks_are_the_ones_the_eval_gate_fails(evals: TestClient, reports: Path) -> None:
    shown = evals.get("/v1/evals/failing").json()
    assert {c["name"]: c["passed"] for c in shown["checks"]} == {
        "answerable_all_facts": False, "max_answered_wrong": False, "grounding_rate": True}
    report = EvalReport.model_validate_json((reports / "failing.json").read_text())
    failures = gate(report.score, report.thresholds)
    assert len(failures) == 2 and failures[0].startswith("answerable_all_facts ") and "(ceiling)" in failures[1]
    # A measure the run did not compute passes no threshold, in both.
    unmeasured = report.score.model_copy(update={"extractive_all_facts": None})
    [check] = checks(unmeasured, {"extractive_all_facts": 0.5})
    assert check.passed is False and check.score is None
    assert gate(unmeasured, {"extractive_all_facts": 0.5}) == ["extractive_all_facts was not measured"]


def test_a_comparison_has_checks_in_each_runs_each_report(evals: TestClient, reports: Path) -> None:
    name = "compare-smollm2-vs-gemma3-270m"
    stored = json.loads((reports / f"{name}.json").read_text())
    shown = evals.get(f"/v1/evals/{name}").json()
    assert shown["compared"] == stored["compared"] and "checks" not in shown
    for run, stored_run in zip(shown["runs"], stored["runs"]):
        for one, stored_one in zip(run["reports"], stored_run["reports"]):
            assert [c["name"] for c in one["checks"]] == list(stored_one["thresholds"])
            assert {k: v for k, v in one.items() if k != "checks"} == stored_one
    assert shown["runs"][0]["reports"][0]["checks"] and shown["runs"][1]["reports"][0]["checks"] == []


@pytest.mark.parametrize("path", ["/v1/evals/nope", "/v1/evals/dev.md", "/v1/evals/dev.json", "/v1/evals/notes",
                                  "/v1/evals/broken", "/v1/evals/..%2Fsecret", "/v1/evals/%2E%2E", "/v1/evals/a%20b",
                                  "/v1/evals/..%5Csecret"])
def test_unknown_names_and_paths_are_404(evals: TestClient, path: str) -> None:
    got = evals.get(path)
    assert got.status_code == 404 and got.json()["code"] == "not_found"


def test_without_a_reports_folder_the_list_is_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.service.evals.default_reports", lambda: None)
    api = TestClient(create_app(_settings(tmp_path)))
    assert api.get("/v1/evals").json() == {"folder": None, "reports": []}
    assert api.get("/v1/evals/dev").status_code == 404


def test_the_default_folder_is_the_checkouts_reports(tmp_path: Path) -> None:
    listed = TestClient(create_app(_settings(tmp_path))).get("/v1/evals").json()
    assert listed["folder"] == str(REPORTS) and {"dev", "seed"} <= {r["name"] for r in listed["reports"]}


# --- Auth -----------------------------------------------------------------------------------------------------------

def test_every_new_route_needs_the_token(tmp_path: Path, reports: Path) -> None:
    settings = _settings(tmp_path)
    settings = settings.model_copy(update={"answer": settings.answer.model_copy(update={"reports": reports})})
    api = TestClient(create_app(settings, token=TOKEN))
    for method, path in [("GET", "/v1/releases?q=boats"), ("POST", "/v1/files?name=a.txt"), ("GET", "/v1/evals"),
                         ("GET", "/v1/evals/dev")]:
        assert api.request(method, path, content=b"Body.").status_code == 401, path
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert api.post("/v1/files", params={"name": "a.txt"}, content=b"Body.",
                    headers={**auth, "content-type": "application/octet-stream"}).status_code == 200
    assert api.get("/v1/releases", params={"q": "body"}, headers=auth).json()[0]["origin"] == "upload:a.txt"
    assert api.get("/v1/evals/dev", headers=auth).status_code == 200
