"""Long work in a real browser: "approve and send" 200 letters answers at once with the job's page, whose
progress bar reaches 200 while the worker queues them, and the worker then drains the outbox.

The tasks go to the database (django-tasks-db, as in production, not the tests' immediate backend) and
are run by the worker's own round (``rounds.run_queued_tasks``, what ``docket worker`` runs), in this test
process while the browser polls the page.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from docket.campaigns.importing import import_recipients
from docket.mail.models import OutboxMessage
from docket.requests.actions import Actor
from docket.requests.models import InfoRequest
from docket.worker import rounds
from docket.worker.models import BulkJob
from tests.factories import contact_row, make_campaign, write_csv
from tests.web.conftest import person
from tests.web.test_browser import check as checked
from tests.web.test_browser import signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_JOB_SHOTS", "/work/shots/workers"))
LETTERS = 200


def check(page, name: str) -> None:
    checked(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_approve_and_send_200_letters_returns_at_once_and_the_worker_queues_and_sends_them(
    browser, live_server, office, settings, smtp_server, tmp_path
):
    recorder, _ = smtp_server
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    campaign = make_campaign(office, title="Knife crime strategies", template_source="Please send your strategy.")
    rows = [contact_row(n) for n in range(1, LETTERS + 1)]
    import_recipients(campaign, write_csv(tmp_path / "recipients.csv", rows))
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", campaign))
    page.goto(f"/campaigns/{campaign.slug}/")
    page.get_by_label(f"All {LETTERS} recipients, on every page, not only those ticked").check()  # 50 a page

    page.get_by_role("button", name="Approve and send selected").click()
    assert page.locator("#confirm-heading").inner_text() == f"Approve and send {LETTERS} letters?"  # asked first
    check(page, "job-confirm")
    started = time.monotonic()
    page.get_by_role("button", name=f"Yes, approve and send {LETTERS} letters").click()
    page.get_by_text("Waiting for the worker").wait_for()
    answered = time.monotonic() - started
    assert answered < 5, answered  # nothing rendered in the request
    assert page.locator("#job-count").inner_text() == f"Queued: 0 of {LETTERS} letters (0%)"
    assert not OutboxMessage.objects.exists()
    check(page, "job-waiting")

    rounds.run_queued_tasks("browser-test-worker")  # the chunks, then the send the last chunk asked for
    page.locator("#job-count", has_text=f"Queued: {LETTERS} of {LETTERS} letters (100%)").wait_for(timeout=15_000)
    assert page.locator("#job-bar").get_attribute("value") == str(LETTERS)
    page.locator("#job-summary", has_text=f"{LETTERS} letters sent.").wait_for(timeout=15_000)  # once each has gone
    check(page, "job-done")
    job = BulkJob.objects.get()
    assert (job.state, job.done, job.skipped) == ("done", LETTERS, 0)
    assert len(recorder.received) == LETTERS
    assert not OutboxMessage.objects.exclude(state="sent").exists()
    assert InfoRequest.objects.filter(state="sent").count() == LETTERS

    page.reload()  # without the page's polling, the same
    assert page.locator("#job-count").inner_text() == f"Queued: {LETTERS} of {LETTERS} letters (100%)"

    page.get_by_role("link", name="Back to Knife crime strategies").click()
    check(page, "campaign-with-zip-form")
    page.get_by_label("PDF").uncheck()
    page.get_by_label("Plain text").check()
    page.get_by_role("button", name="Make the ZIP file").click()
    page.get_by_text("Waiting for the worker").wait_for()
    rounds.run_queued_tasks("browser-test-worker")
    page.locator("#job-file").wait_for(timeout=30_000)
    check(page, "job-zip-done")
    with page.expect_download() as download:
        page.locator("#job-file").click()
    assert download.value.suggested_filename == f"{campaign.slug}-letters.zip"


def test_the_public_site_export_and_a_failed_job_in_the_browser(browser, live_server, example):
    """The dashboard's export (the test backend runs it at once: the page is finished when first seen), and a
    ZIP of letters whose template fails: the job's page says why in words, with no file."""
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    check(page, "dashboard-with-export")
    page.get_by_role("button", name="Export the public site").click()
    page.locator("#job-summary", has_text="The public site:").wait_for()
    check(page, "job-export-done")
    with page.expect_download() as download:
        page.locator("#job-file").click()
    assert download.value.suggested_filename == "public-site.zip"

    example.template_source = "Dear {{ fields.no_such_field }}"
    example.save()
    page.goto(f"/campaigns/{example.slug}/")
    page.get_by_role("button", name="Make the ZIP file").click()
    page.locator("#job-error").wait_for()
    assert "No file was made" in page.locator("#job-error").inner_text()
    assert "no_such_field" in page.locator("#job-error").inner_text()
    assert page.locator("#job-file").count() == 0
    check(page, "job-failed")


