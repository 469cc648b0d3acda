"""Worker processes that share a large import of mail.

A spawned process loads this module before Django is set up, so nothing here
imports models at module level: ``start_worker`` sets Django up, then each chunk is
taken in by ``ingest`` as in the parent.
"""

from __future__ import annotations


def start_worker() -> None:
    import django

    django.setup()


def ingest_chunk(messages: list[tuple[str, bytes]], source: str, ocr: bool) -> list[tuple[bool, str]]:
    """``ingest`` each (where, bytes); (created, status) for each."""
    from docket.mail.intake import ingest

    outcomes = []
    for where, raw in messages:
        result = ingest(raw, source, where, ocr=ocr)
        outcomes.append((result.created, str(result.message.status)))
    return outcomes
