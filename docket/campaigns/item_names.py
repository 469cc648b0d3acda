"""A requested item's name in a sentence: "the response strategy", but "a list of contracts" and
"your latest statement" as they are (an item named with its own article or possessive)."""

from __future__ import annotations

# Words that already say which one: no "the" before them.
DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "your",
        "our",
        "their",
        "its",
        "his",
        "her",
        "my",
        "any",
        "all",
        "each",
        "every",
        "some",
        "this",
        "that",
        "these",
        "those",
    ]
)


def the_item(label: str) -> str:
    """``the_item("Response strategy")`` is "the Response strategy"; ``the_item("A list of …")`` is "a list of …"."""
    words = label.split(maxsplit=1)
    if words and words[0].lower() in DETERMINERS:
        return words[0].lower() + label[len(words[0]) :]
    return f"the {label}"
