"""The office's redaction rules, changed through named actions: added, switched off and on, removed, each
logged on the campaign whose page made the change; bad rules refused in words for the form."""

from __future__ import annotations

import time

import pytest

from docket.publishing import actions
from docket.publishing.actions import RuleError
from docket.publishing.models import RedactionRule
from docket.publishing.redaction import AllowList, Rule, find, pattern_problem
from docket.publishing.rules import rules_for, rules_of, scope_words
from docket.requests import actions as request_actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.models import Event
from tests.factories import make_campaign

pytestmark = pytest.mark.django_db
ACTOR = Actor("Pat Officer")
Scope = RedactionRule.Scope


@pytest.fixture
def request_(example):
    return request_actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))


def events(campaign, kind):
    return list(Event.objects.filter(campaign=campaign, kind=kind).values_list("note", flat=True))


def test_a_rule_added_for_the_campaign_applies_to_its_requests_and_is_logged(example, request_):
    rule = actions.add_rule(example, ACTOR, pattern="  Jane Doe ", reason="A private person", scope=Scope.CAMPAIGN)
    assert (rule.pattern, rule.replacement, rule.campaign, rule.active) == ("Jane Doe", "[redacted]", example, True)
    assert [r.pattern for r in rules_for(request_)] == ["Jane Doe"]
    assert events(example, EventKind.REDACTION_RULE_ADDED) == [
        f"“Jane Doe” → [redacted], for the campaign {example.title} (A private person)"
    ]


def test_an_everywhere_rule_is_the_offices_and_logged_on_the_campaign_it_was_made_from(example, request_):
    other = make_campaign(example.office, slug="elsewhere", title="Elsewhere")
    actions.add_rule(other, ACTOR, pattern="Jane Doe", reason="A private person", scope=Scope.EVERYWHERE)
    assert [r.pattern for r in rules_for(request_)] == ["Jane Doe"]  # a request of another campaign
    assert len(events(other, EventKind.REDACTION_RULE_ADDED)) == 1
    assert events(example, EventKind.REDACTION_RULE_ADDED) == []
    assert [r.pattern for r in rules_of(example)] == ["Jane Doe"]


def test_a_rule_for_one_body_or_one_request_names_it(example, request_):
    body = request_.recipient.contact.body
    by_body = actions.add_rule(example, ACTOR, pattern="J. Doe", reason="Named", scope=Scope.BODY, body=body)
    by_request = actions.add_rule(
        example, ACTOR, pattern=r"REF-\d+", is_regex=True, reason="Case number", scope=Scope.REQUEST, request=request_
    )
    assert scope_words(by_body) == f"everything to or from {body.name}, in every campaign"
    assert scope_words(by_request).startswith("the request to ")
    assert [r.pattern for r in rules_for(request_)] == ["J. Doe", r"REF-\d+"]
    # The request's own event is on its timeline too.
    assert Event.objects.get(kind=EventKind.REDACTION_RULE_ADDED, request=request_).note.startswith(
        r"the regular expression REF-\d+"
    )


def test_a_body_or_request_not_of_the_campaign_is_refused(example, request_):
    other = make_campaign(example.office, slug="elsewhere", title="Elsewhere")
    with pytest.raises(RuleError, match="bodies this campaign writes to") as refused:
        actions.add_rule(other, ACTOR, pattern="x", reason="r", scope=Scope.BODY, body=request_.recipient.contact.body)
    assert refused.value.field == "body"
    with pytest.raises(RuleError, match="this campaign's requests"):
        actions.add_rule(other, ACTOR, pattern="x", reason="r", scope=Scope.REQUEST, request=request_)
    with pytest.raises(RuleError, match="Choose where"):
        actions.add_rule(example, ACTOR, pattern="x", reason="r", scope="nowhere")
    assert not RedactionRule.objects.exists()


