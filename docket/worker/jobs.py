"""Long work off the web request: bulk jobs the worker runs, a chunk at a time, with their progress.

Approving and sending a campaign's letters is a job of chunks (``CHUNK`` letters each, one task
per chunk): several ``docket worker`` processes share them, each chunk renders its letters with
the template compiled once per process and writes them in one transaction together with the
job's progress, so memory stays that of one chunk whatever the campaign's size, and a chunk
killed part-way writes nothing. The chunk that brings the job to its total asks the outbox to
send (for "approve and send"). Rendering a campaign's letters to a ZIP file is one task that
reports its progress as it goes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from django.conf import settings
from django.tasks import task

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from docket.mail.models import OutboxMessage

from docket import words
from docket.campaigns.letters import campaign_data, recipient_data, recipients_for_rendering
from docket.campaigns.models import Campaign, Recipient
from docket.errors import DocketError
from docket.letters import FORMATS, LetterError, compile_template
from docket.letters.bulk import render_all
from docket.requests.actions import Actor
from docket.requests.letters import CHUNK, Skipped, for_queueing, queue_chunk
from docket.requests.refusals import ALREADY_SENT
from docket.worker import actions
from docket.worker.models import BulkJob

log = logging.getLogger(__name__)
Kind = BulkJob.Kind


def actor_of(job: BulkJob) -> Actor:
    return Actor.of(job.requested_by) if job.requested_by is not None else Actor(job.requested_by_name)


def result_folder(job: BulkJob) -> Path:
    return Path(settings.MEDIA_ROOT, "jobs", str(job.pk))


def result_path(job: BulkJob) -> Path | None:
    """The job's result file, if it made one and it is still there."""
    if not job.result_name:
        return None
    path = result_folder(job) / job.result_name
    return path if path.is_file() else None


@lru_cache(maxsize=8)
def _template(source: str, slug: str) -> jinja2.Template | None:
    """The campaign's template compiled once in this process (None: it does not compile; each letter says why)."""
    try:
        return compile_template(source, slug)
    except LetterError:
        return None


def _problem(recipient: Recipient, why: str) -> str:
    return f"{recipient.contact.full_name} ({recipient.contact.body.name}): {why}"


def letter_fingerprint(campaign: Campaign) -> str:
    """What the campaign's letters are made from, apart from each recipient, as a hash: the template, the letter's
    date, the references, the office's letterhead and signature, the requested items' labels, the email's subject
    and the working days the reply-by date counts. An "approve and
    send" job records it when it is asked for, and queues nothing once it differs (the letter approved changed).
    """
    # The field names only name errors; the reply-by date of an undated letter moves on with the day it is queued,
    # as its date does: a job that runs past midnight sends the letter approved, dated the day it goes.
    data = dataclasses.replace(campaign_data(campaign), field_names=(), due_date=None)
    items = [(item.key, item.label) for item in campaign.items.all()]
    # What the email carries besides the letter (its subject), and what the reply-by date counts (the working
    # days: a dated letter's due date is left out above with an undated one's, so the days are kept here).
    email = (campaign.email_subject or campaign.title, campaign.response_working_days)
    return hashlib.sha256(repr((data, items, email)).encode()).hexdigest()


def _changed_since_asked(job: BulkJob) -> str:
    """Why a job queued no more letters: the letter it was to send changed after it was asked for, in words."""
    queued = job.done - job.skipped
    again, outcome = ("approve and send", "sent") if job.kind == Kind.SEND else ("approve and queue", "queued")
    said = f"The letter was changed after you asked to {again} it, so the letters not yet queued were not {outcome}."
    if queued:
        said += f" The {letters(queued)} queued before the change stay queued, with the text you approved."
    return f"{said} Preview the letter and {again} again."


def send_letters(
    campaign: Campaign,
    recipient_ids: Sequence[int],
    actor: Actor,
    *,
    send: bool = True,
    problems: Sequence[str] = (),
) -> BulkJob:
    """Ask the worker to approve and queue these recipients' letters (and send them): returns the job at once.

    ``problems``: letters already found unsendable (counted as done and not queued).
    """
    ids = sorted(set(recipient_ids))
    job = actions.ask(
        Kind.SEND if send else Kind.QUEUE,
        campaign=campaign,
        user=actor.user,
        name=actor.name,
        total=len(ids),
        problems=problems,
        # What was approved (checked by each chunk), and whose letters (the page counts them as they are sent).
        options={"letter": letter_fingerprint(campaign), "recipients": ids},
    )
    # Called outside a transaction (a view, a command): the job's row is committed before a worker looks for it.
    if not ids:
        actions.finish(job.pk, summary=_queued_summary(job.pk))
    for start in range(0, len(ids), CHUNK):
        queue_letters.enqueue(job.pk, ids[start : start + CHUNK])
    job.refresh_from_db()
    return job


