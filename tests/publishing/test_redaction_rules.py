"""The office's redaction rules, changed through named actions: added, switched off and on, removed, each
logged on the campaign whose page made the change; bad rules refused in words for the form."""

from __future__ import annotations

import re
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
        ("[A-Z", True, "r", "pattern", "cannot be read: a square bracket [ is not closed with ], in “[A-Z”"),
        ("(Doe", True, "r", "pattern", "cannot be read: a bracket ( is not closed with ), in “(Doe”"),
        (
            "Doe{2,1}",
            True,
            "r",
            "pattern",
            "a count in curly brackets is too large (over 1,000, counting repeats inside repeats) or its",
        ),
        ("*Doe", True, "r", "pattern", "a *, + or ? has nothing before it to repeat, in “*”"),
        ("Doe\\", True, "r", "pattern", "cannot be read: it ends with a backslash."),
        (r"(a)\1", True, "r", "pattern", "refers back"),
        (r"(?P<name>a)(?P=name)", True, "r", "pattern", "refers back"),
        (r"Doe(?= Jane)", True, "r", "pattern", "looks ahead"),
        (r"(?<!Dr )Doe", True, "r", "pattern", "looks behind"),
        ("a*", True, "r", "pattern", "can match an empty piece of text"),
        (".", True, "r", "pattern", "would redact most of any text: it finds 91 of the 91 characters"),
        ("[[:alpha:]]+", True, "r", "pattern", "would redact most of any text: it finds 67 of the 91"),
        ("[A-Z][a-z]+ [A-Z][a-z]+", True, "r", "pattern", "Capitals do not count: [A-Z] finds any letter."),
        (r"REF-\d{6}", False, "r", "pattern", "“REF-\\d{6}” looks like a regular expression (\\d), but “Text, as"),
        (r"\b", True, "r", "pattern", "can match an empty piece of text"),
        ("x" * 501, False, "r", "pattern", "500 characters or fewer: it has 501"),
        ("Jane", False, "r" * 301, "reason", "300 characters or fewer: it has 301"),
    ],
)
def test_a_bad_rule_is_refused_in_words_and_nothing_is_saved(example, pattern, is_regex, reason, field, words):
    with pytest.raises(RuleError, match=re.escape(words)) as refused:
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


@pytest.mark.parametrize("pattern", ["(a+)+$", r"(\w+\s?)+$", r"(x|xy)+z", ".*.*.*.*=", r"(\w|\d)+x", r"(a?){30}a{30}"])
def test_a_pattern_that_backtracks_in_pythons_matcher_is_searched_in_time_proportional_to_the_text(pattern):
    """Python's matcher takes hours on these given a text that almost matches (an attacker's ``.*.*.*.*=`` held
    the whole server); RE2 searches a text a hundred times longer in about a hundred times the time."""
    assert pattern_problem(pattern, True) is None

    def seconds(n: int) -> float:
        text = "a" * n + "!"
        started = time.perf_counter()
        find(text, [Rule(pattern, "r", is_regex=True)], AllowList())
        return time.perf_counter() - started

    seconds(100)  # warm
    short, long = seconds(2_000), seconds(200_000)
    assert long < 5, f"{long:.1f} s for 200,000 characters"
    assert long < 300 * max(short, 0.001)


def test_a_rule_finds_a_name_split_by_a_soft_hyphen_or_a_zero_width_space():
    """Word's optional hyphen (U+00AD) and zero-width characters show nothing to a reader: a rule for the name
    finds it across them, and the span covers the whole of it as written."""
    wide = "\uff3a\uff25\uff22\uff25\uff24\uff25\uff25"  # ZEBEDEE in full-width letters
    text = f"From Ze\u00adbedee Quill\u00adfeather and Zebe\u200bdee Quillfeather, and {wide} Quillfeather."
    for rule in [Rule("Zebedee Quillfeather", "a private person"), Rule(r"zebedee\s+quill\w+", "r", is_regex=True)]:
        spans = find(text, [rule], AllowList())
        assert [span.text for span in spans] == [
            "Ze\u00adbedee Quill\u00adfeather",
            "Zebe\u200bdee Quillfeather",
            f"{wide} Quillfeather",
        ], rule


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


@pytest.mark.parametrize(
    "written",
    [
        "Z\u034fe\u034fb\u034fe\u034fd\u034fe\u034fe Quillfeather",  # a combining grapheme joiner between letters
        "Z\ufe0fe\ufe0fbedee Quillfeather",  # variation selectors
        "Z\u3164ebedee Quillfeather",  # a Hangul filler, which shows as nothing
        "Zebedee\u2800Quillfeather",  # the braille blank for the space
        "Zebedee\nQuill-\nfeather",  # hyphenated at the end of a line of plain text
        "Zebedee Quill\u2011feather",  # a non-breaking hyphen (Word's)
        "Zebedee Quill\u2013feather",  # an en dash
        "Z\u00e9bedee Quillfeather",  # an accent
        "Ze\u0301bedee Quillfeather",  # an accent as a combining mark
    ],
)
def test_a_text_rule_finds_the_name_behind_marks_a_reader_does_not_see_or_reads_past(written):
    """An attacker's second round: each of these put "Zebedee Quillfeather" on the public pages past its rule."""
    spans = find(f"From {written}, with thanks.", [Rule("Zebedee Quillfeather", "a private person")], AllowList())
    assert [span.text for span in spans] == [written]


def test_a_text_rule_finds_whole_words_and_numbers_only():
    """A tester's rule for "Ted" redacted "interested" and "co-ordinated"; one for a number, part of a longer one."""
    text = "Ted Baker (ref 12345) is interested; ref 123456 co-ordinated it, with Ted's help."
    spans = find(text, [Rule("Ted", "a private person"), Rule("12345", "his reference")], AllowList())
    assert [span.text for span in spans] == ["Ted", "12345", "Ted"]


@pytest.mark.parametrize(
    ("rule", "written"),
    [
        ("Zo\u00eb O\u2019Brien", "Zo\u00eb O'Brien"),  # typed in Word (curly), written plainly (straight)
        ("O'Brien", "O\u2019Brien"),
        ("O'Brien", "O\u2018Brien"),
        ('the "Quill" report', "the \u201cQuill\u201d report"),
    ],
)
def test_a_text_rule_finds_a_name_whichever_apostrophe_or_quote_it_is_written_with(rule, written):
    """A tester published "Zoë O'Brien" past a rule typed with a curly apostrophe."""
    spans = find(f"Signed, {written}.", [Rule(rule, "a private person")], AllowList())
    assert [span.text for span in spans] == [written]


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"\C", "matches part of a character"),
        (r"Z\C", "matches part of a character"),
        (r"[^\n]{1000}[^\n]{1000}[^\n]{1000}[^\n]{1000}Q", "too large"),
        (r"(?s).{1000}.{1000}.{1000}Q", "too large"),
    ],
)
def test_a_pattern_that_would_break_or_crawl_through_every_page_is_refused_when_saved(pattern, words):
    """A byte pattern matched inside a character (the request page was a 500 for every non-ASCII text); a pattern
    of thousands of states outgrew RE2's fast matcher (43 s for one reply's page)."""
    problem = pattern_problem(pattern, True)
    assert problem is not None
    assert words in problem
    assert pattern_problem(r"\\C", True) is None  # a backslash, then C: not the byte
