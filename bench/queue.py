"""Benchmark: queueing a campaign's letters (letters a second, peak memory), with `docket render` as the floor.

    .venv/bin/python bench/queue.py [--letters 1000,10000] [--workers 2]
    DOCKET_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/queue.py

For each size, a fresh database with the example campaign grown to that many recipients, then, each
as its own process so that its peak memory is its own:

- `docket render CAMPAIGN --format pdf --zip --workers W`: the PDFs alone, on W processes: the floor
  (queueing renders the same PDF, and also the text and HTML, builds the email and writes it all down).
- `docket queue CAMPAIGN`: the job of chunks; the command works on the chunks itself and, with
  --workers W above 1, W-1 more task workers take chunks beside it (django-tasks-db's `db_worker`, the
  part of `docket worker` that runs tasks: a whole `docket worker` would also start sending).

Peak memory is each process's own peak resident set (ru_maxrss, from wait4), the largest of the
processes of a step; render's pool processes are children of the render process and counted in it.
On PostgreSQL the named database is dropped and made again for each size.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)  # not bench/: this file, queue.py, would hide the standard library's queue
DOCKET = [sys.executable, "-m", "docket.cli"]


def fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/template1", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


SETUP = """
import copy, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from docket.campaigns.examples import load_example
from docket.campaigns.models import Recipient, RecipientItem
from docket.directory.models import Body, Contact

count = int(sys.argv[1])
campaign, _ = load_example("iasc-vru-2020")
models = list(campaign.recipients.select_related("contact__body").prefetch_related("item_states").order_by("pk"))
bodies, contacts, recipients = [], [], []
for number in range(count):
    model = models[number % len(models)]
    body = copy.copy(model.contact.body)
    body.pk, body.name, body.slug = None, f"Area {number} PCC", f"area-{number}-pcc"
    contact = copy.copy(model.contact)
    contact.pk, contact.full_name, contact.email = None, f"Commissioner {number}", f"pcc{number}@a{number}.example"
    recipient = copy.copy(model)
    recipient.pk = None
    recipient.fields = dict(model.fields, vru_work=f"{model.fields.get('vru_work', '')} (area {number})")
    bodies.append(body)
    contacts.append(contact)
    recipients.append(recipient)
campaign.recipients.all().delete()
Body.objects.bulk_create(bodies, batch_size=500)
for body, contact in zip(bodies, contacts):
    contact.body = body
Contact.objects.bulk_create(contacts, batch_size=500)
for contact, recipient in zip(contacts, recipients):
    recipient.contact = contact
Recipient.objects.bulk_create(recipients, batch_size=500)
items = []
for number, recipient in enumerate(recipients):
    for state in models[number % len(models)].item_states.all():
        twin = copy.copy(state)
        twin.pk, twin.recipient = None, recipient
        items.append(twin)
RecipientItem.objects.bulk_create(items, batch_size=500)
print(campaign.recipients.count(), "recipients")
"""


def setup(count: int, env: dict[str, str]) -> None:
    """A fresh database with the example campaign and ``count`` recipients made from its three (bulk inserts:
    the import's own speed is bench/pages.py's subject, not this one's)."""
    subprocess.run([sys.executable, "-c", SETUP, str(count)], env=env, check=True, stdout=subprocess.DEVNULL)


def measured(commands: list[list[str]], env: dict[str, str]) -> tuple[float, float]:
    """Run the first command (with the others beside it until it ends): seconds, and the largest peak MB."""
    log = (Path(env["DOCKET_DATA_DIR"]) / "bench.log").open("a")
    start = time.perf_counter()
    main = subprocess.Popen(commands[0], env=env, cwd=REPO, stdout=log, stderr=log)
    helpers = [subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=log) for command in commands[1:]]
    _, status, usage = os.wait4(main.pid, 0)
    seconds = time.perf_counter() - start
    main.returncode = os.waitstatus_to_exitcode(status)
    peaks = [usage.ru_maxrss]
    for helper in helpers:
        helper.terminate()
        _, _, helper_usage = os.wait4(helper.pid, 0)
        helper.returncode = 0
        peaks.append(helper_usage.ru_maxrss)
    log.close()
    if main.returncode != 0:
        raise SystemExit(f"{' '.join(commands[0])} exited with {main.returncode}; see {log.name}")
    return seconds, max(peaks) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", default="1000,10000", help="sizes, comma-separated")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for each step")
    args = parser.parse_args()
    database = os.environ.get("DOCKET_BENCH_DATABASE_URL", "")
    print(
        f"database: {'PostgreSQL' if database else 'SQLite'}; {args.workers} process(es) a step; {os.cpu_count()} cores"
    )
    print(f"{'letters':>8} {'render/s':>9} {'render MB':>10} {'queue/s':>8} {'queue MB':>9} {'queue s':>8}")
    for count in [int(size) for size in args.letters.split(",")]:
        folder = Path(tempfile.mkdtemp(prefix="docket-bench-queue-"))
        env = dict(
            os.environ,
            PYTHONPATH=str(REPO),
            DOCKET_DATA_DIR=str(folder),
            DOCKET_DATABASE_URL=database or f"sqlite:///{folder}/bench.sqlite3",
            DOCKET_TASK_BACKEND="django_tasks_db.DatabaseBackend",
            DOCKET_LOG_LEVEL="warning",
            DJANGO_SETTINGS_MODULE="docket.settings",
        )
        if database:
            fresh_postgres(database)
        setup(count, env)
        render = [*DOCKET, "render", "iasc-vru-2020", "--format", "pdf", "--zip", "--quiet"]
        render += ["--out", str(folder / "letters"), "--workers", str(args.workers)]
        render_seconds, render_mb = measured([render], env)
        helper = [*DOCKET, "manage", "db_worker", "--interval", "0.1", "--no-startup-delay"]
        queue = [*DOCKET, "queue", "iasc-vru-2020", "--quiet"]
        queue_seconds, queue_mb = measured([queue] + [helper] * (args.workers - 1), env)
        print(
            f"{count:>8} {count / render_seconds:>9.1f} {render_mb:>10.0f} "
            f"{count / queue_seconds:>8.1f} {queue_mb:>9.0f} {queue_seconds:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
