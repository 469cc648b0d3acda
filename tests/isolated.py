"""A database of its own for tests that run `docket` in another process.

On the SQLite run it is a file; on the PostgreSQL run, a fresh database on the
same server, dropped afterwards, so that the subprocess tests also run on
PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg


def _postgres_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


@contextmanager
def isolated_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment variables for a `docket` process with its own, empty database."""
    base = os.environ.get("DOCKET_DATABASE_URL", "")
    env = {"DOCKET_DATA_DIR": str(tmp_path)}
    if not base.startswith("postgres"):
        yield env | {"DOCKET_DATABASE_URL": f"sqlite:///{tmp_path / 'docket.sqlite3'}"}
        return
    name = f"docket_iso_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_postgres_url(base), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield env | {"DOCKET_DATABASE_URL": base.rsplit("/", 1)[0] + "/" + name}
    finally:
        with psycopg.connect(_postgres_url(base), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    url = env["DOCKET_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    with psycopg.connect(_postgres_url(url)) as connection:
        return connection.execute(sql).fetchall()
