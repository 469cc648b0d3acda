"""The migration that splits index rows longer than PART_CHARS into parts, as the index now writes them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from docket.evidence.indexing import PART_CHARS, parts
from docket.evidence.models import SearchEntry
from docket.evidence.search import search

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("evidence", "0003_theme_summaries_quotations")]
AFTER = [("evidence", "0004_search_rows_in_parts")]


def test_a_long_row_of_an_older_index_is_split_and_still_found(replied):
    long = " ".join(f"word{n}" for n in range(20_000)) + " lastneedle"
    row = SearchEntry.objects.filter(attachment=replied.strategy).first()
    assert row is not None
    SearchEntry.objects.filter(pk=row.pk).update(text=long)  # as the index wrote a long page before
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    rows = SearchEntry.objects.filter(attachment=replied.strategy, page=row.page).order_by("pk")
    assert [entry.text for entry in rows] == list(parts(long))
    assert max(len(entry.text) for entry in rows) <= PART_CHARS
    assert [hit.where for hit in search("lastneedle").hits] == [f"page {row.page} of Response Strategy.pdf"]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
