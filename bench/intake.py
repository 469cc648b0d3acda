"""Benchmark: taking in replies, against the bare standard library in the same run.

    .venv/bin/python bench/intake.py [--messages 2000] [--pages 200]

1. Messages: N replies, each with a small one-page PDF attachment, taken in by
   `docket.mail.intake.ingest` (raw bytes stored to the blob store, the message
   parsed, matched to its request and filed, the attachment stored, typed and its
   text extracted; OCR off), against `email.message_from_bytes` of the same bytes.
   Replies go to 40 requests. All N as `docket import-mail` takes a large file by
   default: chunks of 50 messages, the database work of each chunk done
   together, shared among a process per core (`--workers`). Target: at least 200
   messages/s. Then, for comparison, N/4 more in chunks in this one process
   (`--workers 1`), and N/4 more one at a time (as a single upload is taken in).
2. Text extraction: pages/s of `docket.documents.extraction.extract` on a many-page
   PDF, against bare pypdfium2 text extraction of the same pages. Target: at least 0.8.
"""

from __future__ import annotations

import argparse
import cProfile
import email
import os
import pstats
import sys
import tempfile
import time
from email.policy import default
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # the repository, not bench/: bench/queue.py would hide the standard library's queue


def setup() -> None:
    folder = tempfile.mkdtemp(prefix="docket-bench-intake-")
    os.environ.update(
        DOCKET_DATA_DIR=folder,
        DOCKET_DATABASE_URL=os.environ.get("DOCKET_BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3"),
        DJANGO_SETTINGS_MODULE="docket.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print where ingest spends its time (one process)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for the shared import")
    args = parser.parse_args()
    workers = args.workers
    setup()

    from django.utils import timezone

    from bench.send import recipients_csv
    from docket.campaigns.examples import load_example
    from docket.campaigns.importing import import_recipients
    from docket.documents.extraction import extract
    from docket.mail.addresses import reply_address
    from docket.mail.intake import ingest
    from docket.mail.mailfiles import ingest_all
    from docket.mail.models import InboundMessage
    from docket.requests import actions
    from docket.requests.actions import Actor
    from tests.samples import reply, text_pdf

    # Replies to 40 requests, each from its body's address, as a real campaign's would come.
    campaign, _ = load_example("iasc-vru-2020")
    folder = Path(os.environ["DOCKET_DATA_DIR"])
    import_recipients(campaign, recipients_csv(40, folder))
    actor = Actor("bench")
    requests = []
    for recipient in campaign.recipients.select_related("contact"):
        request = actions.request_for(recipient)
        request = actions.transition(actions.approve(request, actor), "queue", actor, "queued")
        requests.append((actions.mark_sent(request, actor, timezone.now()), recipient.contact.email))
    pdfs = [text_pdf(f"Update {n} on the Response Strategy: delivery is on track in area {n}.") for n in range(20)]

    def replies(first: int, count: int) -> list[bytes]:
        made = []
        for n in range(first, first + count):
            request, sender = requests[n % len(requests)]
            made.append(
                reply(
                    sender=sender,
                    to=reply_address(request.pk),
                    subject=f"Re: update {n}",
                    body=f"Dear Commissioner,\n\nPlease find update {n} attached.\n\nMichael",
                    attachments=[(f"update-{n}.pdf", "application/pdf", pdfs[n % len(pdfs)])],
                    message_id=f"<update-{n}@area.example>",
                )
            )
        return made

    raws = replies(0, args.messages)
    start = time.perf_counter()
    for raw in raws:
        email.message_from_bytes(raw, policy=default).get_body()
    bare = len(raws) / (time.perf_counter() - start)

    # The target: what `docket import-mail` does with a large file by default (chunks of messages
    # taken in together, shared among a process per core), on all N messages.
    start = time.perf_counter()
    ingest_all([(f"message {n}", raw) for n, raw in enumerate(raws)], "upload", ocr=False, workers=workers)
    shared = len(raws) / (time.perf_counter() - start)

    # For comparison, on N/4 more each: chunks in this one process, and one message at a time.
    chunked = replies(args.messages, args.messages // 4)
    start = time.perf_counter()
    ingest_all([(f"message {n}", raw) for n, raw in enumerate(chunked)], "upload", ocr=False, workers=1)
    in_chunks = len(chunked) / (time.perf_counter() - start)
    singles = replies(args.messages + len(chunked), args.messages // 4)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    if args.profile:
        profiler.enable()
    for raw in singles:
        ingest(raw, InboundMessage.Source.UPLOAD, ocr=False)
    alone = len(singles) / (time.perf_counter() - start)
    profiler.disable()
    if args.profile:
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "tottime")).print_stats(25)
    assert InboundMessage.objects.filter(status="filed").count() == len(raws) + len(chunked) + len(singles)

    size = sum(map(len, raws)) // len(raws) // 1024
    print(f"{len(raws)} replies to {len(requests)} requests, a one-page PDF each ({size} kB)")
    print(f"  bare email.message_from_bytes          {bare:8.1f} messages/s (one process)")
    print("  Docket (store, parse, match, file, extract):")
    print(f"    import-mail, {workers} process(es) (default) {shared:8.1f} messages/s (target >= 200)")
    print(f"    import-mail --workers 1              {in_chunks:8.1f} messages/s ({len(chunked)} more)")
    print(f"    one at a time (a single upload)      {alone:8.1f} messages/s ({len(singles)} more)")

    import pypdfium2

    text = " ".join(f"Paragraph {n} of the strategic needs assessment." for n in range(60))
    pages = _many_pages(args.pages, text)
    start = time.perf_counter()
    document = pypdfium2.PdfDocument(pages)
    for page in document:
        page.get_textpage().get_text_range()
    document.close()
    bare_pages = args.pages / (time.perf_counter() - start)
    start = time.perf_counter()
    result = extract(pages, "application/pdf", ocr=False)
    our_pages = result.pages / (time.perf_counter() - start)
    assert result.pages == args.pages
    print(f"  bare pypdfium2 text            {bare_pages:8.1f} pages/s")
    ratio = our_pages / bare_pages
    print(f"  Docket extract                 {our_pages:8.1f} pages/s ({ratio:.2f} of bare; target >= 0.8)")


def _many_pages(count: int, text: str) -> bytes:
    import typst

    from docket.letters.pdf import FONTS
    from tests.samples import typst_string

    body = "\n#pagebreak()\n".join(f"#{{{typst_string(f'Page {n}. {text}')}}}" for n in range(count))
    result = typst.compile(
        f'#set text(font: "Liberation Sans")\n{body}'.encode(), font_paths=[str(FONTS)], ignore_system_fonts=True
    )
    assert isinstance(result, bytes)
    return result


if __name__ == "__main__":
    main()
