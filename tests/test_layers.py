"""The import-linter contracts in pyproject.toml keep up with the package."""

from __future__ import annotations

import pkgutil
import tomllib

import docket
from tests.conftest import REPO


def test_letters_is_forbidden_every_other_module_of_docket():
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    letters = next(c for c in contracts if c["source_modules"] == ["docket.letters"])
    others = {f"docket.{m.name}" for m in pkgutil.iter_modules(docket.__path__)} - {"docket.letters"}
    assert others <= set(letters["forbidden_modules"]), "add the new module to the letters contract"
