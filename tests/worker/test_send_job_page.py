"""An "approve and send" job's page: it queues only the letter that was approved, says how many of its letters are
sent so far (not "Done" before any went), and every job's page names what it does and links back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.mail import outbox
from docket.mail.models import OutboxMessage
from docket.requests.actions import Actor
from docket.worker import jobs, rounds
from docket.worker.models import BulkJob
from tests.worker.test_bulk_jobs import DATABASE_TASKS, signed_in_coordinator

pytestmark = pytest.mark.django_db(transaction=True)  # the outbox sends from a connection of its own


def test_a_letter_changed_after_approve_and_send_was_asked_for_is_not_queued_and_the_page_says_so(
    client, many, settings, monkeypatch
):
    settings.TASKS = DATABASE_TASKS  # the chunks wait, as for a busy worker
    campaign = many(12)  # the sixth has no email address
    ids = sorted(campaign.recipients.values_list("pk", flat=True))
    job = jobs.send_letters(campaign, ids, Actor("coordinator@office.example"))
    jobs.queue_letters.call(job.pk, ids[:5])  # the first chunk runs before the change
    assert OutboxMessage.objects.count() == 5

    campaign.template_source = "Ignore our earlier letter: send us nothing."  # saved, never approved
    campaign.save()
    assert jobs.queue_letters.call(job.pk, ids[5:10]) == {"queued": 0, "skipped": 0}
    assert jobs.queue_letters.call(job.pk, ids[10:]) == {"queued": 0, "skipped": 0}  # the job stopped: it stands down

    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == (
        "The letter was changed after you asked to approve and send it, so the letters not yet queued were not "
        "sent. The 5 letters queued before the change stay queued, with the text you approved. Preview the letter "
        "and approve and send again."
    )
    assert OutboxMessage.objects.count() == 5  # those queued before the change stay queued
    assert not OutboxMessage.objects.filter(subject__contains="Ignore").exists()
    from docket.requests.models import FrozenLetter

    assert not any("send us nothing" in letter.text for letter in FrozenLetter.objects.all())
    signed_in_coordinator(client, campaign)
    page = client.get(reverse("web:job", args=[job.pk])).content.decode()
    assert "govuk-error-summary" in page
    assert "The letter was changed after you asked to approve and send it" in page


def test_a_letter_changed_only_in_its_references_or_date_also_stops_the_job(many, settings):
    import datetime

    settings.TASKS = DATABASE_TASKS
    campaign = many(2)
    ids = sorted(campaign.recipients.values_list("pk", flat=True))
    job = jobs.send_letters(campaign, ids, Actor("test"))
    campaign.letter_date = datetime.date(2031, 1, 2)
    campaign.save()
    jobs.queue_letters.call(job.pk, ids)
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error.startswith("The letter was changed after you asked to approve and send it")
    assert not OutboxMessage.objects.exists()


def test_an_undated_letter_queued_past_midnight_is_not_taken_for_a_changed_one(many, settings, monkeypatch):
    """An undated letter is dated the day it is queued, and its reply-by date counts from that day: a job asked
    for before midnight and run after it queues the letter approved, not a "changed" one."""
    import datetime

    from django.utils import timezone

    settings.TASKS = DATABASE_TASKS
    campaign = many(2)
    campaign.letter_date = None
    campaign.template_source += "\nPlease reply by {{ due_date | long_date }}."
    campaign.save()
    ids = sorted(campaign.recipients.values_list("pk", flat=True))
    job = jobs.send_letters(campaign, ids, Actor("test"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    today = timezone.localdate

    def after_midnight(value=None, timezone=None):
        return tomorrow if value is None else today(value, timezone)

    monkeypatch.setattr(timezone, "localdate", after_midnight)  # the day the letters are queued on
    assert jobs.queue_letters.call(job.pk, ids)["queued"] == 2
    job.refresh_from_db()
    assert job.state != "failed", job.error


def test_the_finished_send_job_says_how_many_of_its_letters_are_sent_so_far_and_follows_them(
    client, many, settings, smtp_server, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    settings.DOCKET_SEND_RATE = 6000  # one message at a time
    monkeypatch.setattr(outbox, "SEND_FOR_AT_MOST", 0.0)  # the send task the last chunk asks for sends one
    campaign = many(5)
    ids = [str(pk) for pk in campaign.recipients.values_list("pk", flat=True)]
    signed_in_coordinator(client, campaign)
    response = client.post(reverse("web:campaign_bulk", args=[campaign.slug]), {"recipient": ids, "action": "send"})
    rounds.run_queued_tasks("test-worker")
    job = BulkJob.objects.get()
    assert job.state == "done"
    assert OutboxMessage.objects.filter(state="sent").count() == 1

    page = client.get(response["Location"]).content.decode()
    assert "5 letters queued for sending." in page
    assert "Queued: 5 of 5 letters (100%)" in page  # not a bare "5 of 5" beside "Sent so far: 1 of 5"
    assert "Sent so far: 1 of 5 — the worker sends them as the mail server's limits allow" in page
    # Why they wait, as the outbox says it: no worker runs (the test's ran once, and stopped) ...
    assert 'id="cannot-send"' in page
    assert "Letters are waiting and no worker is running" in page
    # ... or a mail server's limit holds them.
    from docket.mail.models import ServerLimit
    from docket.web.mail_pages import sending_through

    ServerLimit.objects.create(server=sending_through(), messages_per_minute=None, recipients_per_day=1)
    held = client.get(response["Location"]).content.decode()
    assert 'class="govuk-warning-text" id="held-by-limit"' in held
    assert "4 letters wait because the mail server&#x27;s limit of 1 recipient a day is reached" in held
    ServerLimit.objects.all().delete()
    assert 'govuk-tag--blue">Sending<' in page
    assert ">Done<" not in page
    # Not the green "finished" panel while letters are still going.
    assert "govuk-panel--confirmation" not in page
    assert "Queued, not all sent yet" in page
    assert reverse("web:outbox") in page
    assert "hx-trigger" in page  # followed while letters remain unsent
    assert 'http-equiv="refresh"' in page

    monkeypatch.setattr(outbox, "SEND_FOR_AT_MOST", 60.0)
    rounds.send_due()  # the worker's next round sends the rest
    polled = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "Sent: 5 of 5" in polled
    assert "hx-trigger" not in polled  # all sent: nothing more to follow
    assert 'govuk-tag--blue">Sending<' not in polled
    assert "govuk-panel--confirmation" in polled
    assert "Queued, not all sent yet" not in polled
    # Finished, it says what happened, and points to where the sent letters are listed (the outbox lists only
    # those still to go, so it would say "Nothing is waiting").
    assert '<div class="govuk-panel__body govuk-!-font-size-19" id="job-summary">5 letters sent.</div>' in polled
    assert "queued for sending" not in polled
    where = polled[polled.index('id="job-where"') :].split("</p>")[0]
    assert reverse("web:outbox") not in where
    assert f'href="{reverse("web:campaign", args=[campaign.slug])}">{campaign.title}</a> lists each body' in where
    assert "Nothing is waiting." in client.get(reverse("web:outbox")).content.decode()


def test_every_jobs_page_names_what_it_does_and_links_back_to_where_it_was_asked_from(client, many):
    campaign = many(1)
    signed_in_coordinator(client, campaign)
    export = client.get(client.post(reverse("web:export_site"))["Location"]).content.decode()
    assert '<h1 class="govuk-heading-xl" id="job-heading">Public site export</h1>' in export
    assert f'href="{reverse("web:dashboard")}#public-site">Back to the public site on the dashboard</a>' in export
    assert 'id="public-site"' in client.get(reverse("web:dashboard")).content.decode()

    made = client.post(reverse("web:letters_zip", args=[campaign.slug]), {"format": "pdf"})
    page = client.get(made["Location"]).content.decode()
    assert f'id="job-heading">Letters as a ZIP file — {campaign.title}</h1>' in page
    assert f'href="{reverse("web:campaign", args=[campaign.slug])}">Back to {campaign.title}</a>' in page


@pytest.mark.parametrize(
    "change", [{"email_subject": "Ignore our earlier letter"}, {"response_working_days": 5}], ids=str
)
def test_a_changed_email_subject_or_reply_by_days_also_stops_the_job(many, settings, change):
    """The email's subject and the working days the printed reply-by date counts are part of what was approved."""
    settings.TASKS = DATABASE_TASKS
    campaign = many(2)
    campaign.template_source += "\nPlease reply by {{ due_date | long_date }}."
    campaign.save()
    ids = sorted(campaign.recipients.values_list("pk", flat=True))
    job = jobs.send_letters(campaign, ids, Actor("test"))
    for name, value in change.items():
        setattr(campaign, name, value)
    campaign.save()
    jobs.queue_letters.call(job.pk, ids)
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error.startswith("The letter was changed after you asked to approve and send it")
    assert not OutboxMessage.objects.exists()