def approve_letters(campaign: Campaign, recipient_ids: Sequence[int], actor: Actor) -> BulkJob:
    """Ask the worker to approve these recipients' letters (drafts only), a chunk at a time: returns the job."""
    ids = sorted(set(recipient_ids))
    job = actions.ask(Kind.APPROVE, campaign=campaign, user=actor.user, name=actor.name, total=len(ids))
    if not ids:
        actions.finish(job.pk, summary="0 letters approved.")
    for start in range(0, len(ids), CHUNK):
        approve_chunk.enqueue(job.pk, ids[start : start + CHUNK])
    job.refresh_from_db()
    return job


@task()
def approve_chunk(job_id: int, recipient_ids: list[int]) -> dict[str, int]:
    """One chunk of an approval job: each draft approved, in one transaction with the job's progress."""
    from django.db import transaction

    from docket.campaigns.readiness import LetterCheck
    from docket.requests.actions import approve, request_for
    from docket.requests.states import RequestState

    job = BulkJob.objects.select_related("campaign", "requested_by").filter(pk=job_id).first()
    if job is None or job.finished or job.campaign is None:
        return {"approved": 0}
    actor = actor_of(job)
    recipients = list(for_queueing(job.campaign, recipient_ids))
    check = LetterCheck(job.campaign)  # a letter that cannot be made is not approved (as a few in the request)
    approved, problems = 0, []
    with transaction.atomic():
        for recipient in recipients:
            request = getattr(recipient, "request", None) or request_for(recipient, actor)
            if request.state != RequestState.DRAFT:
                continue
            if problem := check.problem(recipient):
                problems.append(_problem(recipient, problem))
                continue
            approve(request, actor)
            approved += 1
        actions.count_changed(job_id, approved)
        completed = actions.advance(job_id, len(recipient_ids), problems)
    if completed:
        done = BulkJob.objects.get(pk=job_id)
        others = done.total - done.changed - done.skipped
        past = f"; {others} had been approved already, or sent" if others else ""
        left = f"; {done.skipped} not approved (listed below)" if done.skipped else ""
        actions.describe(job_id, f"{letters(done.changed)} approved{past}{left}.")
    return {"approved": approved}


def letters(count: int) -> str:
    return words.count(count, "letter")


def _queued_summary(job_id: int) -> str:
    job = BulkJob.objects.get(pk=job_id)
    queued = job.done - job.skipped
    if queued == 0:
        return _none_queued(job)
    words = f"{letters(queued)} queued" + (" for sending" if job.kind == Kind.SEND else "")
    return words + (f"; {job.skipped} not queued (listed below)." if job.skipped else ".")


def _none_queued(job: BulkJob) -> str:
    """Not "0 letters queued": that none was, and why if one reason holds for all (the list says each)."""
    if not job.skipped:
        return "No letter was queued: none was chosen."
    none = "The letter was not queued" if job.skipped == 1 else f"None of the {job.skipped} letters was queued"
    if job.problems.filter(text__contains=ALREADY_SENT).count() == job.skipped:
        why = "it had already been sent" if job.skipped == 1 else "each had already been sent"
        return f"{none}: {why}. See the list below."
    return f"{none}. The list below says why{'' if job.skipped == 1 else ' for each'}."


