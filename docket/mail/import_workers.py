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
    """Take in each (where, bytes), a chunk at a time; (created, status) for each."""
    from docket.mail.intake import CHUNK, Incoming, ingest_many

    outcomes = []
    for start in range(0, len(messages), CHUNK):
        incoming = [Incoming(raw, source, where) for where, raw in messages[start : start + CHUNK]]
        outcomes += [(result.created, str(result.message.status)) for result in ingest_many(incoming, ocr=ocr)]
    return outcomes
