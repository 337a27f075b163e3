"""Dependencies between server's domain packages run one way: the import-linter contracts in pyproject.toml."""
import pkgutil
import tomllib
from pathlib import Path

from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

import server

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

def _layered_packages() -> set[str]:
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    return {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}


def test_no_domain_package_imports_one_above_it():
    configure()  # what the lint-imports command does first
    assert lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)


def test_every_domain_package_has_its_place_in_the_stack():
    packages = {f"server.{m.name}" for m in pkgutil.iter_modules(server.__path__) if m.ispkg}
    assert packages - {"server.migrations"} == _layered_packages()
