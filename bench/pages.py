"""Benchmark: the workspace's pages for a campaign of 20,000 recipients, and a recipients import.

    .venv/bin/python bench/pages.py [--recipients 20000] [--import-rows 10000] [--repeat 10]

Builds (in a fresh SQLite file, or at DOCKET_BENCH_DATABASE_URL) a directory and a campaign of
``--recipients`` recipients, half of them with a draft request and its event; then times
``import_recipients`` of a ``--import-rows`` file into a second campaign (its contacts new to a
directory that already holds the first campaign's); on PostgreSQL, ANALYZE then (as autovacuum soon
would after a bulk load). Then starts `docket serve` (Granian, one worker)
and, signed in as an admin, asks each page ``--repeat`` times in turn, printing the median and best
time from request to last byte: the campaign page, the letter editor, the dashboard and the
directory, and a static file from the same server in the same run as the floor.
Targets: each page under 300 ms; the import of 10,000 rows under 10 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKET = str(ROOT / ".venv" / "bin" / "docket")

PREPARE = """
import csv, sys, time
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0); call_command("collectstatic", interactive=False, verbosity=0)
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from docket.campaigns import actions
from docket.campaigns.importing import import_recipients
from docket.campaigns.models import Campaign, Office
from docket.directory.models import Body, Contact, Tag
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.models import Event, InfoRequest

size, rows, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
office = Office.objects.create(name="Bench Office", signatory_name="A", signatory_role="B", address_lines="1 Street")
campaign = Campaign.objects.create(slug="big", title="A big campaign", office=office,
                                   template_source="Dear {{ contact.full_name }}, {{ fields.area_sentence }}.")
actions.add_item(campaign, "strategy", "your strategy", Actor("bench"))
tag = Tag.objects.create(name="Bench")
bodies = Body.objects.bulk_create(
    (Body(name=f"Bench body {n:06d}", slug=f"bench-body-{n:06d}", kind="Council") for n in range(size)),
    batch_size=2000)
Body.tags.through.objects.bulk_create((Body.tags.through(body_id=b.pk, tag_id=tag.pk) for b in bodies), batch_size=2000)
contacts = Contact.objects.bulk_create(
    (Contact(body=b, full_name=f"Person {b.name}", email=f"p{b.pk}@bench.example") for b in bodies), batch_size=2000)
actions.add_recipients(campaign, contacts, Actor("bench"))
recipients = list(campaign.recipients.order_by("pk")[: size // 2])
requests = InfoRequest.objects.bulk_create(
    (InfoRequest(campaign=campaign, recipient=r) for r in recipients), batch_size=2000)
Event.objects.bulk_create(
    (Event(campaign=campaign, request=q, actor_name="bench", kind=EventKind.CREATE,
           from_state="draft", to_state="draft") for q in requests), batch_size=2000)
second = Campaign.objects.create(slug="imported", title="Imported", office=office)
actions.add_item(second, "strategy", "your strategy", Actor("bench"))
path = f"{folder}/recipients.csv"
with open(path, "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["body", "full_name", "email", "tags", "field:area_sentence", "item:strategy"])
    for n in range(rows):
        writer.writerow([f"Imported body {n}", f"Person {n}", f"i{n}@imported.example", "Bench", f"area {n}", "ask"])
started = time.perf_counter()
report = import_recipients(second, __import__("pathlib").Path(path))
took = time.perf_counter() - started
print(f"IMPORT {rows} {took:.2f} {report.created}")
from django.db import connection
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum soon would after a bulk load: the planner's row counts
user = User.objects.create_superuser("bench@office.example", "bench@office.example", "x" * 20)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(f"SESSION {session.session_key}")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(url: str, cookie: str, repeat: int) -> tuple[float, float, int]:
    """Median and best milliseconds from request to last byte, and the size of the answer."""
    times = []
    size = 0
    for _ in range(repeat):
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            size = len(response.read())
            if response.status != 200:
                raise SystemExit(f"{url}: HTTP {response.status}")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=20000)
    parser.add_argument("--import-rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="docket-bench-pages-")
    database = os.environ.get("DOCKET_BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    env = os.environ | {"DOCKET_DATA_DIR": folder, "DOCKET_DATABASE_URL": database}
    env["DJANGO_SETTINGS_MODULE"] = "docket.settings"
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", PREPARE, str(args.recipients), str(args.import_rows), folder],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    built = time.perf_counter() - started
    lines = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("IMPORT", "SESSION")))
    rows, took, created = lines["IMPORT"].split()
    cookie = f"sessionid={lines['SESSION'].strip()}"
    port = free_port()
    server = subprocess.Popen(
        [DOCKET, "serve", "--port", str(port), "--workers", "1", "--threads", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    pages = [
        ("campaign page", "/campaigns/big/"),
        ("campaign page, searched", "/campaigns/big/?q=000123"),
        ("letter editor", "/campaigns/big/letter/"),
        ("dashboard", "/"),
        ("directory", "/directory/"),
        ("static file (floor)", "/static/docket/vendor/govuk-frontend.min.css"),
    ]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/static/docket/workspace.css", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        results = [(name, *timed(base + path, cookie, args.repeat)) for name, path in pages]
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"database: {database.split(':')[0]}; {args.recipients} recipients (built in {built:.0f} s)")
    print(f"  import of {rows} recipients: {float(took):.2f} s ({created} created; target < 10 s)")
    print(f"  one server worker, one thread; {args.repeat} requests each, in turn (target < 300 ms):")
    for name, median, best, size in results:
        print(f"  {name:26} median {median:7.1f} ms, best {best:7.1f} ms, {size / 1024:7.1f} KiB")


if __name__ == "__main__":
    main()
