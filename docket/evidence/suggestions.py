"""Passages the search suggests for a theme: the sentences of replies and documents where its keywords are.

Each is kept as a ``Suggestion`` for a person to accept (it becomes a coded passage) or dismiss;
a place suggested once is not suggested again for the same theme.
"""

from __future__ import annotations

import re

from docket.evidence.models import Kind, SearchEntry, Suggestion, Theme
from docket.evidence.query import QueryError
from docket.evidence.search import Filters, search

MAX_SENTENCE = 400
SENTENCE_END = re.compile(r"[.!?]\s|\n\s*\n")


def keyword_query(theme: Theme) -> str:
    """The theme's keywords as a search: any of them (several words in one keyword, as a phrase)."""
    parts = [part.strip() for part in theme.keywords.split(",") if part.strip()] or [theme.name]
    words = [re.findall(r"\w+", part) for part in parts]
    return " OR ".join('"' + " ".join(w) + '"' if len(w) > 1 else w[0] for w in words if w)


def suggest(theme: Theme, limit: int = 30) -> int:
    """New suggestions for the theme from the best hits of its keywords; how many were added."""
    query = keyword_query(theme)
    if not query:
        return 0
    try:
        hits = search(query, Filters(campaigns=(theme.campaign_id,)), limit=limit).hits
    except QueryError:
        return 0
    known: set[tuple[int, int | None, int]] = set(
        Suggestion.objects.filter(theme=theme).values_list("message_id", "attachment_id", "start")
    )
    added = []
    for hit in hits:
        entry = hit.entry
        if entry.kind == Kind.LETTER or entry.message_id is None:
            continue
        place = _sentence(entry, query)
        if place is None or (entry.message_id, entry.attachment_id, place[0]) in known:
            continue
        start, end, quote = place
        known.add((entry.message_id, entry.attachment_id, start))
        added.append(
            Suggestion(
                theme=theme,
                request_id=entry.request_id,
                message_id=entry.message_id,
                attachment_id=entry.attachment_id,
                source_name=entry.title,
                page=entry.page,
                start=start,
                end=end,
                quote=quote,
            )
        )
    Suggestion.objects.bulk_create(added)
    return len(added)


def _sentence(entry: SearchEntry, query: str) -> tuple[int, int, str] | None:
    """(start, end, text) in the source's whole text of the sentence where a keyword first is on the entry's page."""
    words = [w for w in re.findall(r"\w+", query) if w not in {"OR"}]
    found = re.search(r"\b(" + "|".join(re.escape(w[:5]) for w in words) + r")", entry.text, re.IGNORECASE)
    if found is None:
        return None
    text = entry.text
    start = max((m.end() for m in SENTENCE_END.finditer(text, 0, found.start())), default=0)
    stop = SENTENCE_END.search(text, found.end())
    end = min(stop.start() + 1 if stop else len(text), start + MAX_SENTENCE)
    offset = 0
    if entry.attachment is not None and entry.page > 1:
        offset = entry.attachment.page_starts[entry.page - 2]
    quote = text[start:end].strip()
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    return offset + start + lead, offset + start + lead + len(quote), quote
