"""Page benchmark: from pressing Enter on the seed question to "$175 million" on the page, on `qa serve`'s
embedded defaults, warm.

Starts `qa serve` on 127.0.0.1 over a fresh index of the sample release (and the shared corpus when it is
beside the repository), exactly as a user runs it: no setting changed, so the answer mode is the default's.
Opens the page in headless Chromium (Debian's chromium through Playwright; see tests/browser.py), asks once
to warm the service, then --asks times: each time from the Enter key to the answer's value shown with its
highlighted sentence. The baseline, in the same run, is the same question sent straight to POST /v1/ask
(JSON), so the figures show what the page adds. Exits 1 when the page's slowest answer takes 2 s or more.
--screenshot PATH saves the ask page with its answer (the README's picture). Loopback only; every process
it starts is stopped.

Run: .venv/bin/python benchmarks/page.py [--asks 20] [--screenshot docs/ask-page.png]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from served import QA, serving  # noqa: E402

from tests import browser  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dod-releases"
TARGET_S = 2.0
QUESTION = "How much is the 52nd drawdown worth?"


def api_ask(port: int, mode: str | None) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
    began = time.perf_counter()
    conn.request("POST", "/v1/ask", body=json.dumps({"question": QUESTION, **({"mode": mode} if mode else {})}),
                 headers={"Content-Type": "application/json"})
    answer = json.loads(conn.getresponse().read())
    took = time.perf_counter() - began
    assert "$175 million" in answer["answer"], answer["answer"]
    return took


def page_ask(page: object, expect: int) -> float:
    """Enter on the question; seconds until the newest answer's value and its marked sentence show."""
    page.fill("#question", QUESTION)
    began = time.perf_counter()
    page.press("#question", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('.turn').length === n && "
        "document.querySelector('.turn .value')?.textContent.includes('$175 million') && "
        "document.querySelector('.turn .citation mark') !== null", arg=expect, timeout=90_000)
    return time.perf_counter() - began


def figures(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return (f"{name:<22} p50 {statistics.median(ms):7.1f} ms   p90 {ms[int(0.9 * (len(ms) - 1))]:7.1f} ms   "
            f"max {ms[-1]:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--asks", type=int, default=20)
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--mode", choices=["auto", "extractive", "model"],
                        help="The page's answer mode (default: the server's, as a user first finds it)")
    args = parser.parse_args()
    if (why := browser.missing()) is not None:
        sys.exit(why)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "qa.db"
        env = {**os.environ, "QA_LOG__PATH": str(Path(tmp) / "logs.db")}
        for what in (["--sample"], [str(CORPUS)] if CORPUS.is_dir() else []):
            if what:
                subprocess.run([str(QA), "ingest", *what, "--db", str(db)], env=env, check=True, capture_output=True)
        with serving(db, env) as port:
            base = f"http://127.0.0.1:{port}"
            with browser.chromium() as chromium:
                page = chromium.new_page(viewport={"width": 1000, "height": 760})
                watch = browser.Watch(page, base)
                page.goto(base + "/")
                if args.mode:
                    page.select_option("#mode", args.mode)
                page_ask(page, 1)  # warm: the index arrays, the first connection
                api_ask(port, args.mode)
                took_page, took_api = [], []
                for i in range(args.asks):
                    if i:
                        page.click("#new-thread")
                    took_page.append(page_ask(page, 1 if i else 2))
                    took_api.append(api_ask(port, args.mode))
                if args.screenshot:
                    page.click("#new-thread")
                    page_ask(page, 1)
                    page.locator("#question").blur()
                    args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.screenshot))
                watch.check()
    print(f"seed question, warm embedded defaults, answer mode {args.mode or 'the default'}, {args.asks} asks each")
    print(figures("page: Enter -> answer", took_page))
    print(figures("API: POST /v1/ask", took_api))
    slowest = max(took_page)
    added = statistics.median(took_page) - statistics.median(took_api)
    print(f"target: every page answer under {TARGET_S:.0f} s: {'met' if slowest < TARGET_S else 'MISSED'} "
          f"(slowest {slowest * 1000:.0f} ms; the page adds {added * 1000:+.0f} ms at the median)")
    return 0 if slowest < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
