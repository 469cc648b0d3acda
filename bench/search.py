"""Benchmark: the search index, on SQLite (FTS5) or PostgreSQL (tsvector + GIN).

    .venv/bin/python bench/search.py [--pages 100000] [--queries 50] [--database-url postgres://…/bench_evidence]

Generates ``--pages`` pages of about 400 words (a 30,000-word vocabulary drawn with Zipf's law,
so that some words are common and most are rare, as in English), then:

- indexing: the pages inserted into the index's table (its FTS5 triggers, or its generated
  tsvector and GIN index, doing their work), against the same rows inserted the same way into a
  plain table of the same columns with no index, in the same run: pages/s and the ratio
  (target at least 0.3);
- the same texts inserted into a bare full-text table, configured as Docket's index (FTS5 with the same
  tokenizer; a generated tsvector with a GIN index), with no other column and no Docket code: the
  ratio the engine itself allows, so that Docket's own share of the cost can be told apart;
- queries through ``docket.evidence.search.search`` (ranking, 20 hits, snippets): single words,
  two-word phrases taken from the pages, and a word filtered by campaign, kind and dates: p50 and
  p95 in ms (target p95 under 50 ms).

Without ``--database-url`` the database is a fresh SQLite file in a temporary folder; with it, the
named PostgreSQL database (dropped and created afresh: never give a real one).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # the repository, not bench/: bench/queue.py would hide the standard library's queue
COLUMNS = ["audience", "kind", "campaign_id", "request_id", "body_id", "page", "title", "date", "text"]
BATCH = 500
SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "ea")]


def setup(database_url: str | None) -> None:
    if database_url:
        os.environ["DOCKET_DATABASE_URL"] = database_url
        _create_postgresql_database(database_url)
    os.environ.setdefault("DOCKET_DATA_DIR", tempfile.mkdtemp(prefix="docket-bench-search-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "docket.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_postgresql_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if name in {"postgres", "docket"}:
        sys.exit("give a database of its own for the benchmark: its tables are emptied")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words)


def pages(count: int, rng: random.Random, words: list[str]) -> list[str]:
    weights = [1 / (rank + 1) for rank in range(len(words))]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    out = []
    for _ in range(count):
        drawn = rng.choices(words, cum_weights=cumulative, k=rng.randint(340, 460))
        sentences = [" ".join(drawn[i : i + 15]).capitalize() + "." for i in range(0, len(drawn), 15)]
        out.append(" ".join(sentences))
    return out


def fixtures() -> tuple[list[int], list[int], list[int]]:
    """A campaign of 40 bodies, each with a request: (campaign ids, request ids, body ids)."""
    from docket.campaigns.models import Campaign, Office, Recipient
    from docket.directory.models import Body, Contact
    from docket.requests.models import InfoRequest

    office = Office.objects.create(name="Bench office", signatory_name="B", address_lines="1 Street")
    campaigns = [Campaign.objects.create(slug=f"bench-{n}", title=f"Bench {n}", office=office) for n in range(2)]
    requests, bodies = [], []
    for number in range(40):
        body = Body.objects.create(name=f"Bench body {number}", slug=f"bench-body-{number}")
        contact = Contact.objects.create(body=body, full_name=f"Person {number}")
        recipient = Recipient.objects.create(campaign=campaigns[number % 2], contact=contact)
        request = InfoRequest.objects.create(campaign=campaigns[number % 2], recipient=recipient)
        requests.append(request.pk)
        bodies.append(body.pk)
    return [c.pk for c in campaigns], requests, bodies


def rows(texts: list[str], campaigns: list[int], requests: list[int], bodies: list[int]) -> list[tuple[object, ...]]:
    start = datetime.date(2020, 10, 13)
    out = []
    for number, text in enumerate(texts):
        which = number % len(requests)
        out.append(
            (
                "staff",
                "document" if number % 5 else "reply",
                campaigns[which % 2],
                requests[which],
                bodies[which],
                number % 30 + 1,
                f"Document {number // 30}",
                start + datetime.timedelta(days=number % 120),
                text,
            )
        )
    return out


def insert(table: str, data: list[tuple[object, ...]]) -> float:
    """Seconds to insert the rows, a transaction of BATCH rows at a time."""
    from django.db import connection, transaction

    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608 - our two table names
    began = time.perf_counter()
    for first in range(0, len(data), BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, data[first : first + BATCH])
    return time.perf_counter() - began


def plain_table() -> None:
    """A table of the same columns as the index's, with no full-text index (the baseline)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        key = "integer PRIMARY KEY AUTOINCREMENT" if connection.vendor == "sqlite" else "bigserial PRIMARY KEY"
        cursor.execute(
            f"CREATE TABLE bench_plain (id {key}, audience varchar(6), kind varchar(10), campaign_id bigint, "
            "request_id bigint, body_id bigint, page integer, title varchar(300), date date, text text)"
        )


