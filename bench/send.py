"""Benchmark: letters a second sent by one outbox worker and by two, against bare smtplib in the same run.

    .venv/bin/python bench/send.py [--letters 500]
    DOCKET_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_send .venv/bin/python bench/send.py

The letters are real letters of the example campaign (PDF attached, about 60 kB each), queued once,
sent to one local SMTP server (aiosmtpd, in its own process, discarding what it receives):

- bare smtplib: `SMTP.sendmail` of the stored bytes over one kept-open connection, nothing recorded;
- one worker: one process running the outbox (`docket.mail.outbox.run`, no throttle) until it is empty;
- two workers: two such processes at once, sharing the outbox by their claims.

Each worker process sets Django up first and says it is ready; the clock starts when all are told to go
and stops when the last has finished. Between runs the same letters are put back in the queue (by SQL,
here only: the product never moves a letter back once it went). The database is SQLite in a temporary
folder, or PostgreSQL with DOCKET_BENCH_DATABASE_URL (a database of that name is created and dropped).
"""

from __future__ import annotations

import argparse
import csv
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # the repository, not bench/: bench/queue.py would hide the standard library's queue


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_sink(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the SMTP sink did not start")


def recipients_csv(count: int, folder: Path) -> Path:
    with (ROOT / "examples" / "iasc-vru-2020" / "recipients.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    extra = []
    for number in range(count - len(rows)):
        row = dict(rows[number % len(rows)])
        row.update(
            body=f"Area {number} PCC", full_name=f"Commissioner {number}", email=f"pcc{number}@a{number}.example"
        )
        extra.append(row)
    path = folder / "recipients.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(extra)
    return path


def worker() -> None:
    """One worker process: set up, say so, wait for "go", send until the outbox is empty, say how many."""
    import django

    django.setup()
    from django.conf import settings

    from docket.mail import outbox
    from docket.mail.channels.smtp import SmtpChannel

    print("ready", flush=True)
    sys.stdin.readline()
    began = time.process_time()
    profile = os.environ.get("DOCKET_BENCH_PROFILE")  # print where the worker spends its time (to stderr)
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    tally = outbox.run(SmtpChannel(settings.DOCKET_SMTP), until_empty=True, rate=0)
    if profile:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(profile).print_stats(35)
    cpu = time.process_time() - began
    print(f"sent {tally.sent} uncertain {tally.uncertain} failed {tally.failed} cpu {cpu:.2f} s", flush=True)


def run_workers(count: int) -> tuple[float, float, list[str]]:
    """Start ``count`` worker processes, let them go together: seconds until the last is done, seconds the
    machine's cores were busy meanwhile, and the workers' words."""
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    busy = machine_busy()
    start = time.perf_counter()
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    said = [process.communicate()[0].strip() for process in processes]
    elapsed = time.perf_counter() - start
    busy = machine_busy() - busy
    assert all(process.returncode == 0 for process in processes), said
    return elapsed, busy, said


def machine_busy() -> float:
    """Seconds the machine's cores have been busy since it started (/proc/stat, Linux): all CPU time but
    idle and waiting for disks, whoever used it (the workers, the SMTP sink, the database server, others)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]  # to steal: guest time is counted in user
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def requeue_all() -> None:
    """Every letter back in the queue, as before it was sent (the benchmark's reset, not a product action)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE mail_outboxmessage SET state = 'queued', claimed_by = '', claimed_at = NULL, "
            "reached_data = %s, sent_at = NULL, smtp_response = '', attempts = 0",
            [False],
        )
        cursor.execute("UPDATE requests_inforequest SET state = 'queued', sent_at = NULL, due_date = NULL")
        cursor.execute("DELETE FROM requests_event WHERE kind = 'mark_sent'")
        if connection.vendor == "postgresql":
            # The rows just written over and deleted, cleared now: otherwise autovacuum may clear them during one
            # run and not another (two workers measured at 0.97x one in one run, 1.35x in the next).
            cursor.execute("VACUUM ANALYZE")


def postgres_database(url: str) -> tuple[str, str]:
    """(the URL of a fresh database named after ``url``'s, the admin URL to drop it with)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    admin = base.replace("postgres://", "postgresql://", 1) + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url, admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return

    folder = Path(tempfile.mkdtemp(prefix="docket-bench-send-"))
    port = free_port()
    postgres = os.environ.get("DOCKET_BENCH_DATABASE_URL", "")
    admin = ""
    if postgres:
        postgres, admin = postgres_database(postgres)
    os.environ.update(
        DOCKET_DATA_DIR=str(folder),
        DOCKET_DATABASE_URL=postgres or f"sqlite:///{folder}/bench.sqlite3",
        DOCKET_SMTP_URL=f"smtp://127.0.0.1:{port}",
        DOCKET_SEND_RATE="0",
        DJANGO_SETTINGS_MODULE="docket.settings",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from docket.campaigns.examples import load_example
    from docket.campaigns.importing import import_recipients
    from docket.mail.models import OutboxMessage
    from docket.requests.actions import Actor
    from docket.requests.letters import queue_campaign

    call_command("migrate", verbosity=0)
    campaign, _ = load_example("iasc-vru-2020")
    import_recipients(campaign, recipients_csv(args.letters, folder))
    queue_campaign(list(campaign.recipients.all()), Actor("bench"))
    stored = OutboxMessage.objects.select_related("body__message", "body__letter")
    messages = [(m.envelope_from, m.envelope_to, m.body.as_bytes()) for m in stored]
    size = sum(len(raw) for _, _, raw in messages) / len(messages)
    print(
        f"{len(messages)} letters of {size / 1024:.0f} kB each to aiosmtpd on localhost; database: "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; {os.cpu_count()} cores"
    )

    sink = start_sink(port)
    rates = {}
    try:
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as connection:
            for envelope_from, envelope_to, raw in messages:
                connection.sendmail(envelope_from, [envelope_to], raw)
        rates["bare smtplib, one connection"] = len(messages) / (time.perf_counter() - start)
        for count in (1, 2):
            requeue_all()
            connections.close_all()
            elapsed, busy, said = run_workers(count)
            sent = OutboxMessage.objects.filter(state="sent").count()
            assert sent == len(messages), (sent, said)
            rates[f"Docket outbox, {count} worker{'s' if count > 1 else ''}"] = sent / elapsed
            print(f"  {count} worker{'s' if count > 1 else ''}: {'; '.join(said)}")
            # Whether the cores were the limit: how busy they all were, and the workers' own share.
            cores = os.cpu_count() or 1
            worker_cpu = sum(float(words.split(" cpu ")[1].split()[0]) for words in said)
            print(
                f"    the machine's {cores} cores {100 * busy / (elapsed * cores):.0f}% busy; "
                f"the workers used {1000 * worker_cpu / sent:.1f} ms of CPU a letter"
            )
    finally:
        sink.terminate()
        sink.wait()
        if admin:
            import psycopg

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{postgres.rsplit("/", 1)[1]}" WITH (FORCE)')

    for name, rate in rates.items():
        print(f"  {name:32} {rate:8.1f} letters/s")
    one, two = rates["Docket outbox, 1 worker"], rates["Docket outbox, 2 workers"]
    print(f"two workers / one: {two / one:.2f} (target >= 1.5 on PostgreSQL); one worker: target >= 100 letters/s")


if __name__ == "__main__":
    main()
