"""Searching everything sent and received: one interface, SQLite FTS5 or PostgreSQL full-text search beneath.

``search(query, ...)`` reads the query (``docket.evidence.query``: words, "phrases", prefix*,
AND/OR/NOT, brackets), keeps the rows the filters allow, ranks them (FTS5's bm25; PostgreSQL's
``ts_rank`` through ``SearchRank``) and gives each hit a snippet with the words found marked
(FTS5's ``snippet``; ``ts_headline`` through ``SearchHeadline``). Staff search the text as
received, in the campaigns they may see; the public searches the redacted text of what
``docket.publishing.published`` says is public, and nothing else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Expression, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from docket.evidence import query as query_language
from docket.evidence.indexing import MARK_END, MARK_START
from docket.evidence.models import Audience, SearchEntry
from docket.evidence.query import All, Node, Phrase, QueryError, Term
from docket.evidence.query import Any as AnyOf

CONFIG = "english"  # PostgreSQL's text search configuration; FTS5's tokenizer is porter (English) too
SNIPPET_WORDS = 24
MAX_RESULTS_PAGE = 100


@dataclass(frozen=True)
class Filters:
    """What to search within; ``campaigns`` None means every campaign (the command line, an admin)."""

    campaigns: tuple[int, ...] | None = None
    body: int | None = None
    item: int | None = None  # a requested item (its id): documents marked as that item
    kind: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


@dataclass(frozen=True)
class Hit:
    entry: SearchEntry
    snippet: SafeString

    @property
    def where(self) -> str:
        """'page 7 of Response Strategy.pdf', or the title of a letter or message."""
        return f"page {self.entry.page} of {self.entry.title}" if self.entry.page else self.entry.title


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    more: bool  # there are hits after these


def search(
    text: str, filters: Filters | None = None, *, public: bool = False, limit: int = 20, offset: int = 0
) -> Results:
    """The hits for ``text``, best first; ``QueryError`` if it cannot be read."""
    node = query_language.parse(text)
    limit = max(1, min(limit, MAX_RESULTS_PAGE))
    offset = max(0, offset)
    entries = _filtered(filters or Filters(), public)
    if connection.vendor == "postgresql":
        found, snippets = _postgresql(entries, node, limit + 1, offset)
    else:
        found, snippets = _sqlite(entries, node, limit + 1, offset)
    hits = [Hit(entry, snippet_html(snippets[entry.pk])) for entry in found[:limit]]
    return Results(hits, len(found) > limit)


def _filtered(filters: Filters, public: bool) -> QuerySet[SearchEntry]:
    entries = SearchEntry.objects.select_related("campaign", "body", "request__recipient__contact__body")
    if public:
        from docket.publishing import published  # the one place that says what is public

        public_rows = entries.filter(audience=Audience.PUBLIC, publication__in=published.publications())
        entries = public_rows.select_related("publication")
    else:
        entries = entries.filter(audience=Audience.STAFF)
    if filters.campaigns is not None:
        entries = entries.filter(campaign__in=filters.campaigns)
    if filters.body is not None:
        entries = entries.filter(body=filters.body)
    if filters.item is not None:
        entries = entries.filter(attachment__fulfils__item=filters.item)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.since is not None:
        entries = entries.filter(date__gte=filters.since)
    if filters.until is not None:
        entries = entries.filter(date__lte=filters.until)
    return entries


def _sqlite(entries: QuerySet[SearchEntry], node: Node, limit: int, offset: int) -> tuple[list[Any], dict[int, str]]:
    """Ranked by FTS5 alone first (its best ``pool`` rows, no join), then filtered; a bigger pool, then
    the full join, only when the filters leave too few. Joining every match before ranking costs
    several times more for a common word."""
    match = query_language.fts5(node)
    wanted = offset + limit
    pool = max(4 * wanted, 200)
    while pool <= MAX_POOL:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, rank FROM evidence_fts WHERE evidence_fts MATCH %s ORDER BY rank LIMIT %s", [match, pool]
            )
            ranked = cursor.fetchall()
        rank = dict(ranked)
        kept = sorted(entries.filter(pk__in=list(rank)), key=lambda entry: (rank[entry.pk], entry.pk))
        if len(kept) >= wanted or len(ranked) < pool:  # enough, or every match was in the pool
            found = kept[offset:wanted]
            return found, _snippets(match, [entry.pk for entry in found])
        pool *= 8
    return _sqlite_joined(entries, match, limit, offset)


MAX_POOL = 12_800  # ids in one IN (…): well under SQLite's limit on parameters


def _sqlite_joined(
    entries: QuerySet[SearchEntry], match: str, limit: int, offset: int
) -> tuple[list[Any], dict[int, str]]:
    ranked = entries.extra(
        tables=["evidence_fts"],
        where=["evidence_fts.rowid = evidence_searchentry.id", "evidence_fts MATCH %s"],
        params=[match],
        select={"score": "bm25(evidence_fts)"},
        order_by=["score", "id"],
    )
    found = list(ranked[offset : offset + limit])
    return found, _snippets(match, [entry.pk for entry in found])


def _snippets(match: str, pks: list[int]) -> dict[int, str]:
    if not pks:
        return {}
    marks = ", ".join(["%s"] * len(pks))
    snippet = f"snippet(evidence_fts, 0, char(2), char(3), '…', {SNIPPET_WORDS})"
    where = f"evidence_fts MATCH %s AND rowid IN ({marks})"
    sql = f"SELECT rowid, {snippet} FROM evidence_fts WHERE {where}"  # noqa: S608 - placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *pks])
        return dict(cursor.fetchall())


class StoredVector(Expression):
    """The rows' ``vector`` column (tsvector, generated from ``text`` and GIN-indexed; migration 0001)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str | int, ...]]:
        return f"{compiler.quote_name(SearchEntry._meta.db_table)}.vector", ()


