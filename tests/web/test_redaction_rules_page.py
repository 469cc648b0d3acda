"""A campaign's "Redaction rules" page: read by its team, changed by those who may publish, and a rule
added there shows at once in the request page's publication preview."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.mail.models import InboundMessage
from docket.publishing.models import RedactionRule
from docket.requests import actions
from docket.requests.events import EventKind
from docket.requests.models import Event
from tests.web.conftest import Team, mail_with_attachment, sent

pytestmark = pytest.mark.django_db
Scope = RedactionRule.Scope


@pytest.fixture
def replied(team: Team):
    """A sent request of our campaign with a reply that names a private person."""
    request = sent(actions.request_for(team["campaign"].recipients.get(contact__full_name="Anthony Stansfeld")))
    mail_with_attachment(
        "Our strategy",
        status=InboundMessage.Status.FILED,
        request=request,
        body_text="Our lead officer is Jane Doe, who wrote the strategy.",
    )
    return request


def rules_url(team: Team) -> str:
    return reverse("web:redaction_rules", args=[team["campaign"].slug])


def add(client, team: Team, **fields: str):
    data = {"pattern": "", "kind": "text", "replacement": "[redacted]", "reason": "", "scope": "campaign"} | fields
    return client.post(reverse("web:redaction_rule_add", args=[team["campaign"].slug]), data, follow=True)


def test_the_campaign_and_request_pages_link_to_it(client, team, replied):
    client.force_login(team["viewer"])
    assert rules_url(team) in client.get(reverse("web:campaign", args=[team["campaign"].slug])).content.decode()
    client.force_login(team["coordinator"])  # the request page's Publication section is for those who publish
    page = client.get(reverse("web:request", args=[replied.pk])).content.decode()
    assert f'{rules_url(team)}?request={replied.pk}#add">Add a redaction rule</a>' in page


def test_a_rule_added_on_the_page_shows_in_the_request_pages_preview(client, team, replied):
    client.force_login(team["coordinator"])
    request_page = reverse("web:request", args=[replied.pk])
    assert "A private person" not in client.get(request_page).content.decode()
    response = add(client, team, pattern="Jane Doe", reason="A private person")
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == rules_url(team)
    assert f"The rule is added. It applies to the campaign {team['campaign'].title}." in page
    assert "“Jane Doe”" in page
    assert "Items already published keep their redactions until published again" in page
    preview = client.get(request_page).content.decode()
    assert "Jane Doe" in preview
    assert "A private person" in preview  # the reason, beside the redaction in context
    assert Event.objects.filter(campaign=team["campaign"], kind=EventKind.REDACTION_RULE_ADDED).count() == 1


def test_the_form_opened_from_a_request_is_for_that_request(client, team, replied):
    client.force_login(team["coordinator"])
    page = client.get(rules_url(team) + f"?request={replied.pk}").content.decode()
    assert 'value="request" checked' in page
    assert f'<option value="{replied.pk}" selected>' in page
    add(client, team, pattern="Jane Doe", reason="A private person", scope="request", request=str(replied.pk))
    rule = RedactionRule.objects.get()
    assert (rule.scope, rule.request) == (Scope.REQUEST, replied)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"pattern": "", "reason": "A private person"}, "Enter the text to redact"),
        ({"pattern": "Jane Doe"}, "Enter the reason"),
        ({"pattern": r"(a)\1", "kind": "regex", "reason": "r"}, "refers back to a group it matched earlier"),
        ({"pattern": "[A-Z", "kind": "regex", "reason": "r"}, "cannot be read"),
        ({"pattern": "x?", "kind": "regex", "reason": "r"}, "can match an empty piece of text"),
        ({"pattern": "Jane", "reason": "r", "scope": "body"}, "Choose one of the bodies"),
        ({"pattern": "Jane", "reason": "r", "scope": "request"}, "Choose one of this campaign"),
        ({"pattern": "Jane", "reason": "r", "scope": "request", "request": "999999"}, "Choose the request from"),
        ({"pattern": "Jane", "reason": "r", "scope": "body", "body": "999999"}, "Choose the body from the list"),
        ({"pattern": "x" * 600, "reason": "r"}, "500 characters or fewer"),
    ],
)
def test_a_bad_rule_is_shown_in_an_error_summary_with_what_was_typed(client, team, fields, words):
    client.force_login(team["coordinator"])
    response = add(client, team, **fields)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert words in page.replace("&#x27;", "'")
    assert fields["pattern"][:50] in page
    assert not RedactionRule.objects.exists()


def test_a_rule_is_switched_off_and_on_and_removed(client, team):
    client.force_login(team["coordinator"])
    add(client, team, pattern="Jane Doe", reason="A private person")
    rule = RedactionRule.objects.get()
    change = reverse("web:redaction_rule_change", args=[team["campaign"].slug, rule.pk])
    assert "switched off" in client.post(change, {"action": "off"}, follow=True).content.decode()
    rule.refresh_from_db()
    assert rule.active is False
    client.post(change, {"action": "on"})
    rule.refresh_from_db()
    assert rule.active is True
    assert "is removed" in client.post(change, {"action": "remove"}, follow=True).content.decode()
    assert not RedactionRule.objects.exists()
    kinds = set(Event.objects.filter(campaign=team["campaign"]).values_list("kind", flat=True))
    assert {EventKind.REDACTION_RULE_SWITCHED_OFF, EventKind.REDACTION_RULE_SWITCHED_ON} <= kinds
    assert EventKind.REDACTION_RULE_REMOVED in kinds


def test_a_viewer_reads_the_rules_but_has_no_form_nor_buttons(client, team):
    RedactionRule.objects.create(pattern="Jane Doe", reason="A private person", scope=Scope.EVERYWHERE)
    client.force_login(team["viewer"])
    page = client.get(rules_url(team)).content.decode()
    assert "“Jane Doe”" in page
    assert "Every campaign of the office" in page
    assert "Add the rule" not in page
    assert "Switch off" not in page
    assert add(client, team, pattern="John Roe", reason="r").status_code == 403


def test_the_rules_of_another_campaign_are_not_listed(client, team):
    other = RedactionRule.objects.create(
        pattern="Other Person", reason="r", scope=Scope.CAMPAIGN, campaign=team["other_campaign"]
    )
    client.force_login(team["admin"])
    assert other.pattern not in client.get(rules_url(team)).content.decode()


def test_a_stored_rule_the_matcher_refuses_stops_previews_and_publishing_in_words(client, team, replied):
    """A rule saved before rules were searched by RE2 (a lookahead was allowed then) is not left out silently:
    the request page says so where its previews were, publishing refuses, and the rules page names it."""
    from docket.publishing.models import Publication

    rule = RedactionRule.objects.create(
        pattern=r"Jane(?= Doe)",
        is_regex=True,
        reason="A private person",
        scope=Scope.CAMPAIGN,
        campaign=team["campaign"],
    )
    client.force_login(team["coordinator"])
    request_page = reverse("web:request", args=[replied.pk])
    response = client.get(request_page)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="rules-problem"' in page
    assert "The redaction rule for “Jane(?= Doe)” (A private person) cannot be used" in page
    assert "it looks ahead with (?=…)" in page
    assert "Nothing to redact found." not in page
    letter = client.post(
        reverse("web:publication", args=[replied.pk]),
        {"kind": "letter", "object": "0", "action": "publish"},
        follow=True,
    )
    assert "cannot be used" in letter.content.decode()
    assert not Publication.objects.filter(request=replied, state="published").exists()
    rules_page = client.get(rules_url(team)).content.decode()
    assert f'id="rule-problem-{rule.pk}"' in rules_page
    change = reverse("web:redaction_rule_change", args=[team["campaign"].slug, rule.pk])
    client.post(change, {"action": "off"})
    on_again = client.post(change, {"action": "on"}, follow=True).content.decode()
    rule.refresh_from_db()
    assert rule.active is False
    assert "cannot be used" in on_again
    assert "Nothing to redact found." in client.get(request_page).content.decode()
