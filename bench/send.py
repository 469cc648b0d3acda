"""Benchmark: letters a second through the outbox, against bare smtplib in the same run.

    .venv/bin/python bench/send.py [--letters 500]

Both send the same stored messages (real letters of the example campaign, PDF
attached, about 60 kB each) to one local SMTP server (aiosmtpd, in its own
process, discarding what it receives) over one kept-open connection:

- Docket: `docket.mail.outbox.run` with no throttle: per letter, one commit before its data goes
  ("reached data", with the previous letter's acceptance); per chunk of 20, one commit claiming
  it and one recording it sent (outbox rows, requests moved to sent, their events).
- bare smtplib: `SMTP.sendmail` of the same bytes, nothing recorded.
- Docket's SMTP channel alone: the same bytes through the channel the outbox uses, nothing
  recorded; the outbox against it is what the bookkeeping costs.

Set DOCKET_BENCH_DATABASE_URL to run Docket's side on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="print where the outbox spends its time")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="docket-bench-send-"))
    port = free_port()
    os.environ.update(
        DOCKET_DATA_DIR=str(folder),
        DOCKET_DATABASE_URL=os.environ.get("DOCKET_BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3"),
        DOCKET_SMTP_URL=f"smtp://127.0.0.1:{port}",
        DOCKET_SEND_RATE="0",
        DJANGO_SETTINGS_MODULE="docket.settings",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from docket.campaigns.examples import load_example
    from docket.campaigns.importing import import_recipients
    from docket.mail import outbox
    from docket.mail.channels.smtp import SmtpChannel
    from docket.mail.dispatch import queue_campaign
    from docket.mail.models import OutboxMessage
    from docket.requests.actions import Actor

    call_command("migrate", verbosity=0)
    campaign, _ = load_example("iasc-vru-2020")
    import_recipients(campaign, recipients_csv(args.letters, folder))
    queue_campaign(list(campaign.recipients.all()), Actor("bench"))
    messages = [(m.envelope_from, m.envelope_to, bytes(m.body.raw)) for m in OutboxMessage.objects.all()]
    size = sum(len(raw) for _, _, raw in messages) / len(messages)
    print(
        f"{len(messages)} letters of {size / 1024:.0f} kB each to aiosmtpd on localhost; database: "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
    )

    sink = start_sink(port)
    try:
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as connection:
            for envelope_from, envelope_to, raw in messages:
                connection.sendmail(envelope_from, [envelope_to], raw)
        bare = len(messages) / (time.perf_counter() - start)

        # Docket's SMTP channel on its own, no database: what the outbox's bookkeeping costs on top.
        channel = SmtpChannel(settings.DOCKET_SMTP)
        start = time.perf_counter()
        for envelope_from, envelope_to, raw in messages:
            channel.deliver(envelope_from, envelope_to, raw)
        channel.close()
        alone = len(messages) / (time.perf_counter() - start)

        profiler = cProfile.Profile()
        start = time.perf_counter()
        if args.profile:
            profiler.enable()
        tally = outbox.run(SmtpChannel(settings.DOCKET_SMTP), until_empty=True, rate=0)
        ours = tally.sent / (time.perf_counter() - start)
        profiler.disable()
        if args.profile:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        assert tally.sent == len(messages), tally
    finally:
        sink.terminate()
        sink.wait()

    print(f"  bare smtplib                {bare:8.1f} letters/s")
    print(f"  Docket's SMTP channel alone {alone:8.1f} letters/s (its DATA step quotes dots faster than smtplib)")
    print(f"  Docket outbox               {ours:8.1f} letters/s ({ours / alone:.2f} of the channel alone)")
    print(f"ratio: {ours / bare:.2f} of bare smtplib (target >= 0.8)")


if __name__ == "__main__":
    main()
