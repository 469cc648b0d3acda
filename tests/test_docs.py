"""The README documents every `docket` command and option, and names no command that does not exist."""

from __future__ import annotations

import argparse
import re

from docket.cli import build_parser
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
TABLE_ROW = re.compile(r"^\| `docket ([a-z-]+)[^|]*\|", re.MULTILINE)


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (subparsers,) = (action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return dict(subparsers.choices)


def table_rows() -> dict[str, str]:
    return {match.group(1): match.group(0) for match in TABLE_ROW.finditer(README)}


def test_every_command_has_a_row_in_the_readme_table_with_each_of_its_options():
    rows = table_rows()
    missing = []
    for name, sub in commands().items():
        if name not in rows:
            missing.append(name)
            continue
        options = [o for action in sub._actions for o in action.option_strings if o.startswith("--") and o != "--help"]
        missing += [f"{name} {option}" for option in options if option not in rows[name]]
    assert missing == [], "not in README's table of commands"


def test_every_command_the_readme_names_exists():
    named = set(re.findall(r"`(?:\.venv/bin/)?docket ([a-z][a-z-]*)", README))
    assert named - set(commands()) == set()
