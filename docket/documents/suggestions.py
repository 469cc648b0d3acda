"""Which requested item an attachment probably is, from its name and first page.

"Strategic Needs Assessment 2020.pdf" or a first page headed "Response
Strategy" point at those items. A suggestion is only shown to a person, who
marks the item received (or not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

STOPWORDS = frozenset(
    {"a", "an", "and", "any", "as", "at", "by", "for", "from", "in", "of", "on", "or", "our"}
    | {"regarding", "the", "to", "with", "your"}
)
FIRST_PAGE_CHARS = 3000


@dataclass(frozen=True)
class Candidate:
    key: str
    names: tuple[str, ...]  # the item's label and this body's own title for it


def words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z]+", text.lower()) if word not in STOPWORDS and len(word) > 1}


def alternatives(name: str) -> list[str]:
    """ "Problem Profile/Strategic Needs Assessment" names either document."""
    return [part.strip() for part in name.split("/") if part.strip()]


def _score(name: str, filename: str, first_page: str) -> float:
    wanted = words(name)
    if not wanted:
        return 0.0
    in_name = len(wanted & words(filename)) / len(wanted)
    in_page = len(wanted & words(first_page)) / len(wanted)
    return max(in_name, 0.9 * in_page)


def suggest(filename: str, text: str, candidates: Iterable[Candidate]) -> str | None:
    """The key of the best-matching item, if one matches well enough and better than the rest."""
    first_page = text[:FIRST_PAGE_CHARS]
    scored = sorted(
        (
            (max(_score(alt, filename, first_page) for name in c.names for alt in alternatives(name)), c.key)
            for c in candidates
            if c.names
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < 0.6:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # a tie: better no suggestion than a wrong one
    return scored[0][1]