def postgresql_query(node: Node) -> SearchQuery:
    """The query as Django ``SearchQuery`` objects: every word a parameter, never tsquery syntax."""
    if isinstance(node, Term):
        if node.prefix:  # the word is letters and digits alone (query.WORD), quoted
            return SearchQuery(f"'{node.word}':*", search_type="raw", config=CONFIG)
        return SearchQuery(node.word, search_type="plain", config=CONFIG)
    if isinstance(node, Phrase):
        return SearchQuery(" ".join(node.words), search_type="phrase", config=CONFIG)
    if isinstance(node, AnyOf):
        combined = postgresql_query(node.options[0])
        for option in node.options[1:]:
            combined = combined | postgresql_query(option)
        return combined
    assert isinstance(node, All)
    combined = postgresql_query(node.wanted[0])
    for part in node.wanted[1:]:
        combined = combined & postgresql_query(part)
    for part in node.unwanted:
        combined = combined & ~postgresql_query(part)
    return combined


def _postgresql(
    entries: QuerySet[SearchEntry], node: Node, limit: int, offset: int
) -> tuple[list[SearchEntry], dict[int, str]]:
    wanted = postgresql_query(node)
    ranked = (
        entries.annotate(vector=StoredVector())
        .filter(vector=wanted)
        .annotate(score=SearchRank(StoredVector(), wanted))
        .order_by("-score", "id")
    )
    found: list[SearchEntry] = list(ranked[offset : offset + limit])
    # Headlines for the page of hits alone: ts_headline reads the whole text of each row.
    headline = SearchHeadline(
        "text",
        wanted,
        config=CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_END,
        max_words=SNIPPET_WORDS + 11,
        min_words=SNIPPET_WORDS - 9,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    snippets = SearchEntry.objects.filter(pk__in=[entry.pk for entry in found]).annotate(snippet=headline)
    return found, dict(snippets.values_list("pk", "snippet"))


def snippet_html(snippet: str) -> SafeString:
    """The snippet escaped, with the words found in ``<mark>``."""
    html = str(escape(snippet)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(" ".join(html.split()))  # noqa: S308 - escaped above; only the marks are markup


__all__ = ["Filters", "Hit", "QueryError", "Results", "search"]
