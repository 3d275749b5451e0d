"""Feed benchmark: a 100-entry feed ingested by `qa ingest FEED` and by a first `qa watch`, then polled again
unchanged.

A loopback site (qa.testing.fake_web) serves 100 article pages made from the corpus (each of the 21 releases in
several versions, every one a different release) and an RSS feed of them. The run, all through the real
command line with the default settings but QA_FETCH__ALLOW_PRIVATE=true (the site is on loopback):
`qa ingest FEED` (101 requests); into another index, `qa watch FEED --once` (its first poll, the same
requests); then `qa watch --once` (the feed unchanged: one conditional request, a 304, nothing changed).
The baseline, in the same run, is `qa ingest` of the same 100 releases saved as files, so the figures show
what fetching adds. Exits 1 when the feed takes 10 s or more, when the unchanged poll makes any request but
one conditional one, or when any release is missing.

Run: .venv/bin/python benchmarks/feeds.py [--entries 100]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qa.testing.fake_web import FakeWeb  # noqa: E402
from tests.web_corpus import Release, article_page, corpus_releases, rss  # noqa: E402

QA = Path(sys.executable).parent / "qa"
TARGET_S = 10.0


def versions(n: int) -> list[Release]:
    """n different releases: the corpus's, then each again under another slug with a numbered addition."""
    base = corpus_releases()
    out = []
    for i in range(n):
        r = base[i % len(base)]
        round_ = i // len(base)
        out.append(r if round_ == 0 else replace(
            r, name=f"{Path(r.name).stem}_v{round_}.txt", title=f"{r.title} (Update {round_})",
            body=f"{r.body}\nUpdate {round_}: the department released revision {round_} of this statement."))
    return out


def run(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    began = time.perf_counter()
    done = subprocess.run([str(QA), *args], env=env, capture_output=True, text=True, timeout=300)
    return time.perf_counter() - began, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100)
    args = parser.parse_args()
    releases = versions(args.entries)
    ok = True
    with tempfile.TemporaryDirectory() as tmp, FakeWeb() as site:
        env = {**os.environ, "QA_FETCH__ALLOW_PRIVATE": "true", "QA_LOG__PATH": str(Path(tmp) / "logs.db")}
        items = []
        files = Path(tmp) / "files"
        files.mkdir()
        for r in releases:
            url = f"{site.base}/News/Releases/{r.slug}/"
            site.page(f"/News/Releases/{r.slug}/", article_page(r, url))
            items.append((r, url))
            (files / f"{r.slug}.txt").write_text(f"Title: {r.title}\nDate: {r.date}\nSource: {url}\n\n{r.body}\n")
        site.page("/feed.xml", rss("DoD releases", items), content_type="application/rss+xml", etag='"feed-1"',
                  last_modified="Mon, 01 Dec 2025 12:00:00 GMT")
        feed = site.base + "/feed.xml"

        local_s, local = run(["ingest", str(files), "--db", str(Path(tmp) / "files.db"), "--json"], env)
        fed_s, fed = run(["ingest", feed, "--db", str(Path(tmp) / "feed.db"), "--json"], env)
        first = len(site.requests)
        watched_s, watched = run(["watch", feed, "--once", "--db", str(Path(tmp) / "watched.db"), "--json"], env)
        polled = len(site.requests)
        again_s, again = run(["watch", "--once", "--db", str(Path(tmp) / "watched.db"), "--json"], env)
        second = site.requests[polled:]
        for name, done in (("files", local), ("feed", fed), ("watch", watched), ("poll", again)):
            if done.returncode != 0:
                print(f"{name}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
                ok = False
        report = json.loads(fed.stdout) if fed.stdout else {}
        first_poll = json.loads(watched.stdout.splitlines()[0]) if watched.stdout else {}
        poll = json.loads(again.stdout.splitlines()[0]) if again.stdout else {}
    stored = len(report.get("added", []))
    watched_new = first_poll.get("new", 0)
    conditional = [r for r in second if "if-none-match" in r.headers or "if-modified-since" in r.headers]
    print(f"{args.entries}-entry feed over loopback, default settings but fetch.allow_private")
    print(f"baseline: qa ingest of the same releases as files   {local_s:6.2f} s")
    print(f"qa ingest FEED: {first} requests, {stored} releases      {fed_s:6.2f} s"
          f"   ({(fed_s - local_s) / max(1, args.entries) * 1000:.1f} ms per entry over the files)")
    print(f"qa watch FEED --once, its first poll: {polled - first} requests, {watched_new} new entries   "
          f"{watched_s:6.2f} s")
    print(f"qa watch --once, feed unchanged: {len(second)} request(s), {len(conditional)} conditional, "
          f"status {poll.get('status')}   {again_s:6.2f} s")
    ok = ok and stored == args.entries == watched_new and len(second) == 1 == len(conditional) \
        and poll.get("status") == "not_modified"
    met = max(fed_s, watched_s) < TARGET_S
    print(f"target: the feed in under {TARGET_S:.0f} s: {'met' if met else 'MISSED'}; unchanged poll: "
          f"{'one conditional request, nothing changed' if ok else 'FAILED'}")
    return 0 if ok and met else 1


if __name__ == "__main__":
    sys.exit(main())
