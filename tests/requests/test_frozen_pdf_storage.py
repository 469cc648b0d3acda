"""On PostgreSQL a frozen letter's PDF is kept as it is: it is compressed already, and trying again costs CPU."""

from __future__ import annotations

import pytest
from django.db import connection

from docket.requests.models import FrozenLetter

pytestmark = pytest.mark.django_db


def test_the_pdf_column_is_stored_out_of_line_uncompressed():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL column setting; SQLite has none")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'pdf'",
            [FrozenLetter._meta.db_table],
        )
        assert cursor.fetchone() == ("e",)  # EXTERNAL; a bytea column is "x" (EXTENDED: compressed) by default
