"""Counts read as a person writes them: "1 letter", "3 letters", never "letter" with "(s)" after it."""

from __future__ import annotations

import ast
import re

from docket.words import count, counts
from tests.conftest import REPO

NOUN_WITH_S_IN_BRACKETS = re.compile(r"[a-z]\(s\)")


def test_a_count_is_singular_for_one_and_plural_otherwise():
    assert count(1, "letter") == "1 letter"
    assert [count(n, "letter") for n in (0, 2)] == ["0 letters", "2 letters"]
    assert count(12_000, "reply", "replies") == "12,000 replies"
    assert count(1, "reply", "replies") == "1 reply"


def test_counts_of_several_things_name_those_there_are_joined_by_and():
    assert counts((3, "letter"), (2, "chaser")) == "3 letters and 2 chasers"
    assert counts((0, "letter"), (1, "chaser")) == "1 chaser"
    assert counts((1, "letter"), (0, "chaser")) == "1 letter"
    assert counts((0, "letter"), (0, "chaser")) == "0 letters"
    assert counts((1, "letter"), (1, "chaser"), (4, "note")) == "1 letter, 1 chaser and 4 notes"


def test_no_message_of_docket_counts_in_brackets():
    found = []
    for path in sorted((REPO / "docket").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and NOUN_WITH_S_IN_BRACKETS.search(str(node.value)):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {str(node.value).strip()[:60]}")
    assert found == []
