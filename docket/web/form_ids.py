"""Ids read from a posted form: a form that sends something else was tampered with or broken."""

from __future__ import annotations

from collections.abc import Iterable

from docket.errors import DocketError


class NotAnId(DocketError):
    """A posted id that is not a whole number; the message says which field, for an error banner."""


def form_id(value: str | None, what: str) -> int | None:
    """The id in one form field; None when the field is missing or empty."""
    if value is None or not value.strip():
        return None
    if not (value.strip().isascii() and value.strip().isdigit()):
        raise NotAnId(f"The form sent {value[:40]!r} as the {what}, which is not a number: reload the page and retry.")
    if len(value.strip()) > LONGEST_ID:
        raise NotAnId(
            f"The form sent {value[:40]!r} as the {what}, which is no id Docket made: reload the page and retry."
        )
    return int(value)


LONGEST_ID = 18  # digits: every id fits a 64-bit integer column; a longer one would overflow the query


def form_ids(values: Iterable[str], what: str) -> list[int]:
    """The ids in a multiple-choice field, empty values (the 'none chosen' marker) skipped."""
    return [found for value in values if (found := form_id(value, what)) is not None]


def id_or_none(value: object) -> int | None:
    """A posted value as an id a query can take, or None (a form field then says it is not a valid choice)."""
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= LONGEST_ID else None
