"""The pages changed for what goes wrong, seen in Chromium with axe-core and the CSP: the error pages
(workspace and public), a new campaign given nonsense, an item's status given wrong, a job that
queued none. Screenshots go to $DOCKET_SETUP_SHOTS (by default test-artefacts/screenshots)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.requests.actions import Actor
from docket.worker import jobs
from tests.web.conftest import person
from tests.web.test_browser import signed_in
from tests.web.test_letter_checks_browser import check
from tests.worker.test_nothing_queued import send_by_hand

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_error_pages_in_a_browser(browser, live_server, example, other_campaign, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"  # Docket's own, and a view that fails
    viewer = person("viewer@office.example", "viewer", example)
    page = signed_in(browser, live_server, viewer)
    page.goto(f"/campaigns/{other_campaign.slug}/")
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert page.get_by_role("link", name="Outbox").count() == 0  # a viewer's navigation, not the Outbox
    check(page, "error-404-signed-in")
    page.goto("/outbox/")
    assert page.get_by_role("heading", name="You cannot do this with your role").is_visible()
    check(page, "error-403")
    page.goto("/fails/")
    assert page.get_by_role("heading", name="Sorry, there is a problem with the service").is_visible()
    check(page, "error-500")
    page.get_by_role("link", name="Go to the dashboard").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    page.goto("/public/no-such-campaign/")
    assert page.get_by_role("heading", name="Page not found").is_visible()
    check(page, "error-404-public")
    page.context.close()


def test_the_pages_that_tell_mistakes_in_a_browser(browser, live_server, team, two_campaigns):
    page = signed_in(browser, live_server, team["coordinator"])
    page.goto(reverse("web:new_campaign"))
    page.get_by_label("Address").fill("Knife Crime!")
    page.get_by_label("Max chasers").fill("1000000000000")
    page.get_by_role("button", name="Create the campaign").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a title" in summary.inner_text()
    assert "Address can only use lower-case letters, digits and hyphens" in summary.inner_text()
    assert "Max chasers must be 10 or less" in summary.inner_text()
    check(page, "new-campaign-mistakes")

    ours = two_campaigns["ours"].sent
    page.goto(reverse("web:request", args=[ours.pk]))
    page.get_by_text("Record what the body did about the Response Strategy").click()
    page.locator("#status-response_strategy").select_option("refused")
    page.get_by_role("button", name="Save the status of the Response Strategy").click()
    page.get_by_role("link", name="Give the body's reason for refusing the Response Strategy").click()
    assert page.evaluate("document.activeElement.id") == "note-response_strategy"
    assert page.locator("#record-response_strategy").get_attribute("open") is not None
    assert page.locator("#status-response_strategy").input_value() == "refused"
    check(page, "item-status-refused-without-reason")
    page.context.close()


def test_a_job_that_queued_none_says_so_in_a_browser(browser, live_server, example):
    coordinator = person("coordinator@office.example", "coordinator", example)
    recipients = list(example.recipients.all())
    for recipient in recipients:
        send_by_hand(recipient)
    job = jobs.send_letters(example, [r.pk for r in recipients], Actor.of(coordinator))
    page = signed_in(browser, live_server, coordinator)
    page.goto(reverse("web:job", args=[job.pk]))
    expected = "None of the 3 letters was queued: each had already been sent. See the list below."
    assert page.locator("#job-summary").inner_text() == expected
    assert page.get_by_text("The letter has already been sent, so it is not queued again.").count() == 3
    check(page, "job-none-queued")
    page.context.close()
