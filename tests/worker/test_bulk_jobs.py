"""Long work off the request: approve-and-send and a ZIP of letters are jobs the worker runs, a chunk at a time."""

from __future__ import annotations

import datetime
import io
import zipfile

import jinja2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from docket.campaigns.models import Campaign
from docket.letters import compile_template
from docket.mail.models import OutboxMessage
from docket.requests.actions import Actor
from docket.requests.models import FrozenLetter, InfoRequest
from docket.requests.states import RequestState
from docket.worker import jobs, rounds
from docket.worker.models import BulkJob
from tests.factories import contact_row
from tests.web.conftest import person

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def signed_in_coordinator(client, campaign: Campaign):
    client.force_login(person("coordinator@office.example", "coordinator", campaign))
    return client


@pytest.mark.django_db(transaction=True)  # the outbox sends from a connection of its own
def test_approve_and_send_answers_with_the_jobs_page_which_shows_what_was_queued_and_what_was_not(
    client, many, smtp_server
):
    campaign = many()
    ids = [str(pk) for pk in campaign.recipients.values_list("pk", flat=True)]
    signed_in_coordinator(client, campaign)
    response = client.post(reverse("web:campaign_bulk", args=[campaign.slug]), {"recipient": ids, "action": "send"})
    job = BulkJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job", args=[job.pk])
    # The test backend runs tasks at once: the job is finished when its page is first seen, and the page shows it.
    page = client.get(response["Location"]).content.decode()
    assert (job.state, job.done, job.total, job.skipped) == ("done", 12, 12, 1)
    assert "11 letters sent; 1 not queued (listed below)." in page
    assert "Person 6 (Body 6): Person 6 has no email address to send to" in page
    assert 'value="12"' in page
    assert 'max="12"' in page
    assert "hx-trigger" not in page  # finished: nothing to poll for
    assert OutboxMessage.objects.filter(state="sent").count() == 11 == len(smtp_server[0].received)
    again = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert again.startswith('<div id="job-progress"')
    assert "11 letters sent" in again


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_request_returns_at_once_and_the_worker_does_the_work(
    client, many, settings, smtp_server, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(jobs, "CHUNK", 5)
    campaign = many()
    ids = [str(pk) for pk in campaign.recipients.values_list("pk", flat=True)]
    signed_in_coordinator(client, campaign)
    response = client.post(reverse("web:campaign_bulk", args=[campaign.slug]), {"recipient": ids, "action": "send"})
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in page
    assert "hx-trigger" in page
    assert 'http-equiv="refresh"' in page  # without JavaScript the page reloads itself
    assert "0 of 12 letters" in page
    assert not OutboxMessage.objects.exists()
    assert not InfoRequest.objects.filter(state=RequestState.QUEUED).exists()

    rounds.run_queued_tasks("test-worker")  # three chunks, then the send the last chunk asked for
    job = BulkJob.objects.get()
    assert (job.state, job.done, job.skipped) == ("done", 12, 1)
    assert len(smtp_server[0].received) == 11
    page = client.get(response["Location"]).content.decode()
    assert "12 of 12 letters" in page
    assert "hx-trigger" not in page
    assert 'http-equiv="refresh"' not in page


def test_a_chunk_that_fails_part_way_writes_nothing_and_the_job_says_so_in_words(many, monkeypatch):
    campaign = many(4)

    def breaks_after_the_approvals(letters):
        assert InfoRequest.objects.filter(state=RequestState.QUEUED).count() == 4  # moved, not yet committed
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("docket.mail.dispatch.index_letters", breaks_after_the_approvals)
    job = jobs.send_letters(campaign, list(campaign.recipients.values_list("pk", flat=True)), Actor("test"), send=False)
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error.startswith("Something went wrong while the letters were being queued; no letter of the chunk")
    assert job.done == 0
    assert not OutboxMessage.objects.exists()
    assert not FrozenLetter.objects.exists()
    assert not InfoRequest.objects.exclude(state=RequestState.DRAFT).exists()  # the approvals went back too


def test_each_process_compiles_the_template_once_and_a_chunk_costs_a_bounded_number_of_statements(many, monkeypatch):
    campaign = many(30)
    compiled: list[str] = []

    def compile_and_count(source: str, slug: str) -> jinja2.Template:
        compiled.append(slug)
        return compile_template(source, slug)

    monkeypatch.setattr(jobs, "compile_template", compile_and_count)
    monkeypatch.setattr(jobs, "CHUNK", 10)
    jobs._template.cache_clear()
    with CaptureQueriesContext(connection) as queries:
        job = jobs.send_letters(
            campaign, list(campaign.recipients.values_list("pk", flat=True)), Actor("test"), send=False
        )
    assert len(compiled) == 1
    job.refresh_from_db()
    assert (job.done, job.skipped) == (30, 1)
    per_letter = len(queries) / 29
    # A chunk is written in a few statements whatever its size (its requests created, approved and queued
    # in batches, the letters frozen, indexed and stored by bulk inserts), so the cost per letter is that
    # of a chunk shared out: 3.7 measured on both databases with chunks of 10 (23.4 when each letter was
    # written on its own).
    assert per_letter < 5, per_letter


def test_the_zip_of_letters_is_made_by_the_worker_and_downloaded_from_the_jobs_page(client, many):
    campaign = many(3)
    signed_in_coordinator(client, campaign)
    response = client.post(reverse("web:letters_zip", args=[campaign.slug]), {"format": ["pdf", "txt"]})
    job = BulkJob.objects.get()
    assert response["Location"] == reverse("web:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert (job.state, job.done, job.total) == ("done", 3, 3)
    assert "3 letters in a ZIP file with a manifest." in page
    assert reverse("web:job_result", args=[job.pk]) in page
    download = client.get(reverse("web:job_result", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len(names) == 7
    assert "manifest.csv" in names
    assert (
        "Please send us your strategy, Person 2."
        in archive.read(next(n for n in names if n.endswith(".txt") and "body-2" in n)).decode()
    )


def test_a_zip_whose_template_fails_makes_no_file_and_says_why(client, many):
    campaign = many(2)
    campaign.template_source = "Dear {{ fields.nothing }}"
    campaign.save()
    signed_in_coordinator(client, campaign)
    response = client.post(reverse("web:letters_zip", args=[campaign.slug]), {"format": "pdf"})
    page = client.get(response["Location"]).content.decode()
    job = BulkJob.objects.get()
    assert job.state == "failed"
    assert job.result_name == ""
    assert "No file was made:" in page
    assert "nothing" in page
    assert client.get(reverse("web:job_result", args=[job.pk])).status_code == 404


def test_a_zip_of_a_campaign_with_no_recipients_is_refused_in_words_and_no_job_is_made(client, campaign):
    signed_in_coordinator(client, campaign)
    response = client.post(reverse("web:letters_zip", args=[campaign.slug]), {"format": "pdf"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "has no recipients yet, so there are no letters to put in a ZIP file: add recipients first." in page
    assert "govuk-error-summary" in page
    assert not BulkJob.objects.exists()


def test_rendering_a_campaign_reads_item_states_from_the_prefetch(many):
    from docket.campaigns.letters import recipient_data, recipients_for_rendering

    def queries_for(campaign: Campaign) -> int:
        with CaptureQueriesContext(connection) as queries:
            [recipient_data(r) for r in recipients_for_rendering(campaign)]
        return len(queries)

    assert queries_for(many(3)) == queries_for(many(20, slug="larger")) == 3  # recipients, item states, items


def test_a_job_whose_worker_was_killed_is_marked_as_stopped_by_the_schedule_and_says_what_to_do(many):
    from django.utils import timezone

    from docket.worker import actions

    campaign = many(1)
    killed = actions.ask(BulkJob.Kind.SEND, campaign=campaign, user=None, name="test", total=100)
    moving = actions.ask(BulkJob.Kind.SEND, campaign=campaign, user=None, name="test", total=100)
    for job in (killed, moving):
        actions.advance(job.pk, 50)
    now = timezone.now()
    BulkJob.objects.filter(pk=killed.pk).update(moved_at=now - datetime.timedelta(minutes=31))
    assert rounds.give_up_stalled(now) == "1 stalled job marked as stopped"
    killed.refresh_from_db()
    moving.refresh_from_db()
    assert (killed.state, moving.state) == ("failed", "running")
    assert killed.error.startswith("The work stopped part-way (50 of 100 done)")
    assert killed.error.endswith("What was done stays done; ask again for the rest.")


def test_the_public_site_is_exported_by_the_worker_and_seen_only_by_who_asked_and_admins(client, many):
    campaign = many(1)
    signed_in_coordinator(client, campaign)
    response = client.post(reverse("web:export_site"))
    job = BulkJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert job.state == "done"
    assert job.campaign is None
    assert "The public site:" in page
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(reverse("web:job_result", args=[job.pk])).streaming_content))
    )
    assert {"index.html", "feed.atom", "data/requests.csv"} <= set(archive.namelist())
    client.force_login(person("other@office.example", "coordinator", campaign))
    assert client.get(response["Location"]).status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker's round closes old connections, as between tasks
def test_a_large_contacts_file_is_imported_by_the_worker_after_its_preview(client, many, settings, monkeypatch):
    from pathlib import Path

    from docket.directory.models import Contact
    from tests.web.conftest import shown_file
    from tests.web.test_directory_pages import csv_upload

    monkeypatch.setattr(jobs, "IMPORT_IN_WORKER_ROWS", 2)  # three rows count as large here
    settings.TASKS = DATABASE_TASKS
    campaign = many(1)
    client.force_login(person("editor@office.example", "editor", campaign))
    url = reverse("web:directory_import")
    client.post(url, {"file": csv_upload([contact_row(n, full_name=f"Imported {n}") for n in range(20, 23)])})
    response = client.post(url, {"action": "import"} | shown_file(client.get(url).content.decode()))
    job = BulkJob.objects.get()
    assert response["Location"] == reverse("web:job", args=[job.pk])
    assert "0 of 3 rows" in client.get(response["Location"]).content.decode()
    assert not Contact.objects.filter(full_name__startswith="Imported").exists()

    rounds.run_queued_tasks("test-worker")
    page = client.get(response["Location"]).content.decode()
    assert "contacts.csv: 3 created, 0 updated, 0 unchanged." in page
    assert Contact.objects.filter(full_name__startswith="Imported").count() == 3
    assert list(Path(settings.DATA_DIR, "imports").iterdir()) == []  # the kept file is gone


@pytest.mark.django_db(transaction=True)  # the command works as a worker, which closes old connections
def test_docket_queue_asks_for_the_job_and_works_on_its_chunks_itself(many, settings, monkeypatch, capsys):
    from docket.cli import main

    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(jobs, "CHUNK", 4)
    campaign = many(10)
    assert main(["queue", campaign.slug, "--quiet"]) == 1  # one letter not queued
    out, err = capsys.readouterr()
    assert "9 letters queued; 1 not queued (listed below). Run `docket send`" in out
    assert "not queued: Person 6 (Body 6): Person 6 has no email address to send to" in err
    job = BulkJob.objects.get()
    assert (job.kind, job.state, job.done, job.total) == ("queue", "done", 10, 10)
    assert OutboxMessage.objects.filter(state="queued").count() == 9  # queued, not sent: `docket send` sends


def test_approving_many_letters_is_a_job_and_a_few_are_approved_in_the_request(client, many, monkeypatch):
    from docket.web import campaign_pages

    monkeypatch.setattr(campaign_pages, "APPROVE_IN_REQUEST", 3)
    monkeypatch.setattr(jobs, "CHUNK", 2)
    campaign = many(5)
    ids = [str(pk) for pk in campaign.recipients.order_by("pk").values_list("pk", flat=True)]
    signed_in_coordinator(client, campaign)
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    few = client.post(url, {"recipient": ids[:2], "action": "approve"}, follow=True).content.decode()
    assert "2 letters approved." in few
    assert not BulkJob.objects.exists()

    response = client.post(url, {"recipient": ids, "action": "approve"})
    job = BulkJob.objects.get()
    assert response["Location"] == reverse("web:job", args=[job.pk])
    assert (job.kind, job.state, job.done, job.changed) == ("approve", "done", 5, 3)
    page = client.get(response["Location"]).content.decode()
    assert "3 letters approved; 2 had been approved already, or sent." in page
    assert InfoRequest.objects.filter(state=RequestState.APPROVED).count() == 5


def test_the_approval_job_leaves_a_letter_that_cannot_be_made_a_draft_and_says_which_and_why(client, many, monkeypatch):
    from docket.web import campaign_pages

    monkeypatch.setattr(campaign_pages, "APPROVE_IN_REQUEST", 3)
    monkeypatch.setattr(jobs, "CHUNK", 2)
    campaign = many(5)
    campaign.template_source += " {{ fields.budget }}"
    campaign.save()
    recipients = list(campaign.recipients.order_by("pk"))
    for recipient in recipients[1:]:
        recipient.fields = {**recipient.fields, "budget": "£1m"}
        recipient.save(update_fields=["fields"])
    signed_in_coordinator(client, campaign)
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    response = client.post(url, {"recipient": [str(r.pk) for r in recipients], "action": "approve"})
    job = BulkJob.objects.get()
    assert (job.kind, job.state, job.done, job.changed, job.skipped) == ("approve", "done", 5, 4, 1)
    page = client.get(response["Location"]).content.decode()
    assert "4 letters approved; 1 not approved (listed below)." in page
    first = recipients[0].contact
    assert f"<li>{first.full_name} ({first.body.name}): " in page
    assert InfoRequest.objects.filter(state=RequestState.APPROVED).count() == 4
    assert not InfoRequest.objects.filter(recipient=recipients[0], state=RequestState.APPROVED).exists()