@task()
def queue_letters(job_id: int, recipient_ids: list[int]) -> dict[str, int]:
    """One chunk of a job: render, approve and queue these letters, and count them done."""
    job = (
        BulkJob.objects.select_related("campaign__office", "requested_by")
        .prefetch_related("campaign__references", "campaign__items")  # the letter checked below is the one made
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.finished or job.campaign is None:
        return {"queued": 0, "skipped": 0}  # the job is gone, or failed: its other chunks stand down
    campaign = job.campaign
    approved = job.options.get("letter")
    if approved is not None and approved != letter_fingerprint(campaign):
        actions.fail(job_id, _changed_since_asked(job))  # its other chunks stand down: nothing more is queued
        return {"queued": 0, "skipped": 0}
    recipients = for_queueing(campaign, recipient_ids)
    gone = len(recipient_ids) - len(recipients)
    completed = False

    def written(done: int, skipped: Skipped) -> None:
        nonlocal completed
        problems = [_problem(recipient, why) for recipient, why in skipped]
        problems += ["a recipient removed from the campaign since the job was asked for"] * gone
        completed = actions.advance(job_id, done + gone, problems)

    try:
        queued, skipped = queue_chunk(
            campaign,
            recipients,
            actor_of(job),
            template=_template(campaign.template_source, campaign.slug),
            written=written,
        )
    except DocketError as error:
        actions.fail(job_id, str(error))
        raise
    except Exception:
        log.exception("queueing letters for job %s failed", job_id)
        actions.fail(
            job_id,
            "Something went wrong while the letters were being queued; no letter of the "
            "chunk that failed was queued. Try again, and tell whoever runs Docket if it happens again.",
        )
        raise
    if completed:
        actions.describe(job_id, _queued_summary(job_id))
        if job.kind == Kind.SEND:
            from docket.mail.tasks import send_outbox

            send_outbox.enqueue()
    return {"queued": len(queued), "skipped": len(skipped) + gone}


@dataclasses.dataclass(frozen=True)
class Sending:
    """Where the letters an "approve and send" job queued stand in the outbox: how many, sent, not to be sent."""

    queued: int
    sent: int
    stopped: int  # failed, cancelled, or uncertain (a person decides): the outbox page says each

    @property
    def waiting(self) -> int:
        """Still to be sent by the worker (queued, or being sent)."""
        return self.queued - self.sent - self.stopped


def finished_summary(job: BulkJob, sending: Sending | None) -> str:
    """What a finished job did, as its page says it: an "approve and send" job whose letters have all gone (or
    stopped) says how many were sent, not the "queued for sending" it said when the last was queued."""
    if sending is None or sending.waiting or not sending.queued or job.state != BulkJob.State.DONE:
        return job.summary
    said = f"{letters(sending.sent)} sent"
    if sending.stopped:
        said += f"; {sending.stopped} could not be sent, or may not have gone (the outbox says which)"
    if job.skipped:
        said += f"; {job.skipped} not queued (listed below)"
    return said + "."


def job_letters(job: BulkJob) -> QuerySet[OutboxMessage]:
    """The letters of the job's campaign put in the outbox since the job was asked for (the job's, and any queued
    after it): what the warnings of letters that wait and cannot go count."""
    from docket.mail.models import OutboxMessage

    return OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.LETTER, request__campaign=job.campaign, created_at__gte=job.created_at
    )


def sending_of(job: BulkJob) -> Sending | None:
    """The job's letters in the outbox (None: not an "approve and send" job, or one that did not record whose).

    They are the letters to its recipients put in the outbox since the job was asked for.
    """
    from django.db.models import Count

    from docket.mail.models import OutboxMessage, OutboxState

    ids = job.options.get("recipients")
    if job.kind != Kind.SEND or not isinstance(ids, list):
        return None
    states: dict[str, int] = {}
    for start in range(0, len(ids), 500):  # a campaign of thousands: within any database's limit of parameters
        rows = (
            OutboxMessage.objects.filter(
                kind=OutboxMessage.Kind.LETTER,
                request__recipient_id__in=ids[start : start + 500],
                created_at__gte=job.created_at,
            )
            .values("state")
            .annotate(count=Count("pk"))
        )
        for row in rows:
            states[row["state"]] = states.get(row["state"], 0) + row["count"]
    stopped = sum(states.get(state, 0) for state in (OutboxState.FAILED, OutboxState.CANCELLED, OutboxState.UNCERTAIN))
    return Sending(queued=sum(states.values()), sent=states.get(OutboxState.SENT, 0), stopped=stopped)


def render_letters_zip(campaign: Campaign, actor: Actor, formats: Sequence[str] = ("pdf",)) -> BulkJob:
    """Ask the worker for a ZIP file of every recipient's letter (in ``formats``): returns the job at once."""
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise DocketError(f"Letters are made as {', '.join(FORMATS)}, not {', '.join(unknown)}.")
    if not campaign.recipients.exists():
        raise DocketError(
            f"{campaign.title} has no recipients yet, so there are no letters to put in a ZIP file: "
            "add recipients first."
        )
    job = actions.ask(
        Kind.RENDER,
        campaign=campaign,
        user=actor.user,
        name=actor.name,
        total=campaign.recipients.count(),
        options={"formats": list(formats)},
    )
    render_letters.enqueue(job.pk)
    job.refresh_from_db()
    return job