def test_a_waiting_job_says_no_worker_is_running_until_one_runs(browser, live_server, office, settings, tmp_path):
    """With no worker the job's page warns that the work will not start; once a worker beats, the page's
    polled part drops the warning by itself."""
    from django.utils import timezone

    from docket.worker.models import WorkerBeat

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    campaign = make_campaign(office, title="Knife crime strategies", template_source="Please send your strategy.")
    import_recipients(campaign, write_csv(tmp_path / "recipients.csv", [contact_row(n) for n in range(1, 4)]))
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", campaign))
    page.goto(f"/campaigns/{campaign.slug}/")
    page.get_by_role("button", name="Make the ZIP file").click()
    warning = page.locator("#no-worker")
    warning.wait_for()
    assert "No worker is running, so this will not start" in warning.inner_text()
    check(page, "job-no-worker")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the warning wraps, nothing is cut off
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page, "job-no-worker-phone")

    now = timezone.now()
    WorkerBeat.objects.create(worker="browser-test-worker", started_at=now, seen_at=now)
    warning.wait_for(state="detached", timeout=10_000)
    page.get_by_text("starts it in a moment").wait_for()
    check(page, "job-waiting-worker-running")


def test_a_send_job_counts_its_letters_as_they_are_sent_and_every_job_page_says_what_it_is(
    browser, live_server, office, settings, smtp_server, tmp_path, monkeypatch
):
    """Queued is not sent: the finished job's page says how many of its letters went so far, and follows them (HTMX)
    until all are; a job whose letter was changed after the click stops, in words; the export's page is headed
    with what it is and links back to the dashboard's public site section."""
    from docket.mail import outbox
    from docket.worker import jobs

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.DOCKET_SEND_RATE = 6000  # one message at a time
    monkeypatch.setattr(outbox, "SEND_FOR_AT_MOST", 0.0)  # the send task sends one, as at a provider's limit
    campaign = make_campaign(office, title="Knife crime strategies", template_source="Please send your strategy.")
    import_recipients(campaign, write_csv(tmp_path / "recipients.csv", [contact_row(n) for n in range(1, 7)]))
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", campaign))
    page.goto(f"/campaigns/{campaign.slug}/")
    for box in page.locator("input[name=recipient]").all():
        box.check()
    page.get_by_role("button", name="Approve and send selected").click()
    page.get_by_text("Waiting for the worker").wait_for()
    assert page.locator("#job-heading").inner_text() == "Approve and send letters — Knife crime strategies"
    rounds.run_queued_tasks("browser-test-worker")
    sent = page.locator("#job-sent")
    sent.wait_for(timeout=15_000)
    assert sent.inner_text() == "Sent so far: 1 of 6 — the worker sends them as the mail server's limits allow"
    assert page.locator("#job-state").inner_text() == "Sending"
    assert page.locator("#job-progress").get_by_role("link", name="outbox").count() == 1
    check(page, "job-send-queued-being-sent")

    monkeypatch.setattr(outbox, "SEND_FOR_AT_MOST", 60.0)
    rounds.send_due()  # the worker's next round
    page.locator("#job-sent", has_text="Sent: 6 of 6").wait_for(timeout=15_000)  # polled, not reloaded
    assert page.locator("#job-state").inner_text() == "Done"
    check(page, "job-send-all-sent")

    ids = list(campaign.recipients.values_list("pk", flat=True))
    job = jobs.send_letters(campaign, ids, Actor("coordinator@office.example"))
    campaign.template_source = "A text nobody approved."
    campaign.save()
    rounds.run_queued_tasks("browser-test-worker")
    page.goto(f"/jobs/{job.pk}/")
    changed = "The letter was changed after you asked to approve and send it, so the letters not yet queued were not"
    assert page.locator("#job-error").inner_text().startswith(changed)
    check(page, "job-send-letter-changed")

    page.goto("/")
    page.get_by_role("button", name="Export the public site").click()
    page.get_by_text("Waiting for the worker").wait_for()
    rounds.run_queued_tasks("browser-test-worker")
    page.locator("#job-file").wait_for(timeout=30_000)
    assert page.locator("#job-heading").inner_text() == "Public site export"
    check(page, "job-export-heading")
    page.get_by_role("link", name="Back to the public site on the dashboard").click()
    page.get_by_role("heading", name="Public site").wait_for()
    assert page.url.endswith("/#public-site")
