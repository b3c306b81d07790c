"""The house's floors: core ← parties ← actions ← meetings ← evaluation, pragueprocess on top.

Imports run down only (at module level and inside functions alike), no app imports pragueprocess,
core imports no app, and there is one stale-edit exception in the code base."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ["core", "parties", "actions", "meetings", "evaluation", "pragueprocess"]


def _imports(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module.split(".")[0]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name.split(".")[0]


@pytest.mark.parametrize("package", FLOORS)
def test_imports_run_down_the_floors_only(package):
    level = FLOORS.index(package)
    upward = [
        f"{path.relative_to(ROOT)} imports {target}"
        for path, target in _imports(package)
        if target in FLOORS and FLOORS.index(target) > level
    ]
    assert upward == []


def test_there_is_one_stale_edit_exception():
    found = []
    for package in FLOORS:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef) and any(
                    (isinstance(b, ast.Name) and b.id == "Exception") for b in node.bases
                ):
                    doc = (ast.get_docstring(node) or "").lower()
                    if "conflict" in node.name.lower() or "stale" in doc or "changed" in doc:
                        found.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert found == ["core/concurrency.py:StaleEdit"]