@task()
def render_letters(job_id: int) -> dict[str, int]:
    """Render a campaign's letters into a ZIP file with its manifest (all of them, or none)."""
    job = BulkJob.objects.select_related("campaign__office").filter(pk=job_id).first()
    if job is None or job.finished or job.campaign is None:
        return {"letters": 0}
    actions.start_afresh(job_id)
    campaign = job.campaign
    recipients = recipients_for_rendering(campaign)
    folder = result_folder(job)
    shutil.rmtree(folder, ignore_errors=True)  # a run killed part-way left its staging folder
    try:
        made = render_all(
            campaign_data(campaign),
            [recipient_data(r) for r in recipients],
            job.options.get("formats", ["pdf"]),
            folder,
            as_zip=True,
            workers=1,  # one process per job; more workers take more jobs
            progress=lambda done: actions.progress(job_id, done),
        )
    except LetterError as error:
        actions.fail(job_id, f"No file was made: {error}")
        return {"letters": 0}
    except Exception:
        log.exception("rendering letters for job %s failed", job_id)
        actions.fail(job_id, "Something went wrong while the letters were being made; no file was made.")
        raise
    actions.finish(job_id, summary=f"{letters(len(recipients))} in a ZIP file with a manifest.", result_name=made.name)
    return {"letters": len(recipients)}


def work_until_finished(job: BulkJob, worker_id: str, seen: Callable[[BulkJob], None], poll: float = 0.5) -> BulkJob:
    """Run queued tasks in this process, one at a time as ``docket worker`` does, until ``job`` is finished.

    For a command that asks for a job and waits for it (``docket queue``): any ``docket worker``
    running meanwhile takes chunks too. ``seen`` is called with the job as it stands after each task.
    """
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    while True:
        job.refresh_from_db()
        seen(job)
        if job.finished:
            return job
        if not isinstance(backend, DatabaseBackend):
            raise DocketError(f"job #{job.pk} is waiting, and the task backend {type(backend).__name__} runs no tasks")
        if not DBTaskResult.objects.ready().filter(backend_name=backend.alias).exists():
            time.sleep(poll)  # the rest are being run by other workers
            continue
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=backend.alias,
            startup_delay=False,
            max_tasks=1,
            worker_id=worker_id[-64:],
            excluded_queue_names=[],
        ).run()


def export_public_site(actor: Actor, site_url: str = "") -> BulkJob:
    """Ask the worker for the public site as static files, in a ZIP file: returns the job at once."""
    job = actions.ask(Kind.EXPORT, campaign=None, user=actor.user, name=actor.name, total=1, options={"url": site_url})
    export_site_files.enqueue(job.pk)
    job.refresh_from_db()
    return job


