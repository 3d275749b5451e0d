"""The packages of qa/ follow the pipeline: each imports only the stages below it, and no import cycle.

Every import counts, the ones inside functions too: a lazy upward import is still a dependency a reader
has to know about. The ranks are those of each package's `__init__` docstring (../shared/ARCHITECTURE.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

QA = Path(__file__).resolve().parent.parent / "qa"

# A package may import those of a lower rank; equal ranks are peers that never import each other.
RANKS = {
    "text": 0,
    "prompts": 0,
    "": 1,  # qa's own modules: settings, records, schemas
    "index": 2,
    "llm": 2,
    "ingest": 3,
    "answer": 4,
    "brief": 5,
    "evals": 6,
    "service": 7,
    "cli": 8,  # the command line starts the service
    "testing": 9,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(QA.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (QA / parts[1]).is_dir()) else ""


def _imports(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "qa")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "qa":
            for alias in node.names:  # `from qa.text import analyze` imports the module qa.text.analyze
                sub = f"{node.module}.{alias.name}"
                found.add(sub if _exists(sub) else node.module)
    return found


def _exists(module: str) -> bool:
    base = QA.parent.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


MODULES = {_module_name(p): p for p in QA.rglob("*.py")}


def test_every_package_is_ranked() -> None:
    packages = {_package(m) for m in MODULES}
    assert packages <= set(RANKS), f"unranked packages: {packages - set(RANKS)}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_lower_stages(module: str) -> None:
    own = _package(module)
    for target in _imports(MODULES[module], top_level_only=False):
        other = _package(target)
        if other == own:
            continue
        assert RANKS[other] < RANKS[own], f"{module} imports {target}: {own or 'qa'} may not import {other or 'qa'}"


def test_nothing_but_the_tests_imports_the_test_doubles() -> None:
    users = [m for m, p in MODULES.items() if _package(m) != "testing"
             and any(_package(t) == "testing" for t in _imports(p, top_level_only=False))]
    assert users == []


def test_no_import_cycle() -> None:
    graph = {m: {t for t in _imports(p, top_level_only=True) if t in MODULES} for m, p in MODULES.items()}
    # A package's __init__ is imported before any of its modules: the edge parent -> child is implicit.
    done: set[str] = set()
    stack: list[str] = []

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in stack, "import cycle: " + " -> ".join([*stack[stack.index(module):], module])
        stack.append(module)
        for target in sorted(graph[module]):
            visit(target)
        stack.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_the_top_level_holds_the_stage_packages_and_few_modules() -> None:
    modules = sorted(p.name for p in QA.glob("*.py") if p.name != "__init__.py")
    packages = sorted(p.name for p in QA.iterdir() if (p / "__init__.py").is_file())
    assert len(modules) <= 6, modules
    assert {"text", "index", "ingest", "llm", "answer", "brief", "evals", "service", "cli", "testing"} <= set(packages)


def test_every_package_says_what_it_holds_and_may_import() -> None:
    for init in QA.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "import" in doc.lower(), f"{init}: the docstring should say what the package may import"
