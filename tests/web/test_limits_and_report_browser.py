"""In Chromium (Playwright): the mail server limits page, reached from the outbox, refusing a limit in words and
saving one; and the campaign report's PDF, asked for on the report page, made by the worker while its job page
follows it, then downloaded. axe-core and the CSP on each page; screenshots in DOCKET_LIMITS_SHOTS.

The report's task goes to the database (django-tasks-db, as in production) and is run by the worker's own round
(``rounds.run_queued_tasks``, what ``docket worker`` runs), in this test process while the browser waits.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from docket.mail.models import ServerLimit
from docket.requests import actions
from docket.web import report_pages
from docket.web.mail_pages import sending_through
from docket.worker import rounds
from docket.worker.models import BulkJob
from tests.conftest import REPO
from tests.web.conftest import person, sent
from tests.web.test_browser import check as checked
from tests.web.test_browser import signed_in
from tests.web.test_mail_limits import chasers_claimed

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_LIMITS_SHOTS", REPO / "test-artefacts" / "screenshots"))


def check(page, name: str) -> None:
    checked(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_coordinator_sets_the_mail_servers_limits_from_the_outbox(browser, live_server, example):
    server = sending_through()
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto("/outbox/")
    page.get_by_role("link", name="Mail server limits").click()
    page.get_by_role("heading", name="Mail server limits").wait_for()
    assert page.locator("#usage-0").inner_text().count("No limit") == 2
    check(page, "mail-limits")

    page.get_by_label("Messages a minute").fill("0")
    page.get_by_label("Recipients a day").fill("ten thousand")
    page.get_by_role("button", name=f"Save the limits of {server}").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Messages a minute: Enter 1 or more" in summary.inner_text()
    assert "Recipients a day: Enter a whole number, such as 10,000, or leave it empty for no limit" in (
        summary.inner_text()
    )
    check(page, "mail-limits-refused")
    summary.get_by_role("link", name="Recipients a day: Enter a whole number").click()  # the summary leads to it
    assert page.evaluate("document.activeElement.id") == "limit-0-recipients_per_day"
    assert not ServerLimit.objects.exists()

    page.get_by_label("Messages a minute").fill("30")
    page.get_by_label("Recipients a day").fill("10,000")
    page.get_by_role("button", name=f"Save the limits of {server}").click()
    page.get_by_text(f"The limits of {server} are saved: 30 messages a minute and 10,000 recipients a day.").wait_for()
    assert page.locator("#usage-0").inner_text().split("\n")[-2:] == [
        "Messages a minute\t30\t0 in the last minute",
        "Recipients a day\t10,000\t0 in the last 24 hours",
    ]
    check(page, "mail-limits-saved")
    limit = ServerLimit.objects.get(server=server)
    assert (limit.messages_per_minute, limit.recipients_per_day) == (30, 10_000)
    page.goto("/outbox/")
    assert (
        "0 of 30 messages sent or being sent in the last minute, 0 of 10,000 recipients"
        in page.locator("#sending-limits").inner_text()
    )
    check(page, "outbox-with-limits")


def test_the_report_pdf_is_made_by_the_worker_and_downloaded_from_its_job_page(
    browser, live_server, example, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sent(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    page = signed_in(browser, live_server, person("viewer@office.example", "viewer", example))
    page.goto(f"/campaigns/{example.slug}/report/")
    check(page, "report-with-file-buttons")

    page.get_by_role("button", name="Make the PDF of the report").click()
    page.get_by_text("Waiting for the worker").wait_for()  # answered at once: nothing made in the request
    assert page.locator("#job-count").inner_text() == "0 of 2 steps (0%)"
    check(page, "report-job-waiting")
    job = BulkJob.objects.get()
    assert (job.kind, job.campaign, job.options) == ("report", example, {"format": "pdf"})

    rounds.run_queued_tasks("browser-test-worker")
    page.locator("#job-file").wait_for(timeout=30_000)  # the page's polling saw the job finish
    assert page.locator("#job-count").inner_text() == "2 of 2 steps (100%)"
    assert page.locator("#job-summary").inner_text().startswith(f"The report of {example.title}, as a tagged PDF")
    check(page, "report-job-done")
    page.reload()  # without the page's polling, the same
    assert page.locator("#job-count").inner_text() == "2 of 2 steps (100%)"
    with page.expect_download() as download:
        page.locator("#job-file").click()
    assert download.value.suggested_filename.startswith(f"{example.slug}-report-")
    assert download.value.suggested_filename.endswith(".pdf")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-64:]
    page.get_by_role("link", name="Back to the report").click()
    page.get_by_role("heading", name="Report", exact=True).wait_for()

    monkeypatch.setattr(report_pages, "MOST_BODIES", 2)  # a campaign too big to show: made as a file, still
    page.reload()
    assert "is not shown on a page. Make it as a file" in page.locator("#report-too-big").inner_text()
    check(page, "report-too-big")
    page.get_by_role("button", name="Make the Word document of the report").click()
    page.get_by_text("Waiting for the worker").wait_for()


def test_a_days_limit_already_used_is_said_when_saved_and_warned_of_on_the_outbox(browser, live_server, example):
    server = sending_through()
    chasers_claimed(example, 15, 12, timezone.now() - datetime.timedelta(hours=5), server)
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto("/outbox/limits/")
    page.get_by_label("Messages a minute").fill("2")
    page.get_by_label("Recipients a day").fill("3")
    page.get_by_role("button", name=f"Save the limits of {server}").click()
    said = page.get_by_text("12 recipients have been sent to in the last 24 hours, more than the new limit of 3")
    said.wait_for()
    assert re.search(r"nothing more will go until about \d\d:\d\d (today|tomorrow)\.", said.inner_text())
    check(page, "mail-limits-over-the-day")
    page.goto("/outbox/")
    warning = page.locator("#held-by-limit")
    warning.wait_for()
    assert re.search(
        r"3 chasers wait because the mail server's limit of 3 recipients a day is reached; the next can go at about"
        r" \d\d:\d\d (today|tomorrow)\.",
        warning.inner_text(),
    )
    check(page, "outbox-held-by-a-days-limit")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the warning wraps, the table scrolls in its region
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page, "outbox-held-by-a-days-limit-phone")
