"""A database of its own for tests that run `docket` in another process.

On the SQLite run it is a file; on the PostgreSQL run, a fresh database on the
same server, dropped afterwards, so that the subprocess tests also run on
PostgreSQL.

Its tables are made already: the migrations run once per test run, into a template that each
test's database is copied from (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL), so a test's `docket init` finds nothing left to migrate. Migrating from nothing is
tested where it is the subject: the test database itself, `docket demo` (tests/test_cli.py), and
the migration tests.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from tests.conftest import REPO

DOCKET = str(REPO / ".venv" / "bin" / "docket")
_templates: dict[str, str] = {}  # what was migrated in this test run: "sqlite" → its file, "postgres" → its name


def _postgres_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


@contextmanager
def isolated_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment variables for a `docket` process with its own database: Docket's tables, no rows."""
    base = os.environ.get("DOCKET_DATABASE_URL", "")
    env = {"DOCKET_DATA_DIR": str(tmp_path)}
    if not base.startswith("postgres"):
        migrated_sqlite(tmp_path / "docket.sqlite3")
        yield env | {"DOCKET_DATABASE_URL": f"sqlite:///{tmp_path / 'docket.sqlite3'}"}
        return
    name = f"docket_iso_{uuid.uuid4().hex[:12]}"
    template = _postgres_template(base)
    with psycopg.connect(_postgres_url(base), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield env | {"DOCKET_DATABASE_URL": base.rsplit("/", 1)[0] + "/" + name}
    finally:
        with psycopg.connect(_postgres_url(base), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrated_sqlite(path: Path) -> Path:
    """A SQLite database at ``path`` with Docket's tables made (a copy of this test run's migrated template)."""
    if "sqlite" not in _templates:
        folder = Path(tempfile.mkdtemp(prefix="docket-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "docket.sqlite3"
        _migrate({"DOCKET_DATA_DIR": str(folder), "DOCKET_DATABASE_URL": f"sqlite:///{template}"})
        _templates["sqlite"] = str(template)
    shutil.copyfile(_templates["sqlite"], path)
    return path


def _postgres_template(base: str) -> str:
    if "postgres" not in _templates:
        name = f"docket_tpl_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_postgres_url(base), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        atexit.register(_drop, base, name)
        folder = Path(tempfile.mkdtemp(prefix="docket-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _migrate({"DOCKET_DATA_DIR": str(folder), "DOCKET_DATABASE_URL": base.rsplit("/", 1)[0] + "/" + name})
        _templates["postgres"] = name
    return _templates["postgres"]


def _migrate(env: dict[str, str]) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"} | env
    subprocess.run([DOCKET, "manage", "migrate", "--no-input"], env=environment, capture_output=True, check=True)


def _drop(base: str, name: str) -> None:
    with psycopg.connect(_postgres_url(base), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    url = env["DOCKET_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    with psycopg.connect(_postgres_url(url)) as connection:
        return connection.execute(sql).fetchall()
