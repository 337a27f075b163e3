"""Every third-party module the server imports is installed by a dependency pyproject.toml declares.

A package installed by hand on one machine would pass every other test there and fail on a fresh one.
"""
from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _needed(requirements) -> list[str]:
    """The names of the requirements that apply here, leaving out extras and other platforms' markers."""
    parsed = [Requirement(r) for r in requirements or ()]
    return [canonicalize_name(r.name) for r in parsed if not r.marker or r.marker.evaluate({"extra": ""})]


def _declared(*extras: str) -> set[str]:
    """The declared distributions and, transitively, what they require (a `flask` import is fine)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    todo = _needed(project["dependencies"] + [r for extra in extras for r in project["optional-dependencies"][extra]])
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += _needed(requires(name))
    return seen


def _imported_top_levels(*folders: str) -> set[str]:
    names = set()
    for path in (path for folder in folders for path in (ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"server", "device_sync", "tests", "__future__"}


def _undeclared(folders: tuple[str, ...], extras: tuple[str, ...]) -> dict[str, list[str] | None]:
    providers = packages_distributions()
    declared = _declared(*extras)
    return {module: providers.get(module) for module in _imported_top_levels(*folders)
            if not {canonicalize_name(d) for d in providers.get(module, [])} & declared}


def test_every_import_of_the_app_comes_from_a_runtime_dependency():
    assert not _undeclared(("server", "device_sync"), ()), "imported but not installed by pyproject's dependencies"


def test_every_import_of_the_tests_comes_from_a_declared_dependency():
    assert not _undeclared(("tests",), ("test",)), "imported by tests/ but not installed by the test extra"
