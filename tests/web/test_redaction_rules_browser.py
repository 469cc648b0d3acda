"""The Redaction rules page in Chromium: a coordinator goes from a request's Publication section to the
page, is told in an error summary what is wrong with a regular expression that could run for hours, adds
a rule for a private person's name, and sees it in the request's publication preview.

Screenshots go to test-artefacts/screenshots/ (and $DOCKET_SHOTS); each page is checked with axe-core.
"""

from __future__ import annotations

import pytest

from docket.mail.models import InboundMessage
from docket.requests import actions
from tests.web.conftest import mail_with_attachment, person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import signed_in
from tests.web.test_ledger_browser import shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_rule_added_from_the_request_page_shows_in_its_preview(browser, live_server, example):
    request = sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    mail_with_attachment(
        "Our strategy",
        status=InboundMessage.Status.FILED,
        request=request,
        body_text="Our lead officer is Jane Doe, who wrote the strategy.",
    )
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/requests/{request.pk}/")
    page.get_by_role("link", name="Add a redaction rule").click()
    page.wait_for_url("**/redaction/**")
    assert page.get_by_role("radio", name="One request").is_checked()  # opened for the request it came from
    shot(page, "redaction-rules-empty")

    page.get_by_label("Text to redact").fill("(\\w+) \\1")
    page.get_by_role("radio", name="A regular expression").check()
    page.get_by_label("Reason", exact=True).fill("A private person")
    page.get_by_role("button", name="Add the rule").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "refers back to a group it matched earlier" in summary.inner_text()
    assert page.get_by_label("Text to redact").input_value() == "(\\w+) \\1"  # what was typed is kept
    shot(page, "redaction-rules-refused")

    page.get_by_label("Text to redact").fill("Jane Doe")
    page.get_by_role("radio", name="Text, as typed").check()
    page.get_by_role("radio", name="This campaign").check()
    page.get_by_role("button", name="Add the rule").click()
    page.get_by_text("The rule is added.").wait_for()
    assert "“Jane Doe”" in page.locator("#rules").inner_text()
    shot(page, "redaction-rules-added")

    page.goto(f"/requests/{request.pk}/")
    publication = page.locator(".govuk-summary-card", has_text="Reply: Our strategy")
    assert "A private person" in publication.inner_text()
    publication.scroll_into_view_if_needed()
    shot(page, "redaction-rules-request-preview")


def test_a_stored_rule_that_cannot_be_used_is_said_on_the_request_and_rules_pages(browser, live_server, example):
    from docket.publishing.models import RedactionRule

    request = sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    mail_with_attachment("Our strategy", status=InboundMessage.Status.FILED, request=request, body_text="Jane Doe")
    RedactionRule.objects.create(  # as saved before rules were searched by RE2, which has no lookahead
        pattern="Jane(?= Doe)", is_regex=True, reason="A private person", scope=RedactionRule.Scope.EVERYWHERE
    )
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/requests/{request.pk}/")
    warning = page.locator("#rules-problem")
    assert "cannot be used: The regular expression cannot be used: it looks ahead" in warning.inner_text()
    warning.scroll_into_view_if_needed()
    shot(page, "redaction-rule-unusable-request")
    warning.get_by_role("link", name="Redaction rules").click()
    page.wait_for_url("**/redaction/**")
    assert "it looks ahead" in page.locator("#rules").inner_text()
    shot(page, "redaction-rule-unusable-rules")