@task()
def export_site_files(job_id: int) -> dict[str, int]:
    """Write the public site (the same files as ``docket export-site``) and put them in a ZIP file."""
    from docket.publishing.export import export_site

    job = BulkJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return {"files": 0}
    actions.start(job_id)
    folder = result_folder(job)
    shutil.rmtree(folder, ignore_errors=True)  # a run killed part-way left its files
    folder.mkdir(parents=True)
    try:
        # Written outside Docket's own folders (the export refuses them), then zipped into the job's folder.
        with tempfile.TemporaryDirectory(prefix="docket-export-") as scratch:
            site = Path(scratch, "site")
            count = export_site(site, str(job.options.get("url", "")))
            target = folder / "public-site.zip"
            with zipfile.ZipFile(folder / "partial.zip", "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(site.rglob("*")):
                    if path.is_file():
                        archive.write(path, path.relative_to(site).as_posix())
            (folder / "partial.zip").replace(target)
    except DocketError as error:
        actions.fail(job_id, str(error))
        return {"files": 0}
    except Exception:
        log.exception("exporting the public site for job %s failed", job_id)
        actions.fail(job_id, "Something went wrong while the site was being written; no file was made.")
        raise
    summary = f"The public site: {words.count(count, 'file')} in a ZIP file."
    actions.finish(job_id, summary=summary, result_name=target.name)
    return {"files": count}


# A contacts file with more good rows than this is imported by the worker; a smaller one at once, in the request.
IMPORT_IN_WORKER_ROWS = 1000


def import_contacts_file(path: Path, name: str, actor: Actor, *, skip_invalid: bool, rows: int) -> BulkJob:
    """Ask the worker to import a checked contacts file (it is checked again, then saved; it owns the file)."""
    options = {"file": str(path), "name": name, "skip_invalid": skip_invalid}
    job = actions.ask(
        Kind.IMPORT_CONTACTS, campaign=None, user=actor.user, name=actor.name, total=rows, options=options
    )
    import_contacts.enqueue(job.pk)
    job.refresh_from_db()
    return job


@task()
def import_contacts(job_id: int) -> dict[str, int]:
    """Check a contacts file again and save it: every row, or (with a bad row, unless skipped) nothing."""
    from docket.directory.importing import check_contacts, save_contacts
    from docket.importing import ImportFailed
    from docket.spreadsheets import SpreadsheetError

    job = BulkJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return {"rows": 0}
    actions.start(job_id)
    path, name = Path(str(job.options["file"])), str(job.options["name"])
    try:
        check = check_contacts(path)  # again: the directory may have changed since the preview
        report = save_contacts(check, skip_invalid=bool(job.options.get("skip_invalid")))
    except FileNotFoundError:
        actions.fail(job_id, f"{name} is no longer kept (it was imported or cancelled already): nothing was imported.")
        return {"rows": 0}
    except SpreadsheetError as error:
        actions.fail(job_id, str(error).replace(str(path), name))
        return {"rows": 0}
    except ImportFailed as failure:
        actions.fail(job_id, f"{name} has {words.count(len(failure.errors), 'problem')}: nothing was imported.")
        return {"rows": 0}
    finally:
        path.unlink(missing_ok=True)
    skipped = len({error.row for error in report.skipped})
    summary = f"{name}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    summary += f"; {words.count(skipped, 'row')} with problems skipped." if skipped else "."
    actions.finish(job_id, summary=summary)
    return {"rows": report.created + report.updated + report.unchanged}


# The campaign report as a file: gathering what it says (the ledger, the themes, the charts), then writing it.
REPORT_STEPS = 2


def make_report_file(campaign: Campaign, actor: Actor, fmt: str) -> BulkJob:
    """Ask the worker for the campaign's report as a PDF, a Word document or a web page: returns the job at once."""
    from docket.evidence.report_files import REPORT_FORMATS

    if fmt not in REPORT_FORMATS:
        raise DocketError(f"The report is made as {', '.join(REPORT_FORMATS)}, not {fmt!r}: choose one of those.")
    job = actions.ask(
        Kind.REPORT, campaign=campaign, user=actor.user, name=actor.name, total=REPORT_STEPS, options={"format": fmt}
    )
    write_report.enqueue(job.pk)
    job.refresh_from_db()
    return job


REPORT_WORDS = {"pdf": "a tagged PDF", "docx": "a Word document", "html": "a web page"}


@task()
def write_report(job_id: int) -> dict[str, int]:
    """Gather the campaign's report as of today and write it to the job's folder, as its file (whole, or none)."""
    from docket.evidence.report import build
    from docket.evidence.report_files import report_file, report_file_name

    job = BulkJob.objects.select_related("campaign__office").filter(pk=job_id).first()
    if job is None or job.finished or job.campaign is None:
        return {"files": 0}
    actions.start_afresh(job_id)
    fmt = str(job.options.get("format", "pdf"))
    folder = result_folder(job)
    shutil.rmtree(folder, ignore_errors=True)  # a run killed part-way left its partial file
    folder.mkdir(parents=True)
    try:
        report = build(job.campaign)
        actions.progress(job_id, 1)
        name = report_file_name(report, fmt)
        (folder / "partial").write_bytes(report_file(report, fmt))
        (folder / "partial").replace(folder / name)  # the file appears whole, or not at all
    except DocketError as error:
        actions.fail(job_id, f"No file was made: {error}")
        return {"files": 0}
    except Exception:
        log.exception("writing the report for job %s failed", job_id)
        actions.fail(job_id, "Something went wrong while the report was being made; no file was made.")
        raise
    summary = f"The report of {job.campaign.title}, as {REPORT_WORDS.get(fmt, fmt)}, made on {report.made:%-d %B %Y}."
    actions.finish(job_id, summary=summary, result_name=name)
    return {"files": 1}