@pytest.mark.parametrize(
    ("pattern", "is_regex", "reason", "field", "words"),
    [
        ("", False, "r", "pattern", "Enter the text to redact"),
        ("   ", False, "r", "pattern", "Enter the text to redact"),
        ("Jane Doe", False, "  ", "reason", "Enter the reason"),
        ("[A-Z", True, "r", "pattern", "cannot be read: unterminated character set"),
        ("(a+)+$", True, "r", "pattern", "could take too long"),
        (r"(\w+\s?)*$", True, "r", "pattern", "could take too long"),
        (r"(x|xy)*z", True, "r", "pattern", "could take too long"),
        (r"(a)\1", True, "r", "pattern", "refers back"),
        ("a*", True, "r", "pattern", "can match an empty piece of text"),
        (r"\b", True, "r", "pattern", "can match an empty piece of text"),
        ("x" * 501, False, "r", "pattern", "500 characters or fewer: it has 501"),
        ("Jane", False, "r" * 301, "reason", "300 characters or fewer: it has 301"),
    ],
)
def test_a_bad_rule_is_refused_in_words_and_nothing_is_saved(example, pattern, is_regex, reason, field, words):
    with pytest.raises(RuleError, match=words.replace("(", r"\(")) as refused:
        actions.add_rule(example, ACTOR, pattern=pattern, is_regex=is_regex, reason=reason, scope=Scope.CAMPAIGN)
    assert refused.value.field == field
    assert not RedactionRule.objects.exists()
    assert not Event.objects.filter(kind=EventKind.REDACTION_RULE_ADDED).exists()


def test_a_replacement_too_long_is_refused(example):
    with pytest.raises(RuleError, match="The replacement must be 100 characters or fewer") as refused:
        actions.add_rule(example, ACTOR, pattern="Jane", replacement="x" * 101, reason="r", scope=Scope.CAMPAIGN)
    assert refused.value.field == "replacement"


def test_the_patterns_an_officer_writes_are_accepted():
    for pattern in [r"REF-\d{4,8}", r"Mrs?\.? Doe", r"(?:Dr|Mr) Smith", r"\d+\s*\d+", r"[A-Z]{2}\d{6}[A-D]"]:
        assert pattern_problem(pattern, True) is None, pattern


def test_a_refused_pattern_would_really_have_been_slow():
    """The check refuses what backtracks: the same pattern given a text that almost matches takes far longer
    with each few characters more (so it cannot be left to run on a long PDF)."""

    def seconds(n: int) -> float:
        started = time.perf_counter()
        find("a" * n + "!", [Rule("(a+)+$", "r", is_regex=True)], AllowList())
        return time.perf_counter() - started

    assert pattern_problem("(a+)+$", True) is not None
    assert seconds(20) > 20 * seconds(12)


def test_a_rule_switched_off_redacts_nothing_until_switched_on_and_each_is_logged(example, request_):
    rule = actions.add_rule(example, ACTOR, pattern="Jane Doe", reason="A private person", scope=Scope.CAMPAIGN)
    actions.set_rule_active(rule, False, example, ACTOR)
    assert rules_for(request_) == []
    assert RedactionRule.objects.get().active is False
    actions.set_rule_active(rule, False, example, ACTOR)  # already off: nothing more
    actions.set_rule_active(rule, True, example, ACTOR)
    assert [r.pattern for r in rules_for(request_)] == ["Jane Doe"]
    assert len(events(example, EventKind.REDACTION_RULE_SWITCHED_OFF)) == 1
    assert len(events(example, EventKind.REDACTION_RULE_SWITCHED_ON)) == 1


def test_a_rule_removed_is_gone_and_what_it_was_stays_in_the_log(example, request_):
    rule = actions.add_rule(example, ACTOR, pattern="Jane Doe", reason="A private person", scope=Scope.EVERYWHERE)
    actions.remove_rule(rule, example, ACTOR)
    assert not RedactionRule.objects.exists()
    assert rules_for(request_) == []
    assert events(example, EventKind.REDACTION_RULE_REMOVED) == [
        "“Jane Doe” → [redacted], for every campaign of the office (A private person)"
    ]
