"""Every POST view of the workspace, given bad input, answers a page with an error summary or a 4xx,
never a 500 (issue 11, item 9).

The views are found from the URL conf (as test_access does), so a view added later is walked
too, or this test says it does not know what to put in its URL. Each is posted, as an admin
(who reaches the most code), with: an empty form, nonsense values, ids that are not ours or
not numbers, NUL characters and huge strings; once at its real objects (of our campaign) and
once at ids that do not exist. The test client raises a view's exception instead of answering
500, so a failure here shows what broke.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.http import QueryDict
from django.urls import URLPattern, get_resolver, reverse

from docket.web import urls as web_urls
from tests.web.conftest import InFlight, Team
from tests.web.test_access import campaign_rule, finished_job

pytestmark = pytest.mark.django_db

# Every field name the workspace's forms read.
FIELDS = [
    "action", "recipient", "template_source", "role", "campaigns", "active", "how", "email", "password", "note",
    "classification", "request", "kind", "object", "embargo_until", "consent", "item", "file", "title", "slug",
    "office", "letter_date_day", "letter_date_month", "letter_date_year", "response_working_days",
    "very_overdue_working_days", "max_chasers",
    "chase_interval_working_days", "chaser_template", "email_subject", "name", "tags", "new_tags", "website",
    "full_name", "contact", "copy_from", "new_password1", "new_password2", "contact-full_name", "body", "area",
    "salutation", "address", "postcode", "skip_invalid", "letters", "received", "state", "fields", "value",
    "server", "messages_per_minute", "recipients_per_day", "format", "pattern", "replacement", "reason", "scope",
]  # fmt: skip
NONSENSE: dict[str, Any] = {
    name: value
    for name, value in zip(
        FIELDS,
        ["??", ["abc", "-1", "9" * 30], "{% for %}{{ x.y.z }}", "emperor", ["x"], "maybe", "nowhere", "not-an-email"]
        + ["1e9", "0000-00-00", "-1", "[]", "{}", "9" * 40, "../..", "x\r\nBcc: y@z"] * 6,
        strict=False,
    )
}
NUL = dict.fromkeys(FIELDS, "a\x00b")
HUGE = dict.fromkeys(FIELDS, "x" * 40_000)  # 2 MB in all: under the 2.5 MB Django reads, so it reaches the views
BIG_NUMBERS = dict.fromkeys(FIELDS, "9" * 40)
# A browser's empty form still sends its fields (and its CSRF token): every field blank.
EMPTY = dict.fromkeys(FIELDS, "") | {"csrfmiddlewaretoken": "x"}
# The values that choose what a view does (its buttons' values), so the bad values reach each branch.
CHOICES = ["save", "preview", "approve", "send", "import", "cancel", "retire", "restore", "remove", "up", "down"]
CHOICES += ["add_field", "rename", "publish", "temporary", "link", "off", "on"]
# The fields that carry a button's value: a view that reads one is posted the bad values with each choice.
CHOOSERS = ("action", "how")
BAD_INPUTS: dict[str, dict[str, Any]] = {
    "empty": EMPTY,
    "nonsense": NONSENSE,
    "big numbers": BIG_NUMBERS,
    "nul": NUL,
    "huge": HUGE,
}
WITH_EACH_CHOICE = {"empty", "nul", "huge"}
WRONG = {"pk": 2_147_483_647, "message": 2_147_483_646, "slug": "no-such-thing", "fmt": "exe", "action": "nope"}
WRONG |= {"how": "nope", "uidb64": "AA", "token": "nope", "kind": "nope", "page": 99_999}
WRONG |= {"recipient": 2_147_483_645, "theme": 2_147_483_644}
# Pages that only show something: a POST is answered as a GET is (nothing is done), checked below.
READ_ONLY = {
    "dashboard", "campaign", "activity", "letter_file", "request", "frozen_letter", "attachment", "holding_pen",
    "outbox", "directory", "body", "password_reset_complete",
    "ledger", "ledger_export", "codebook", "passages", "passages_file", "coder_agreement", "campaign_report",
    "coding_progress", "themes_matrix", "themes_matrix_file", "theme_cell", "document_page",
    "reply_text", "search", "job", "job_result", "redaction_rules",
    "password_reset_confirm",  # a link that is not one: the page that says so
}  # fmt: skip
# Actions whose URL says everything (no field to get wrong): done, whatever else the form carries.
NO_INPUT = {"request_action", "send_again", "settle", "unfile_message", "user_unlock", "remove_recipient"}
NO_INPUT |= {"export_site", "passage_remove", "theme_suggest"}
NO_INPUT |= {"return_to_pen"}


def real_arguments(team: Team, ours: InFlight) -> dict[str, dict[str, Any]]:
    """Each URL's arguments naming real objects of our campaign."""
    slug = {"slug": ours.campaign.slug}
    body = ours.recipient.contact.body
    job = finished_job(ours.campaign)
    return {
        "campaign": slug,
        "add_letter": slug,
        "campaign_bulk": slug,
        "campaign_settings": slug,
        "editor": slug,
        "activity": slug,
        "references": slug,
        "reference": slug | {"pk": ours.reference.pk},
        "items": slug,
        "item": slug | {"pk": ours.item.pk},
        "fields": slug,
        "add_recipients": slug,
        "import_recipients": slug,
        "remove_recipient": slug | {"pk": ours.recipient.pk},
        "recipient": slug | {"pk": ours.recipient.pk},
        "letter_file": slug | {"pk": ours.recipient.pk, "fmt": "pdf"},
        "request": {"pk": ours.draft.pk},
        "frozen_letter": {"pk": ours.sent.pk},
        "request_action": {"pk": ours.draft.pk, "action": "approve"},
        "send_again": {"pk": ours.sent.pk},
        "item_received": {"pk": ours.sent.pk},
        "upload": {"pk": ours.sent.pk},
        "reclassify_message": {"pk": ours.sent.pk, "message": ours.misfiled.pk},
        "move_message": {"pk": ours.sent.pk, "message": ours.misfiled.pk},
        "unfile_message": {"pk": ours.sent.pk, "message": ours.misfiled.pk},
        "publication": {"pk": ours.sent.pk},
        "attachment": {"pk": ours.attachment.pk},
        "file_held": {"pk": ours.held.pk},
        "set_aside_held": {"pk": ours.held.pk},
        "return_to_pen": {"pk": ours.held.pk},  # held, not set aside: refused in words
        "settle": {"pk": ours.uncertain.pk, "how": "confirm"},
        "user_update": {"pk": team["viewer"].pk},
        "user_password": {"pk": team["viewer"].pk},
        "user_unlock": {"pk": team["viewer"].pk},
        "body": {"slug": body.slug},
        "body_edit": {"slug": body.slug},
        "body_retire": {"slug": body.slug},
        "contact_new": {"slug": body.slug},
        "contact_edit": {"slug": body.slug, "pk": ours.recipient.contact.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        # The evidence ledger, coding, the report, and the worker's jobs.
        "ledger": slug,
        "ledger_export": slug | {"fmt": "csv"},
        "ledger_chase": slug,
        "ledger_publish": slug,
        "ledger_embargo": slug,
        "redaction_rules": slug,
        "redaction_rule_add": slug,
        "redaction_rule_change": slug | {"pk": campaign_rule(ours.campaign).pk},
        "letters_zip": slug,
        "item_status": {"pk": ours.sent.pk},
        "codebook": slug,
        "theme_add": slug,
        "theme_edit": slug | {"pk": ours.theme.pk},
        "theme_remove": slug | {"pk": ours.theme.pk},
        "theme_suggest": slug | {"pk": ours.theme.pk},
        "suggestion_decide": slug | {"pk": ours.suggestion.pk},
        "passages": slug,
        "passages_file": slug | {"fmt": "csv"},
        "passage_remove": slug | {"pk": ours.passage.pk},
        "passage_quote": slug | {"pk": ours.passage.pk},
        "coder_agreement": slug,
        "coding_progress": slug,
        "campaign_report": slug,
        "campaign_report_file": slug,
        "themes_matrix": slug,
        "themes_matrix_file": slug,
        "theme_cell": slug | {"recipient": ours.recipient.pk, "theme": ours.theme.pk},
        "theme_summary": slug | {"recipient": ours.recipient.pk, "theme": ours.theme.pk},
        "document_page": {"pk": ours.attachment.pk, "page": 1},
        "reply_text": {"pk": ours.reply.pk},
        "code": {"kind": "reply", "pk": ours.reply.pk, "page": 0},
        "job": {"pk": job.pk},
        "job_result": {"pk": job.pk},
    }


def walked(team: Team, ours: InFlight) -> list[tuple[str, str]]:
    """(name, url) of every workspace URL: at its real objects, and at ids that do not exist."""
    real = real_arguments(team, ours)
    urls: list[tuple[str, str]] = []
    for pattern in get_resolver(web_urls).url_patterns:  # type: ignore[arg-type]  # stubs take a URLconf's name only
        if not isinstance(pattern, URLPattern) or pattern.name is None or pattern.name in {"login", "logout"}:
            continue
        wanted = set(pattern.pattern.converters)
        assert pattern.name in real or not wanted, f"the walk does not know what to put in {pattern.name}'s URL"
        arguments = real.get(pattern.name, {})
        urls.append((pattern.name, reverse(f"web:{pattern.name}", kwargs=arguments)))
        if wanted:
            urls.append(
                (f"{pattern.name} (wrong ids)", reverse(f"web:{pattern.name}", kwargs={k: WRONG[k] for k in arguments}))
            )
    return urls


def shows_a_mistake(response: Any) -> bool:
    page = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith("text/") else ""
    return 400 <= response.status_code < 500 or "govuk-error-summary" in page or "govuk-error-message" in page


@contextmanager
def keys_read() -> Iterator[set[str]]:
    """The names of the posted form's fields read while inside, by a view (not a middleware): "*" if the
    form was iterated.

    A view that, given a form, never reads "action" or "how" does the same whatever their value (the
    same code runs on the same input up to the point where it would read them, and it never does), so
    the walk posts each button's value only to the views that read one: the same paths, far fewer
    requests (the walk took 2.5 minutes a database, most of it 2 MB posts that could go nowhere new).
    The posted form is told from the query strings of the pages a redirect leads to by a field every
    bad input carries; a middleware that looks at every value (the NUL check) chooses nothing by them.
    """
    read: set[str] = set()
    # Not readers: the middleware, and the QueryDict's own methods (building it, or calling one another).
    not_readers = (*(path.rsplit(".", 1)[1] + "." for path in settings.MIDDLEWARE), "MultiValueDict.", "QueryDict.")
    inside: list[bool] = []

    def traced(original: Any, key: str | None) -> Any:
        def call(self: QueryDict, *args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_code.co_qualname
            if not inside and dict.__contains__(self, FIELDS[0]) and not caller.startswith(not_readers):
                read.add(str(args[0]) if key is None else key)
            inside.append(True)
            try:
                return original(self, *args, **kwargs)
            finally:
                inside.pop()

        return call

    keyed = {name: traced(getattr(QueryDict, name), None) for name in ("__getitem__", "get", "getlist", "__contains__")}
    iterated = ("__iter__", "keys", "items", "lists", "values", "dict", "urlencode")
    with mock.patch.multiple(QueryDict, **keyed, **{name: traced(getattr(QueryDict, name), "*") for name in iterated}):
        yield read


@pytest.mark.parametrize("bad", list(BAD_INPUTS))
def test_every_post_view_given_bad_input_answers_an_error_summary_or_a_4xx(client, team, two_campaigns, bad):
    client.force_login(team["admin"])
    accepted = set()
    choosers = set()
    base = BAD_INPUTS[bad]
    for name, url in walked(team, two_campaigns["ours"]):
        with keys_read() as read:
            tries = [client.post(url, base, follow=True)]
        if bad in WITH_EACH_CHOICE and read & {*CHOOSERS, "*"}:
            choosers.add(name)
            tries += [client.post(url, base | dict.fromkeys(CHOOSERS, c), follow=True) for c in CHOICES]
        for response in tries:
            assert response.status_code < 500, f"{name} {url}: {response.status_code}"
            if not shows_a_mistake(response):
                accepted.add(name)
    if bad == "empty":  # the tracing sees the views that choose by a button (else the walk would be weak)
        assert {"campaign_bulk", "directory_import", "item", "items", "reference", "user_password"} <= choosers
    reads = {name for name in accepted if name.split(" (")[0] in READ_ONLY}
    for name, url in walked(team, two_campaigns["ours"]):
        if name in reads:
            assert client.post(url, base).status_code == client.get(url).status_code, name
    unexplained = accepted - reads - NO_INPUT - ACCEPTS.get(bad, set())
    assert not unexplained, f"{bad}: " + " ".join(sorted(unexplained))
    assert ACCEPTS.get(bad, set()) <= accepted, bad  # no stale excuse


# Besides the pages that only show something, and the actions with no input: posts that are not
# mistakes even so, each with why.
TEMPLATE_IS_TEXT = "editor"  # any text is a template: previewed (its error shown), or saved as work in progress
BUTTONS_ARE_THE_INPUT = {
    "body_retire",  # "retire" with no contact named retires the body itself
    "user_password",  # "temporary" or "link": the other fields are not read
    "directory_import",  # "cancel" with nothing waiting cancels nothing
    "import_recipients",  # the same
    "fields",  # "save" with no cell sent changes nothing, and says so
    "reference",  # "remove" removes the one its URL names (the walk saved a letter citing nothing, in the editor)
    "redaction_rule_change",  # "off", "on" or "remove": the rule its URL names
}
# A ZIP of the letters with no format ticked is one of PDFs; an empty summary clears a cell's summary.
DEFAULTS_ARE_THE_INPUT = {"letters_zip", "theme_summary"}
THEME_NAME_IS_TEXT = "theme_add"  # any short text is a theme's name
ACCEPTS: dict[str, set[str]] = {
    # A row's own form: all boxes blank means no campaigns, and role and sign-in left as they are.
    "empty": {TEMPLATE_IS_TEXT, "user_update"} | BUTTONS_ARE_THE_INPUT | DEFAULTS_ARE_THE_INPUT,
    "nonsense": {THEME_NAME_IS_TEXT} | DEFAULTS_ARE_THE_INPUT,
    "big numbers": {TEMPLATE_IS_TEXT, THEME_NAME_IS_TEXT} | DEFAULTS_ARE_THE_INPUT,
    "huge": {TEMPLATE_IS_TEXT}
    | BUTTONS_ARE_THE_INPUT - {"body_retire"}  # its contact id, x 40,000, is refused
    | DEFAULTS_ARE_THE_INPUT,  # the huge value is not in the summary's field: a blank summary, cleared
}
