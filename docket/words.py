"""Counts in words a person reads: "1 letter", "3 letters", "1,200 replies", never the noun with "(s)"."""

from __future__ import annotations


def count(number: int, noun: str, plural: str = "") -> str:
    """``number`` and ``noun``, made plural unless there is one (``plural`` when adding "s" is wrong)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def counts(*parts: tuple[int, str]) -> str:
    """'3 letters and 2 chasers', '1 chaser', '2 letters, 1 chaser and 4 replies': each (number, noun) that is not
    0, counted as ``count`` does; the first counted if all are 0."""
    said = [count(number, noun) for number, noun in parts if number] or [count(parts[0][0], parts[0][1])]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
