"""Counts in words a person reads: "1 letter", "3 letters", "1,200 replies", never the noun with "(s)"."""

from __future__ import annotations


def count(number: int, noun: str, plural: str = "") -> str:
    """``number`` and ``noun``, made plural unless there is one (``plural`` when adding "s" is wrong)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
