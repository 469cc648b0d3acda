"""On PostgreSQL a frozen letter's PDF is kept as it is, and travels to the server as its bytes.

A PDF is compressed already: compressing it again, or sending it as hex text twice its size, costs
CPU on every letter queued (issue 15's note gives the figures).
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from docket.requests.models import FrozenLetter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL settings; SQLite has none")


def test_the_pdf_column_is_stored_out_of_line_uncompressed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'pdf'",
            [FrozenLetter._meta.db_table],
        )
        assert cursor.fetchone() == ("e",)  # EXTERNAL; a bytea column is "x" (EXTENDED: compressed) by default


def test_parameters_are_bound_by_the_server_and_bytes_come_back_whole():
    every_byte = bytes(range(256)) * 200
    with connection.cursor() as cursor:
        assert not isinstance(cursor.cursor, psycopg.ClientCursor)  # a client cursor writes bytes into the SQL
        cursor.execute("SELECT %s::bytea, length(%s::bytea)", [every_byte, every_byte])
        back, length = cursor.fetchone()
    assert bytes(back) == every_byte
    assert length == len(every_byte)
