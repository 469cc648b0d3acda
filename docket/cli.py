"""The ``docket`` command: thin calls into the packages, one subcommand each."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import getpass
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docket import words

if TYPE_CHECKING:
    from docket.campaigns.models import Campaign

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A user-facing failure: printed without a traceback, exit status 1."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "docket.settings")
    import django

    django.setup()


def _prepare_database() -> None:
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Database ready ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}).")


def cmd_init(args: argparse.Namespace) -> int:
    from docket.accounts import admin_exists, create_admin

    _prepare_database()
    email = os.environ.get("DOCKET_ADMIN_EMAIL", "")
    password = os.environ.get("DOCKET_ADMIN_PASSWORD", "")
    if admin_exists() and not (email and password):
        print("An admin account already exists.")
        return 0
    if not (email and password):
        if args.no_input:
            print("No admin created: set DOCKET_ADMIN_EMAIL and DOCKET_ADMIN_PASSWORD, or run without --no-input.")
            return 0
        email = email or input("Admin email: ").strip()
        password = password or getpass.getpass("Admin password: ")
    create_admin(email, password)
    print(f"Admin account: {email}")
    return 0


def cmd_load_example(args: argparse.Namespace) -> int:
    from docket.campaigns.examples import load_example

    campaign, report = load_example(args.name, reset=getattr(args, "reset", False))
    if report is None:
        print(f"Example campaign {campaign.slug!r} is already loaded: left as it is (--reset to start over).")
    else:
        print(f"Example campaign {campaign.slug!r} loaded: {report.summary('recipients')}")
    return 0


def cmd_import_contacts(args: argparse.Namespace) -> int:
    from docket.directory.importing import import_contacts

    report = import_contacts(Path(args.file), skip_invalid=args.skip_invalid)
    print(report.summary("contacts"))
    return 2 if report.skipped else 0


def cmd_import_recipients(args: argparse.Namespace) -> int:
    from docket.campaigns.importing import import_recipients

    report = import_recipients(_campaign(args.campaign), Path(args.file), skip_invalid=args.skip_invalid)
    print(report.summary("recipients"))
    return 2 if report.skipped else 0


def cmd_render(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from docket.campaigns.letters import campaign_data, recipient_data, recipients_for_rendering
    from docket.letters.bulk import render_all

    campaign = _campaign(args.campaign)
    recipients = recipients_for_rendering(campaign)
    if args.recipient:
        wanted = set(args.recipient)
        recipients = [r for r in recipients if str(r.pk) in wanted]
        missing = wanted - {str(r.pk) for r in recipients}
        if missing:
            raise CommandError(f"no recipient {', '.join(sorted(missing))} in campaign {campaign.slug!r}")
    formats = [fmt.strip() for fmt in args.format.split(",") if fmt.strip()]
    columns = [TextColumn("Rendering"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, disable=args.quiet) as bar:
        task = bar.add_task("letters", total=len(recipients))
        result = render_all(
            campaign_data(campaign),
            [recipient_data(r) for r in recipients],
            formats,
            Path(args.out),
            as_zip=args.zip,
            workers=args.workers,
            progress=lambda done: bar.advance(task, done),
        )
    print(f"{words.count(len(recipients), 'letter')} in {', '.join(formats)}: {result}")
    return 0


def cmd_learn_campaign(args: argparse.Namespace) -> int:
    from docket.campaigns.learning import CampaignExists, save_learned
    from docket.letters.learning import check, learn, refuse_too_much
    from docket.letters.reading import ReadingError, letter_text, parse_letter
    from docket.requests.actions import Actor

    try:
        texts = [(Path(name).name, letter_text(name, Path(name).read_bytes())) for name in args.letters]
        refuse_too_much(texts)  # bounded as the page is
        learned = learn([parse_letter(name, text) for name, text in texts])
    except (OSError, ReadingError) as error:
        raise CommandError(str(error)) from None
    for field in learned.fields:
        print(f"field {field.name} ({field.kind}):")
        for (name, _), value in zip(texts, field.values, strict=True):
            print(f"  {name}: {value}")
    print(f"{words.count(len(learned.references), 'reference')}: " + ", ".join(r.key for r in learned.references))
    for item in learned.items:
        states = [next(s for s in person.items if s.key == item.key) for person in learned.recipients]
        print(f"item {item.key} ({item.label}):")
        for (name, _), state in zip(texts, states, strict=True):
            print(f"  {name}: {state.state}" + (f" ({state.title})" if state.title else ""))
    differences = check(learned, texts)
    for difference in differences:
        print(f"differs: {difference}", file=sys.stderr)
    if differences and not args.accept_differences:
        raise CommandError(f"{words.count(len(differences), 'letter')} not reproduced word for word; nothing saved")
    try:
        campaign = save_learned(learned, args.slug, args.title or args.slug, actor=Actor("docket learn-campaign"))
    except CampaignExists as error:
        raise CommandError(str(error)) from None
    people, fields = words.count(len(texts), "recipient"), words.count(len(learned.fields), "field")
    print(f"Campaign {campaign.slug!r}: {people}, {fields}.")
    return 0


def cmd_add_letter(args: argparse.Namespace) -> int:
    from docket.campaigns.learning import LetterNotReproduced, add_letter
    from docket.letters.reading import ReadingError, letter_text

    campaign = _campaign(args.campaign)
    name = Path(args.file).name
    try:
        text = letter_text(name, Path(args.file).read_bytes())
    except (OSError, ReadingError) as error:
        raise CommandError(str(error)) from None
    try:
        added = add_letter(campaign, name, text, accept_differences=args.accept_differences)
    except LetterNotReproduced as error:
        for theirs, ours in error.differences:
            print(f"differs: “{theirs}” became “{ours}”", file=sys.stderr)
        raise CommandError(f"{name} not reproduced word for word; nothing saved") from None
    for theirs, ours in added.differences:
        print(f"differs (accepted): “{theirs}” became “{ours}”", file=sys.stderr)
    contact = added.recipient.contact
    print(f"Recipient {contact.full_name} ({contact.body.name}) added to {campaign.slug!r}.")
    for key, value in sorted(added.recipient.fields.items()):
        print(f"  field {key}: {value}")
    for state in added.values.items:
        print(f"  item {state.key}: {state.state}" + (f" ({state.title})" if state.title else ""))
    return 0


def _campaign(slug: str) -> Campaign:
    from docket.campaigns.models import Campaign

    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise CommandError(f"no campaign {slug!r}")
    return campaign


def cmd_queue(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from docket.mail.outbox import worker_token
    from docket.requests.actions import Actor
    from docket.worker.jobs import send_letters, work_until_finished

    campaign = _campaign(args.campaign)
    ids = list(campaign.recipients.order_by("pk").values_list("pk", flat=True))
    if args.recipient:
        wanted = set(args.recipient)
        ids = [pk for pk in ids if str(pk) in wanted]
    job = send_letters(campaign, ids, Actor("docket queue"), send=False)
    columns = [TextColumn("Queueing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, disable=args.quiet) as bar:
        task = bar.add_task("letters", total=job.total)
        job = work_until_finished(job, worker_token(), lambda now: bar.update(task, completed=now.done))
    if job.state == job.State.FAILED:
        raise CommandError(job.error)
    print(f"{job.summary} Run `docket send` (or `docket worker`) to send them.")
    for problem in job.problems.all():
        print(f"  not queued: {problem.text}", file=sys.stderr)
    return 1 if job.skipped else 0


def cmd_send(args: argparse.Namespace) -> int:
    from django.conf import settings

    from docket.mail.channels.smtp import SmtpChannel
    from docket.mail.outbox import dry_run, run

    if args.dry_run:
        lines = dry_run()
        print("\n".join(lines) or "Nothing is due to be sent.")
        return 0
    config = settings.DOCKET_SMTP
    print(f"Sending through {config.host}:{config.port} (Ctrl+C stops; it is safe to stop and restart).", flush=True)
    tally = run(SmtpChannel(config), until_empty=args.until_empty, rate=args.rate)
    print(f"Outbox: {tally}")
    return 0


def cmd_chase(args: argparse.Namespace) -> int:
    from docket.mail.chasing import requests_to_chase
    from docket.requests.actions import Actor, today
    from docket.requests.letters import chase

    campaign = _campaign(args.campaign) if args.campaign else None
    if args.dry_run:
        for request in requests_to_chase(campaign, today()):
            sent = words.count(request.chasers_sent, "chaser")
            print(f"would chase {request} (due {request.due_date}, {sent} so far)")
        return 0
    problems: list[str] = []
    chasers = chase(campaign, Actor("docket chase"), problems=problems)
    print(f"{words.count(len(chasers), 'chaser')} queued; run `docket send` to send them.")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def cmd_worker(args: argparse.Namespace) -> int:
    import threading
    from types import FrameType

    from django.conf import settings

    from docket.worker.rounds import Round, serve

    stop = threading.Event()

    def stop_after_this_round(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # asked twice: stop at once (the outbox's rules cover a stop at any moment)
            raise KeyboardInterrupt
        print("docket worker: stopping after this round (send the signal again to stop at once)", flush=True)
        stop.set()

    signal.signal(signal.SIGTERM, stop_after_this_round)
    signal.signal(signal.SIGINT, stop_after_this_round)

    def report(done: Round) -> None:
        for line in done.jobs:
            print(line, flush=True)
        if done.tally is not None and done.tally.sent + done.tally.failed + done.tally.uncertain:
            print(f"Outbox: {done.tally}", flush=True)

    poll = args.poll if args.poll is not None else settings.DOCKET_WORKER_POLL_SECONDS
    mailbox = "fetching mail" if settings.DOCKET_IMAP else "no mailbox to fetch (DOCKET_IMAP_URL)"
    print(
        f"Docket worker is up: sending through {settings.DOCKET_SMTP.host}:{settings.DOCKET_SMTP.port}, "
        f"{mailbox}, chasing on working days at {settings.DOCKET_CHASE_AT:%H:%M} (safe to stop and restart).",
        flush=True,
    )
    serve(stop, poll_seconds=poll, on_round=report)
    print("docket worker: stopped.", flush=True)
    return 0


def cmd_import_mail(args: argparse.Namespace) -> int:
    from docket.mail.mailfiles import import_files

    report = import_files([Path(name) for name in args.files], ocr=not args.no_ocr, workers=args.workers)
    print(report)
    return 1 if report.errors else 0


def cmd_fetch_mail(args: argparse.Namespace) -> int:
    from django.conf import settings

    from docket.mail.imap import ImapError, fetch

    if settings.DOCKET_IMAP is None:
        raise CommandError("no mailbox is set up: set DOCKET_IMAP_URL (imap://user:password@host/INBOX)")
    try:
        print(fetch(settings.DOCKET_IMAP, ocr=not args.no_ocr))
    except ImapError as error:
        raise CommandError(str(error)) from None
    return 0


def cmd_export_site(args: argparse.Namespace) -> int:
    from docket.publishing.export import export_site

    count = export_site(Path(args.out), args.url)
    print(f"{count} files written to {args.out}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from django.utils.html import strip_tags

    from docket.evidence.search import Filters, search

    campaigns = None if args.campaign is None else (_campaign(args.campaign).pk,)
    filters = Filters(campaigns=campaigns, kind=args.kind)
    results = search(" ".join(args.query), filters, public=args.public, limit=args.limit)
    for hit in results.hits:
        entry = hit.entry
        page = str(entry.page) if entry.page else "-"
        print(f"#{entry.request_id}\t{entry.body.name}\t{entry.title}\t{page}\t{strip_tags(hit.snippet)}")
    more = " (more: raise --limit)" if results.more else ""
    print(f"{len(results.hits)} found{more}", file=sys.stderr)
    return 0


REPORT_FORMATS = ("html", "pdf", "docx")


def cmd_report(args: argparse.Namespace) -> int:
    from docket.errors import DocketError
    from docket.evidence.report import build
    from docket.evidence.report_files import report_file, report_file_name

    formats = [name.strip() for name in args.format.split(",") if name.strip()]
    unknown = [name for name in formats if name not in REPORT_FORMATS]
    if unknown or not formats:
        raise DocketError(f"--format takes html, pdf or docx, separated by commas (not {args.format!r}).")
    campaign = _campaign(args.campaign)
    report = build(campaign)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in formats:
        path = out / report_file_name(report, name)
        path.write_bytes(report_file(report, name))
        print(path)
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from docket.evidence.indexing import reindex

    print(f"{reindex():,} pages indexed")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from django.conf import settings
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    print(f"Docket is running at http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    Granian(
        "docket.wsgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        backpressure=args.threads,
        static_path_route=[settings.STATIC_URL.rstrip("/")],
        static_path_mount=[Path(settings.STATIC_ROOT)],
        log_level=LogLevels(settings.LOG_LEVEL),
    ).serve()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from django.conf import settings

    from docket.accounts import admin_exists, create_admin

    _prepare_database()
    login_file = Path(settings.DATA_DIR) / "demo-login.txt"
    email = os.environ.get("DOCKET_ADMIN_EMAIL", "")
    password = os.environ.get("DOCKET_ADMIN_PASSWORD", "")
    if email and password:
        create_admin(email, password)
        login = f"as {email} with the password in DOCKET_ADMIN_PASSWORD"
    elif login_file.exists():
        email, password = login_file.read_text(encoding="utf-8").split()
        login = f"as {email} with password {password}"
    elif admin_exists():
        login = "with the admin account you set up"
    else:
        email, password = "admin@docket.example", secrets.token_urlsafe(12)
        create_admin(email, password)
        login_file.touch(mode=0o600)
        login_file.write_text(f"{email} {password}\n", encoding="utf-8")
        login = f"as {email} with password {password}"
    cmd_load_example(argparse.Namespace(name="iasc-vru-2020"))
    worker = _start_worker()
    try:
        print(f"Sign in at http://{args.host}:{args.port}/ {login}")
        return cmd_serve(args)
    finally:
        worker.terminate()  # it finishes its round (bounded) and says goodbye
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()  # safe: the outbox's rules cover a stop at any moment
            worker.wait()


def _start_worker() -> subprocess.Popen[bytes]:
    """``docket worker`` beside the demo's server, in a process of its own that ends with the demo's."""
    from django.utils import timezone

    from docket.worker.models import WorkerBeat

    started = timezone.now()
    worker = subprocess.Popen([sys.executable, "-m", "docket.cli", "worker"], preexec_fn=_end_with_parent)
    deadline = time.monotonic() + 30
    while not WorkerBeat.objects.filter(seen_at__gte=started).exists():  # its first round: it printed it is up
        if worker.poll() is not None or time.monotonic() > deadline:
            print("The worker did not start: letters will wait in the outbox (see above).", file=sys.stderr)
            break
        time.sleep(0.1)
    return worker


def _end_with_parent() -> None:
    """Ask Linux to stop this child when the demo dies, even by SIGKILL (elsewhere, the demo's finally does)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["docket manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docket", description="Evidence-request campaigns for oversight bodies.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    init = command("init", cmd_init, "Create or upgrade the database and the first admin account.")
    init.add_argument("--no-input", action="store_true", help="never ask; use DOCKET_ADMIN_EMAIL/PASSWORD")

    example = command("load-example", cmd_load_example, "Load a shipped example campaign, if it is not there yet.")
    example.add_argument("name", help="the example's name, e.g. iasc-vru-2020, or a folder")
    example.add_argument(
        "--reset", action="store_true", help="put the example back as shipped, over any edits (requests are kept)"
    )

    contacts = command("import-contacts", cmd_import_contacts, "Import bodies and contacts from CSV or XLSX.")
    contacts.add_argument("file")
    contacts.add_argument("--skip-invalid", action="store_true", help="import the good rows, list the bad ones")

    recipients = command("import-recipients", cmd_import_recipients, "Import a campaign's recipients.")
    recipients.add_argument("campaign", help="the campaign's slug")
    recipients.add_argument("file")
    recipients.add_argument("--skip-invalid", action="store_true", help="import the good rows, list the bad ones")

    render = command("render", cmd_render, "Render a campaign's letters to files, on every core.")
    render.add_argument("campaign", help="the campaign's slug")
    render.add_argument("--recipient", action="append", help="only this recipient id (repeatable)")
    render.add_argument("--format", default="pdf", help="comma-separated: pdf,docx,html,txt,md (default pdf)")
    render.add_argument("--out", required=True, help="the folder to write into")
    render.add_argument("--zip", action="store_true", help="write one zip with a manifest instead of files")
    render.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    render.add_argument("--quiet", action="store_true", help="no progress bar")

    learn = command("learn-campaign", cmd_learn_campaign, "Make a campaign from letters already written.")
    learn.add_argument("letters", nargs="+", help=".txt, .md, .html, .docx or .pdf letters")
    learn.add_argument("--slug", required=True, help="the new campaign's slug")
    learn.add_argument("--title", default="", help="the new campaign's title (default: the slug)")
    learn.add_argument("--accept-differences", action="store_true", help="save even if a letter is not reproduced")

    add = command("add-letter", cmd_add_letter, "Add a recipient to a campaign from a letter already written.")
    add.add_argument("campaign", help="the campaign's slug")
    add.add_argument("file", help="a .txt, .md, .html, .docx or .pdf letter")
    add.add_argument("--accept-differences", action="store_true", help="save even if the letter is not reproduced")

    queue = command("queue", cmd_queue, "Approve and queue a campaign's letters for sending.")
    queue.add_argument("campaign", help="the campaign's slug")
    queue.add_argument("--recipient", action="append", help="only this recipient id (repeatable)")
    queue.add_argument("--quiet", action="store_true", help="no progress bar")

    send = command("send", cmd_send, "Send what is in the outbox (a worker; safe to stop and restart).")
    send.add_argument("--until-empty", action="store_true", help="stop once nothing is left to send")
    send.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")
    send.add_argument(
        "--rate", type=int, default=None, help="messages a minute (default DOCKET_SEND_RATE; 0: no limit)"
    )

    chase = command("chase", cmd_chase, "Queue chasers for overdue requests.")
    chase.add_argument("campaign", nargs="?", help="only this campaign")
    chase.add_argument("--dry-run", action="store_true", help="list who would be chased")

    worker = command("worker", cmd_worker, "Run queued tasks, send the outbox, fetch mail and chase, on a schedule.")
    worker.add_argument(
        "--poll", type=float, default=None, help="seconds between rounds (default DOCKET_WORKER_POLL_SECONDS)"
    )

    import_mail = command("import-mail", cmd_import_mail, "Take in replies from .eml or .mbox files.")
    import_mail.add_argument("files", nargs="+", help=".eml or .mbox files")
    import_mail.add_argument("--no-ocr", action="store_true", help="do not OCR scanned pages and images")
    import_mail.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes sharing a large import (default: one per core)",
    )

    fetch_mail = command("fetch-mail", cmd_fetch_mail, "Take in new replies from the mailbox (IMAP).")
    fetch_mail.add_argument("--no-ocr", action="store_true", help="do not OCR scanned pages and images")

    export = command(
        "export-site", cmd_export_site, "Write the public site (pages, PDFs, open data, feed) to a folder."
    )
    export.add_argument("out", help="the folder (emptied first)")
    export.add_argument("--url", default="", help="the address the site will have, for the feed's links")

    found = command("search", cmd_search, "Search letters sent, replies and documents (every page of them).")
    found.add_argument("query", nargs="+", help='words, "a phrase", prefix*, OR, NOT, brackets')
    found.add_argument("--campaign", default=None, help="only this campaign (its slug)")
    found.add_argument("--kind", choices=["letter", "reply", "document"], default=None, help="only this kind")
    found.add_argument("--public", action="store_true", help="search only what is published, as redacted")
    found.add_argument("--limit", type=int, default=20, help="hits to print, best first (default 20, at most 100)")

    made = command("report", cmd_report, "Write a campaign's report (asked, responses, ledger, themes, quotations).")
    made.add_argument("campaign", help="the campaign's slug")
    made.add_argument("--format", default="html,pdf,docx", help="html, pdf and/or docx, separated by commas")
    made.add_argument("--out", default=".", help="the folder to write to (default: here)")

    command("reindex", cmd_reindex, "Rebuild the search index from everything Docket holds.")

    for name, handler, help_text in [
        ("serve", cmd_serve, "Run the web server (Granian, production grade)."),
        ("demo", cmd_demo, "Set up, load the example campaign and serve it, with a worker beside it."),
    ]:
        server = command(name, handler, help_text)
        server.add_argument("--host", default="127.0.0.1")
        server.add_argument("--port", type=int, default=8000)
        server.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: one per core)"
        )
        # Few threads: more only queue on the GIL (p99 1.8 ms with 1, 13 ms with 4, 60-165 ms with 8 in
        # bench/public.py); a few let a slow staff request (sending letters) not hold up the rest.
        server.add_argument("--threads", type=int, default=4, help="Python threads per process (default 4)")

    manage = command("manage", cmd_manage, "Run a Django management command (for repairs).")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from docket.environment import SettingError

    try:
        _setup_django()
        from docket.accounts import AccountError
        from docket.campaigns.examples import ExampleError
        from docket.errors import DocketError
        from docket.importing import ImportFailed
        from docket.letters import LetterError
        from docket.spreadsheets import SpreadsheetError

        user_errors = (
            CommandError,
            DocketError,
            ImportFailed,
            SpreadsheetError,
            ExampleError,
            AccountError,
            LetterError,
        )
        try:
            status: int = args.handler(args)
        except user_errors as error:
            raise CommandError(str(error)) from error
    except (CommandError, SettingError) as error:
        print(f"docket {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