def bare_engine() -> str:
    """The full-text engine alone, as Docket configures it, with no other column and no Docket code: a
    second baseline, the best ratio the index could reach (its tokenising and indexing are the cost)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE bench_bare USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')"
            )
        else:
            cursor.execute(
                "CREATE TABLE bench_bare (id bigserial PRIMARY KEY, text text, vector tsvector "
                "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED)"
            )
            cursor.execute("CREATE INDEX bench_bare_vector ON bench_bare USING gin (vector)")
    return "bench_bare"


def insert_text(table: str, texts: list[str]) -> float:
    """Seconds to insert only the texts, a transaction of BATCH rows at a time."""
    from django.db import connection, transaction

    began = time.perf_counter()
    for first in range(0, len(texts), BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} (text) VALUES (%s)", [(t,) for t in texts[first : first + BATCH]])  # noqa: S608 - our table
    return time.perf_counter() - began


def timed(queries: list[tuple[str, object]]) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, queries that found something) of running each query through search()."""
    from docket.evidence.search import search

    took, found = [], 0
    for text, filters in queries:
        began = time.perf_counter()
        results = search(text, filters)  # type: ignore[arg-type]  # the filters are built from the bench's own table, untyped
        took.append((time.perf_counter() - began) * 1000)
        found += bool(results.hits)
    took.sort()
    return statistics.median(took), took[max(0, round(len(took) * 0.95) - 1)], found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="postgres://…/NAME (default: SQLite in a temp folder)")
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection

    from docket.evidence.models import SearchEntry
    from docket.evidence.search import Filters

    SearchEntry.objects.all().delete()
    rng = random.Random(13)
    words = vocabulary(30_000, rng)
    print(f"{connection.vendor}: generating {args.pages:,} pages…", flush=True)
    texts = pages(args.pages, rng, words)
    campaigns, requests, bodies = fixtures()
    data = rows(texts, campaigns, requests, bodies)
    print(f"{sum(len(t.split()) for t in texts) / len(texts):.0f} words a page", flush=True)

    plain_table()
    baseline = insert("bench_plain", data)
    indexed = insert("evidence_searchentry", data)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE evidence_searchentry")
    print(f"plain table:  {len(data) / baseline:8,.0f} pages/s ({baseline:.1f} s)")
    print(f"search index: {len(data) / indexed:8,.0f} pages/s ({indexed:.1f} s)")
    print(f"ratio: {baseline / indexed:.2f} (target ≥ 0.3)")
    engine = insert_text(bare_engine(), texts)
    bare = "FTS5 table" if connection.vendor == "sqlite" else "tsvector + GIN table"
    print(
        f"the engine alone (the text only, into a bare {bare}): "
        f"{len(data) / engine:,.0f} pages/s, ratio {baseline / engine:.2f}: the best the index could reach; "
        f"Docket's index makes {engine / indexed:.2f} of its speed"
    )

    middle = words[200:5000]  # neither the commonest words nor the rarest
    singles = [(rng.choice(middle), Filters()) for _ in range(args.queries)]
    phrases = []
    for _ in range(args.queries):
        page = rng.choice(texts).lower().replace(".", "").split()
        at = rng.randrange(len(page) - 1)
        phrases.append((f'"{page[at]} {page[at + 1]}"', Filters()))
    start = datetime.date(2020, 11, 1)
    filtered = [
        (
            rng.choice(middle),
            Filters(campaigns=(campaigns[0],), kind="document", since=start, until=start.replace(day=30)),
        )
        for _ in range(args.queries)
    ]
    timed(singles[:5])  # warm the caches
    for name, queries in [("single words", singles), ("phrases", phrases), ("filtered", filtered)]:
        p50, p95, found = timed(queries)
        print(f"{name:13} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({found}/{len(queries)} found something)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
