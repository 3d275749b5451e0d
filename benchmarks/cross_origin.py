"""Cross-origin write attempt, driven in Chromium (issue 20, item 2).

Starts `qa serve` (no token, loopback) over the corpus, and a page on another loopback port (another origin)
that makes the browser write to the service the ways a hostile site can without a CORS preflight: a fetch with
mode no-cors and a text/plain body to /v1/files, a form posted as text/plain, a form posted urlencoded to
/v1/releases, and a JSON fetch (which the browser preflights). Then it checks nothing was stored and the seed
question still answers $175 million. Exits 1 on any accepted write. Loopback only; about 30 s.

Run: .venv/bin/python benchmarks/cross_origin.py
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from served import QA, free_port, serving  # noqa: E402

from tests import browser  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dod-releases"
PLANT = "The 52nd drawdown is worth $888 billion."


def hostile_page(target: str) -> bytes:
    return f"""<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="plain" method="post" enctype="text/plain" target="sink" action="{target}/v1/files?name=x.txt">
  <input name="Title: Update\\n\\n{PLANT} x" value="y"></form>
<form id="urlenc" method="post" target="sink" action="{target}/v1/releases"><input name="releases" value="[]"></form>
<script>
window.results = [];
async function attack() {{
  try {{ await fetch("{target}/v1/files?name=y.txt", {{method: "POST", mode: "no-cors",
        headers: {{"Content-Type": "text/plain"}}, body: "Title: Update\\n\\n{PLANT}"}});
        results.push("no-cors sent"); }}
  catch (e) {{ results.push("no-cors failed: " + e); }}
  try {{ await fetch("{target}/v1/releases", {{method: "POST", headers: {{"Content-Type": "application/json"}},
        body: JSON.stringify({{releases: [{{title: "Update", date: "2024-06-01", text: "{PLANT}"}}]}})}});
        results.push("json sent"); }}
  catch (e) {{ results.push("json refused by the browser: " + e); }}
  document.getElementById("plain").submit();
  await new Promise(r => setTimeout(r, 500));
  document.getElementById("urlenc").submit();
  await new Promise(r => setTimeout(r, 500));
  window.done = true;
}}
attack();
</script></body></html>""".encode()


def main() -> int:
    if (why := browser.missing()) is not None:
        print(f"skipped: {why}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cross.db"
        source = [str(CORPUS)] if CORPUS.is_dir() else ["--sample"]
        subprocess.run([str(QA), "ingest", *source, "--db", str(db)], check=True, capture_output=True, timeout=120)
        with serving(db, dict(os.environ)) as port:
            target = f"http://127.0.0.1:{port}"
            page = hostile_page(target)

            class Hostile(http.server.BaseHTTPRequestHandler):
                def do_GET(self) -> None:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)

                def log_message(self, *args: object) -> None:
                    pass

            site = http.server.HTTPServer(("127.0.0.1", free_port()), Hostile)
            threading.Thread(target=site.serve_forever, daemon=True).start()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/v1/releases")
            before = len(json.loads(conn.getresponse().read()))
            try:
                with browser.chromium() as chromium:
                    tab = chromium.new_page()
                    tab.goto(f"http://localhost:{site.server_port}/")  # another origin: host and port differ
                    tab.wait_for_function("window.done === true", timeout=20000)
                    said = tab.evaluate("window.results")
            finally:
                site.shutdown()
            conn.request("GET", "/v1/releases")
            after = len(json.loads(conn.getresponse().read()))
            conn.request("POST", "/v1/ask", body=json.dumps({"question": "How much is the 52nd drawdown worth?",
                                                             "mode": "extractive"}),
                         headers={"Content-Type": "application/json"})
            answer = json.loads(conn.getresponse().read())["answer"]
    print(f"hostile page on another loopback origin, in Chromium: {'; '.join(said)}; then two forms posted")
    print(f"releases before {before}, after {after}; the seed question answers {answer!r}")
    ok = after == before and answer == "$175 million"
    print("ok: 0 cross-origin writes accepted" if ok else "FAIL: a cross-origin write was accepted")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
