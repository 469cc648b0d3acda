"""Benchmark: the campaign report of a campaign of 400 bodies with 2,000 documents.

    .venv/bin/python bench/report.py [--bodies 400] [--documents 2000] [--themes 8] [--database-url URL]

Builds (in a fresh SQLite file, or a PostgreSQL database of its own) a campaign of ``--bodies``
recipients, each with a sent request, replies spread over 30 working days with ``--documents``
attachments between them, items received or refused in the ledger, ``--themes`` themes and a passage
coded per document (every tenth chosen for the report); then times, from the database, the report
gathered (``build``), and written as a page (HTML), a tagged PDF and a Word document.
Target: the whole report (gathered and written in all three) under 10 s. Last, the PDF asked for as the
workspace asks (a job: what the request waits for), then made by the worker (`rounds.run_queued_tasks`).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # the repository, not bench/: bench/queue.py would hide the standard library's queue


def setup(database_url: str | None) -> None:
    if database_url:
        from bench.search import _create_postgresql_database

        os.environ["DOCKET_DATABASE_URL"] = database_url
        _create_postgresql_database(database_url)
    os.environ.setdefault("DOCKET_DATA_DIR", tempfile.mkdtemp(prefix="docket-bench-report-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "docket.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_campaign(bodies: int, documents: int, themes: int) -> object:
    from django.utils import timezone

    from docket.campaigns import actions
    from docket.campaigns.models import Campaign, Office, RecipientItem
    from docket.directory.models import Body, Contact
    from docket.documents.models import Attachment, record_blobs, store_file
    from docket.evidence.models import Passage, Theme
    from docket.mail.models import InboundMessage
    from docket.requests.actions import Actor
    from docket.requests.deadlines import add_working_days
    from docket.requests.models import InfoRequest

    rng = random.Random(13)
    actor = Actor("bench")
    office = Office.objects.create(name="Bench Office", signatory_name="A", signatory_role="B", address_lines="1 St")
    campaign = Campaign.objects.create(slug="report", title="A campaign to report on", office=office)
    for key in ("strategy", "profile", "updates"):
        actions.add_item(campaign, key, f"your {key}", actor)
    made = Body.objects.bulk_create(
        Body(name=f"Bench body {n:04d}", slug=f"bench-body-{n:04d}", kind="Council") for n in range(bodies)
    )
    contacts = Contact.objects.bulk_create(
        Contact(body=b, full_name=f"Person {b.name}", email=f"p{b.pk}@bench.example") for b in made
    )
    actions.add_recipients(campaign, contacts, actor)
    sent = timezone.now() - datetime.timedelta(days=60)
    recipients = list(campaign.recipients.order_by("pk"))
    requests = InfoRequest.objects.bulk_create(
        InfoRequest(campaign=campaign, recipient=r, state="replied", sent_at=sent, due_date=sent.date())
        for r in recipients
    )
    blobs = [store_file(f"message {n}".encode()) for n in range(bodies)]
    documents_blobs = [store_file(f"document {n}".encode()) for n in range(documents)]
    record_blobs(blobs + documents_blobs)
    messages = InboundMessage.objects.bulk_create(
        InboundMessage(
            blob=blob,
            source="upload",
            status="filed",
            request=request,
            subject=f"Reply {n}",
        )
        for n, (request, blob) in enumerate(zip(requests, blobs, strict=True))
    )
    for message in messages:  # spread over 30 working days after sending
        day = add_working_days(sent.date(), rng.randint(1, 30))
        received = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        InboundMessage.objects.filter(pk=message.pk).update(received_at=received)
    attachments = Attachment.objects.bulk_create(
        Attachment(message=messages[n % bodies], blob=blob, filename=f"Document {n}.pdf", status="done", text="x" * 200)
        for n, blob in enumerate(documents_blobs)
    )
    RecipientItem.objects.filter(recipient__campaign=campaign, item__key="strategy").update(status="received")
    RecipientItem.objects.filter(
        recipient__campaign=campaign, item__key="profile", recipient__pk__lt=recipients[bodies // 3].pk
    ).update(status="refused", status_note="Exempt")
    coded = Theme.objects.bulk_create(Theme(campaign=campaign, name=f"Theme {n}", position=n) for n in range(themes))
    passages = Passage.objects.bulk_create(
        Passage(
            campaign=campaign,
            request=requests[n % bodies],
            message=messages[n % bodies],
            attachment=attachment,
            source_name=attachment.filename,
            page=1,
            start=0,
            end=40,
            quote=f"A passage of document {n} about the work of the partnership",
            coder_name="bench",
            in_report=n % 10 == 0,
        )
        for n, attachment in enumerate(attachments)
    )
    Passage.themes.through.objects.bulk_create(
        Passage.themes.through(passage_id=p.pk, theme_id=coded[rng.randrange(themes)].pk) for p in passages
    )
    return campaign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=400)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--themes", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL database of its own (it is emptied)")
    args = parser.parse_args()
    setup(args.database_url)
    campaign = build_campaign(args.bodies, args.documents, args.themes)

    from django.template.loader import render_to_string

    from docket.evidence.report import build
    from docket.evidence.report_files import report_docx, report_pdf, tables

    start = time.perf_counter()
    report = build(campaign)  # type: ignore[arg-type]  # the bench builds its campaign in a Django shell it does not type
    gathered = time.perf_counter()
    html = render_to_string("web/report_file.html", {"report": report, "t": tables(report), "campaign": campaign})
    paged = time.perf_counter()
    pdf = report_pdf(report)
    printed = time.perf_counter()
    docx = report_docx(report)
    done = time.perf_counter()
    quoted = len(report.quotations)
    print(f"{args.bodies} bodies, {args.documents} documents, {args.themes} themes, {quoted} quotations")
    print(f"gathered (queries and charts): {gathered - start:6.2f} s")
    print(f"page (HTML, {len(html) // 1024} KiB):     {paged - gathered:6.2f} s")
    print(f"PDF ({len(pdf) // 1024} KiB):            {printed - paged:6.2f} s")
    print(f"Word ({len(docx) // 1024} KiB):           {done - printed:6.2f} s")
    total = done - start
    print(f"total: {total:.2f} s (target under 10 s): {'met' if total < 10 else 'NOT MET'}")

    # In the workspace the PDF is a job: the request only asks for it; the worker gathers and writes.
    from docket.requests.actions import Actor
    from docket.worker import rounds
    from docket.worker.jobs import make_report_file

    start = time.perf_counter()
    job = make_report_file(campaign, Actor("bench"), "pdf")  # type: ignore[arg-type]  # as build's, above
    asked = time.perf_counter()
    rounds.run_queued_tasks("bench-worker")
    job.refresh_from_db()
    print(
        f"PDF as a job: asked in {(asked - start) * 1000:.0f} ms (what the web request waits for), "
        f"made by the worker in {time.perf_counter() - asked:.2f} s ({job.get_state_display().lower()})"
    )


if __name__ == "__main__":
    main()
