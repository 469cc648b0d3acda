"""Every view, for every named actor, against real objects of two campaigns.

The anonymous public is sent to sign in. A colleague on our campaign's team gets exactly their
role's rights on what is ours and, on what is the other campaign's, the answer for something
that does not exist (404; or 403 where their role alone already refuses). The outsider, who
coordinates the other campaign, is the mirror image. An admin reaches both.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from docket.campaigns.models import Campaign
from docket.publishing.models import Publication, RedactionRule
from docket.web import urls as web_urls
from docket.web.mail_pages import sending_through
from docket.worker.models import BulkJob
from tests.web.conftest import InFlight, Team

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"
ACTORS = ["viewer", "editor", "coordinator", "admin", "outsider"]
Statuses = dict[str, int]


def statuses(viewer: int, editor: int, coordinator: int, admin: int, outsider: int) -> Statuses:
    """The answer each actor gets, in the order of ACTORS."""
    return {"viewer": viewer, "editor": editor, "coordinator": coordinator, "admin": admin, "outsider": outsider}


# Each pair: the answers for an object of our campaign, then for the same kind of object of theirs.
READ = statuses(200, 200, 200, 200, 404), statuses(404, 404, 404, 200, 200)
START = statuses(403, 200, 200, 200, 404), statuses(403, 404, 404, 200, 200)  # editors up, answered with a page
EDIT = statuses(403, 302, 302, 302, 404), statuses(403, 404, 404, 302, 302)
SEND = statuses(403, 403, 302, 302, 404), statuses(403, 403, 404, 302, 302)  # coordinators up
HELD_FILE = statuses(404, 404, 200, 200, 404), statuses(404, 404, 404, 200, 200)  # see access.held_messages
NOT_SENT = statuses(404, 404, 404, 404, 404), statuses(404, 404, 404, 404, 404)  # a draft has no letter yet


def looked_up_first(pair: tuple[Statuses, Statuses]) -> tuple[Statuses, Statuses]:
    """For a view that finds the campaign before it checks the role: on theirs, our team gets 404 throughout."""
    ours, theirs = pair
    return ours, theirs | dict.fromkeys(["viewer", "editor", "coordinator"], 404)


OFFICE_ADMIN = statuses(403, 403, 403, 200, 403)
EVERYONE = dict.fromkeys(ACTORS, 200)
DIRECTORY_EDIT = statuses(403, 200, 200, 200, 200)  # editors up, whichever campaigns they are on
HOLDING_PEN = statuses(403, 403, 200, 200, 200)
CONFIRM = statuses(403, 403, 200, 200, 404), statuses(403, 403, 404, 200, 200)  # coordinators up, asked first


class Page(NamedTuple):
    name: str  # the URL's name
    whose: str  # "ours", "theirs", "office" (of no campaign) or "ours+theirs" (ours in the path, theirs posted)
    method: str
    url: str
    data: dict[str, Any]
    expected: Statuses


def both(
    name: str,
    method: str,
    url: Callable[[InFlight], str],
    expected: tuple[Statuses, Statuses],
    data: Callable[[InFlight], dict[str, Any]] = lambda _: {},
) -> Callable[[dict[str, InFlight]], list[Page]]:
    """A view tried on an object of our campaign and on the same kind of object of the other campaign."""
    return lambda two: [
        Page(name, whose, method, url(two[whose]), data(two[whose]), answers)
        for whose, answers in zip(["ours", "theirs"], expected, strict=True)
    ]


class EveryTime(io.BytesIO):
    """A file to upload that gives its bytes every time it is posted (one per actor)."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name

    def read(self, size: int | None = -1) -> bytes:
        self.seek(0)
        return super().read(size)


def office(name: str, method: str, url: str, expected: Statuses, data: dict[str, Any] | None = None) -> Page:
    return Page(name, "office", method, url, data or {}, expected)


def finished_job(campaign: Campaign | None, by: User | None = None) -> BulkJob:
    """A job that made a file (of ``campaign``; or of none, asked for by ``by``)."""
    from docket.worker import actions as job_actions
    from docket.worker.jobs import result_folder

    job = job_actions.ask(BulkJob.Kind.RENDER, campaign=campaign, user=by, name="someone", total=1)
    result_folder(job).mkdir(parents=True)
    (result_folder(job) / "letters.zip").write_bytes(b"PK")
    job_actions.finish(job.pk, "1 letter", "letters.zip")
    return job


def campaign_rule(campaign: Campaign) -> RedactionRule:
    """A redaction rule of the campaign's own (its page may switch it off and on, or remove it)."""
    return RedactionRule.objects.create(
        pattern="Jane Doe", reason="A private person", scope=RedactionRule.Scope.CAMPAIGN, campaign=campaign
    )


def report_made(campaign: Campaign) -> BulkJob:
    """The campaign's report as a web page, made by its job (the tests' task backend runs it at once)."""
    from docket.requests.actions import Actor
    from docket.worker.jobs import make_report_file, result_path

    job = make_report_file(campaign, Actor("setup"), "html")
    assert job.state == BulkJob.State.DONE
    assert result_path(job) is not None
    return job


def pages(team: Team, two: dict[str, InFlight]) -> list[Page]:
    """(url name, whose object, method, url, data, {actor: expected status}), in the order they are tried."""
    ours, theirs = two["ours"], two["theirs"]
    jobs = {id(c): finished_job(c.campaign) for c in (ours, theirs)}
    report_jobs = {id(c): report_made(c.campaign) for c in (ours, theirs)}
    rules = {id(c): campaign_rule(c.campaign) for c in (ours, theirs)}
    outsiders_job = finished_job(None, team["outsider"])  # of no campaign: its requester's and the admins'
    per_campaign = [
        both("campaign", "get", lambda c: reverse("web:campaign", args=[c.campaign.slug]), READ),
        both("editor", "get", lambda c: reverse("web:editor", args=[c.campaign.slug]), READ),
        both(
            "editor",
            "post",
            lambda c: reverse("web:editor", args=[c.campaign.slug]),
            looked_up_first(EDIT),
            lambda _: {"template_source": "Hi", "action": "save"},
        ),
        both("recipient", "get", lambda c: reverse("web:recipient", args=[c.campaign.slug, c.recipient.pk]), READ),
        both("add_letter", "get", lambda c: reverse("web:add_letter", args=[c.campaign.slug]), START),
        both(
            "recipient",
            "post",
            lambda c: reverse("web:recipient", args=[c.campaign.slug, c.recipient.pk]),
            looked_up_first(START),
            lambda _: {"contact-full_name": ""},
        ),
        both(
            "letter_file",
            "get",
            lambda c: reverse("web:letter_file", args=[c.campaign.slug, c.recipient.pk, "pdf"]),
            READ,
        ),
        both("campaign_settings", "get", lambda c: reverse("web:campaign_settings", args=[c.campaign.slug]), START),
        both(
            "campaign_settings",
            "post",
            lambda c: reverse("web:campaign_settings", args=[c.campaign.slug]),
            EDIT,
            lambda c: {
                "title": "New title",
                "office": c.campaign.office.pk,
                "response_working_days": 20,
                "very_overdue_working_days": 20,
                "max_chasers": 2,
                "chase_interval_working_days": 10,
            },
        ),
        both(
            "campaign_bulk",
            "post",
            lambda c: reverse("web:campaign_bulk", args=[c.campaign.slug]),
            SEND,
            lambda _: {"action": "approve"},
        ),
        both("activity", "get", lambda c: reverse("web:activity", args=[c.campaign.slug]), READ),
        both("references", "get", lambda c: reverse("web:references", args=[c.campaign.slug]), START),
        both(
            "references",
            "post",
            lambda c: reverse("web:references", args=[c.campaign.slug]),
            EDIT,
            lambda _: {"key": "extra", "author": "An Author", "title": "A title"},
        ),
        both("reference", "get", lambda c: reverse("web:reference", args=[c.campaign.slug, c.reference.pk]), START),
        both(
            "reference",
            "post",
            lambda c: reverse("web:reference", args=[c.campaign.slug, c.reference.pk]),
            EDIT,
            lambda c: {"key": c.reference.key, "author": "Changed", "title": "Changed", "action": "save"},
        ),
        both("items", "get", lambda c: reverse("web:items", args=[c.campaign.slug]), START),
        both(
            "items",
            "post",
            lambda c: reverse("web:items", args=[c.campaign.slug]),
            EDIT,
            lambda _: {"key": "extra", "label": "An extra document", "action": "add"},
        ),
        both("item", "get", lambda c: reverse("web:item", args=[c.campaign.slug, c.item.pk]), START),
        both(
            "item",
            "post",
            lambda c: reverse("web:item", args=[c.campaign.slug, c.item.pk]),
            EDIT,
            lambda _: {"label": "Renamed", "action": "save"},
        ),
        both("fields", "get", lambda c: reverse("web:fields", args=[c.campaign.slug]), START),
        both(
            "fields",
            "post",
            lambda c: reverse("web:fields", args=[c.campaign.slug]),
            EDIT,
            lambda _: {"action": "add_field", "name": "budget", "value": ""},
        ),
        both(
            "add_recipients",
            "get",
            lambda c: reverse("web:add_recipients", args=[c.campaign.slug]) + "?tag=VRU+area",
            START,
        ),
        both(
            "add_recipients",
            "post",
            lambda c: reverse("web:add_recipients", args=[c.campaign.slug]),
            EDIT,
            lambda c: {"body": str(c.recipient.contact.body.pk)},
        ),
        both("import_recipients", "get", lambda c: reverse("web:import_recipients", args=[c.campaign.slug]), START),
        both("ledger", "get", lambda c: reverse("web:ledger", args=[c.campaign.slug]), READ),
        both("ledger_export", "get", lambda c: reverse("web:ledger_export", args=[c.campaign.slug, "csv"]), READ),
        both("ledger_export", "get", lambda c: reverse("web:ledger_export", args=[c.campaign.slug, "xlsx"]), READ),
        both(
            "ledger_chase",
            "post",
            lambda c: reverse("web:ledger_chase", args=[c.campaign.slug]),
            CONFIRM,
            lambda c: {"recipient": c.sent.recipient_id},
        ),
        both("ledger_publish", "post", lambda c: reverse("web:ledger_publish", args=[c.campaign.slug]), SEND),
        both(
            "ledger_embargo",
            "post",
            lambda c: reverse("web:ledger_embargo", args=[c.campaign.slug]),
            SEND,
            lambda c: {"recipient": c.sent.recipient_id, "embargo_until": "2031-01-31"},
        ),
        both("redaction_rules", "get", lambda c: reverse("web:redaction_rules", args=[c.campaign.slug]), READ),
        both(
            "redaction_rule_add",
            "post",
            lambda c: reverse("web:redaction_rule_add", args=[c.campaign.slug]),
            SEND,
            lambda _: {"pattern": "John Roe", "kind": "text", "reason": "A private person", "scope": "campaign"},
        ),
        both(
            "redaction_rule_change",
            "post",
            lambda c: reverse("web:redaction_rule_change", args=[c.campaign.slug, rules[id(c)].pk]),
            SEND,
            lambda _: {"action": "off"},
        ),
        both(
            "letters_zip",
            "post",
            lambda c: reverse("web:letters_zip", args=[c.campaign.slug]),
            (statuses(302, 302, 302, 302, 404), statuses(404, 404, 404, 302, 302)),  # reading, so viewers too
            lambda _: {"format": "txt"},
        ),
        both("job", "get", lambda c: reverse("web:job", args=[jobs[id(c)].pk]), READ),
        both("job_result", "get", lambda c: reverse("web:job_result", args=[jobs[id(c)].pk]), READ),
        both("request", "get", lambda c: reverse("web:request", args=[c.draft.pk]), READ),
        both("request", "get", lambda c: reverse("web:request", args=[c.sent.pk]), READ),
        both("frozen_letter", "get", lambda c: reverse("web:frozen_letter", args=[c.draft.pk]), NOT_SENT),
        both("frozen_letter", "get", lambda c: reverse("web:frozen_letter", args=[c.sent.pk]), READ),
        both(
            "request_action",
            "post",
            lambda c: reverse("web:request_action", args=[c.draft.pk, "approve"]),
            looked_up_first(SEND),
        ),
        # Not undeliverable, so refused in words (a redirect to the page): the rights are what is tried here.
        both("send_again", "post", lambda c: reverse("web:send_again", args=[c.sent.pk]), SEND),
        both(
            "item_received",
            "post",
            lambda c: reverse("web:item_received", args=[c.sent.pk]),
            SEND,
            lambda c: {"item": c.campaign.items.order_by("position")[0].key},
        ),
        both(
            "item_status",
            "post",
            lambda c: reverse("web:item_status", args=[c.sent.pk]),
            SEND,
            lambda c: {"item": c.campaign.items.order_by("position")[0].key, "status": "not_held"},
        ),
        both("upload", "post", lambda c: reverse("web:upload", args=[c.sent.pk]), SEND),
        both(
            "publication",
            "post",
            lambda c: reverse("web:publication", args=[c.sent.pk]),
            SEND,
            lambda c: {"kind": "document", "object": c.attachment.pk, "action": "approve"},
        ),
        both("attachment", "get", lambda c: reverse("web:attachment", args=[c.attachment.pk]), READ),
        both("document_page", "get", lambda c: reverse("web:document_page", args=[c.attachment.pk, 1]), READ),
        both("search", "get", lambda c: reverse("web:search") + f"?q=reply&campaign={c.campaign.slug}", READ),
        both("reply_text", "get", lambda c: reverse("web:reply_text", args=[c.reply.pk]), READ),
        both("codebook", "get", lambda c: reverse("web:codebook", args=[c.campaign.slug]), READ),
        both(
            "theme_add",
            "post",
            lambda c: reverse("web:theme_add", args=[c.campaign.slug]),
            EDIT,
            lambda _: {"name": "A theme", "colour": "#1d70b8"},
        ),
        both("theme_edit", "get", lambda c: reverse("web:theme_edit", args=[c.campaign.slug, c.theme.pk]), START),
        both(
            "theme_edit",
            "post",
            lambda c: reverse("web:theme_edit", args=[c.campaign.slug, c.theme.pk]),
            EDIT,
            lambda c: {"name": "A theme renamed", "colour": "#1d70b8"},
        ),
        both(
            "theme_remove",
            "post",
            lambda c: reverse("web:theme_remove", args=[c.campaign.slug, c.theme.pk]),
            EDIT,
        ),
        both(
            "theme_suggest",
            "post",
            lambda c: reverse("web:theme_suggest", args=[c.campaign.slug, c.theme.pk]),
            EDIT,
        ),
        both(
            "suggestion_decide",
            "post",
            lambda c: reverse("web:suggestion_decide", args=[c.campaign.slug, c.suggestion.pk]),
            EDIT,
            lambda _: {"decision": "dismiss"},
        ),
        both(
            "code",
            "post",
            lambda c: reverse("web:code", args=["reply", c.reply.pk, 0]),
            EDIT,
            lambda c: {"quote": "body", "themes": [str(c.theme.pk)]},
        ),
        both("passages", "get", lambda c: reverse("web:passages", args=[c.campaign.slug]), READ),
        both("passages_file", "get", lambda c: reverse("web:passages_file", args=[c.campaign.slug, "qdpx"]), READ),
        both("campaign_report", "get", lambda c: reverse("web:campaign_report", args=[c.campaign.slug]), READ),
        both(
            "campaign_report_file",
            "post",
            lambda c: reverse("web:campaign_report_file", args=[c.campaign.slug]),
            (statuses(302, 302, 302, 302, 404), statuses(404, 404, 404, 302, 302)),  # reading, so viewers too
            lambda _: {"format": "html"},
        ),
        # The report's file, made by the worker: only those who see its campaign download it.
        both("job", "get", lambda c: reverse("web:job", args=[report_jobs[id(c)].pk]), READ),
        both("job_result", "get", lambda c: reverse("web:job_result", args=[report_jobs[id(c)].pk]), READ),
        both("themes_matrix", "get", lambda c: reverse("web:themes_matrix", args=[c.campaign.slug]), READ),
        both("themes_matrix_file", "get", lambda c: reverse("web:themes_matrix_file", args=[c.campaign.slug]), READ),
        both(
            "theme_cell",
            "get",
            lambda c: reverse("web:theme_cell", args=[c.campaign.slug, c.recipient.pk, c.theme.pk]),
            READ,
        ),
        both(
            "theme_summary",
            "post",
            lambda c: reverse("web:theme_summary", args=[c.campaign.slug, c.recipient.pk, c.theme.pk]),
            EDIT,
            lambda _: {"summary": "Says a lot"},
        ),
        both(
            "passage_quote",
            "post",
            lambda c: reverse("web:passage_quote", args=[c.campaign.slug, c.passage.pk]),
            EDIT,
            lambda _: {"quote": "yes"},
        ),
        both("coder_agreement", "get", lambda c: reverse("web:coder_agreement", args=[c.campaign.slug]), READ),
        both("coding_progress", "get", lambda c: reverse("web:coding_progress", args=[c.campaign.slug]), READ),
        both(
            "passage_remove",
            "post",
            lambda c: reverse("web:passage_remove", args=[c.campaign.slug, c.passage.pk]),
            EDIT,
        ),
        both("attachment", "get", lambda c: reverse("web:attachment", args=[c.held_attachment.pk]), HELD_FILE),
        # In this order: the held message is set aside, returned to the holding pen, then filed.
        both(
            "set_aside_held",
            "post",
            lambda c: reverse("web:set_aside_held", args=[c.held.pk]),
            SEND,
            lambda _: {"reason": "spam"},
        ),
        both("return_to_pen", "post", lambda c: reverse("web:return_to_pen", args=[c.held.pk]), SEND),
        both(
            "file_held",
            "post",
            lambda c: reverse("web:file_held", args=[c.held.pk]),
            SEND,
            lambda c: {"request": c.sent.pk},
        ),
        both(
            "upload_held",
            "post",
            lambda _: reverse("web:upload_held"),
            SEND,
            lambda c: {
                "campaign": c.campaign.pk,
                "file": EveryTime(b"Subject: Fwd\r\nFrom: a@b.example\r\n\r\nHi", "a.eml"),
            },
        ),
        both(
            "settle",
            "post",
            lambda c: reverse("web:settle", args=[c.uncertain.pk, "confirm"]),
            SEND,
            lambda _: {"note": "They rang to say it came"},
        ),
        # In this order: a misfiled message is reclassified, moved from the sent request to the draft, then unfiled.
        both(
            "reclassify_message",
            "post",
            lambda c: reverse("web:reclassify_message", args=[c.sent.pk, c.misfiled.pk]),
            SEND,
            lambda _: {"classification": "acknowledgement"},
        ),
        both(
            "move_message",
            "post",
            lambda c: reverse("web:move_message", args=[c.sent.pk, c.misfiled.pk]),
            SEND,
            lambda c: {"request": c.draft.pk},
        ),
        both("unfile_message", "post", lambda c: reverse("web:unfile_message", args=[c.draft.pk, c.misfiled.pk]), SEND),
    ]
    # Ours in the path, one of theirs in the form or the path's last part: found through ours, still not ours.
    through_ours = [
        *(
            Page(name, "ours+theirs", method, reverse(f"web:{name}", args=[ours.campaign.slug, pk]), data, answers)
            for name, method, pk, data, answers in [
                ("reference", "get", theirs.reference.pk, {}, statuses(403, 404, 404, 404, 404)),
                ("reference", "post", theirs.reference.pk, {"action": "remove"}, statuses(403, 404, 404, 404, 404)),
                ("item", "post", theirs.item.pk, {"action": "remove"}, statuses(403, 404, 404, 404, 404)),
                ("remove_recipient", "post", theirs.recipient.pk, {}, statuses(403, 404, 404, 404, 404)),
            ]
        ),
        Page(
            "items",
            "ours+theirs",
            "post",
            reverse("web:items", args=[ours.campaign.slug]),
            {"action": "up", "item": theirs.item.pk},
            statuses(403, 404, 404, 404, 404),
        ),
        Page(
            "recipient",
            "ours+theirs",
            "get",
            reverse("web:recipient", args=[ours.campaign.slug, theirs.recipient.pk]),
            {},
            statuses(404, 404, 404, 404, 404),
        ),
        Page(
            "letter_file",
            "ours+theirs",
            "get",
            reverse("web:letter_file", args=[ours.campaign.slug, theirs.recipient.pk, "pdf"]),
            {},
            statuses(404, 404, 404, 404, 404),
        ),
        Page(
            "publication",
            "ours+theirs",
            "post",
            reverse("web:publication", args=[ours.sent.pk]),
            {"kind": "document", "object": theirs.attachment.pk, "action": "approve"},
            statuses(403, 403, 404, 404, 404),
        ),
        Page(
            "publication",
            "ours+theirs",
            "post",
            reverse("web:publication", args=[ours.sent.pk]),
            {"kind": "reply", "object": theirs.reply.pk, "action": "approve"},
            statuses(403, 403, 404, 404, 404),
        ),
        Page(  # their rule, through our page: not one that applies to ours
            "redaction_rule_change",
            "ours+theirs",
            "post",
            reverse("web:redaction_rule_change", args=[ours.campaign.slug, rules[id(theirs)].pk]),
            {"action": "off"},
            statuses(403, 403, 404, 404, 404),
        ),
        Page(  # a rule for a body only they write to, from our page: refused on the form (shown again)
            "redaction_rule_add",
            "ours+theirs",
            "post",
            reverse("web:redaction_rule_add", args=[ours.campaign.slug]),
            {
                "pattern": "John Roe",
                "kind": "text",
                "reason": "A private person",
                "scope": "body",
                "body": theirs.recipient.contact.body.pk,
            },
            statuses(403, 403, 200, 200, 404),
        ),
    ]
    in_no_campaign = [
        office("dashboard", "get", reverse("web:dashboard"), dict.fromkeys(ACTORS, 200)),
        office("search", "get", reverse("web:search") + "?q=reply+OR+strategy", EVERYONE),
        office("learn_campaign", "get", reverse("web:learn_campaign"), statuses(403, 200, 200, 200, 200)),
        office("holding_pen", "get", reverse("web:holding_pen"), HOLDING_PEN),
        office("outbox", "get", reverse("web:outbox"), HOLDING_PEN),
        # The mail servers' limits are the office's (every campaign's letters go through them): coordinators up.
        office("mail_limits", "get", reverse("web:mail_limits"), HOLDING_PEN),
        office(
            "mail_limits",
            "post",
            reverse("web:mail_limits"),
            statuses(403, 403, 302, 302, 302),
            {"server": sending_through(), "messages_per_minute": "30", "recipients_per_day": ""},
        ),
        office("job", "get", reverse("web:job", args=[outsiders_job.pk]), statuses(404, 404, 404, 200, 200)),
        office("export_site", "post", reverse("web:export_site"), statuses(403, 403, 302, 302, 302)),
        office(
            "job_result", "get", reverse("web:job_result", args=[outsiders_job.pk]), statuses(404, 404, 404, 200, 200)
        ),
        office("office", "get", reverse("web:office"), OFFICE_ADMIN),
        office("users", "get", reverse("web:users"), OFFICE_ADMIN),
        office("password_change", "get", reverse("web:password_change"), EVERYONE),
        office(
            "user_update",
            "post",
            reverse("web:user_update", args=[team["outsider"].pk]),
            statuses(403, 403, 403, 302, 403),
            {"role": "coordinator", "campaigns": [str(theirs.campaign.pk)]},
        ),
        office(
            "user_update",
            "post",
            reverse("web:user_update", args=[team["viewer"].pk]),
            statuses(403, 403, 403, 302, 403),
            {"role": "admin"},
        ),
        office(
            "user_unlock",
            "post",
            reverse("web:user_unlock", args=[team["outsider"].pk]),
            statuses(403, 403, 403, 302, 403),
        ),
        office(  # answered with the page that shows the password once
            "user_password",
            "post",
            reverse("web:user_password", args=[team["outsider"].pk]),
            statuses(403, 403, 403, 200, 403),
            {"how": "temporary"},
        ),
    ]
    body, contact = theirs.recipient.contact.body, theirs.recipient.contact  # a body only the outsider writes to
    directory = [
        office("directory", "get", reverse("web:directory") + "?q=a&tag=VRU+area", EVERYONE),
        office("body", "get", reverse("web:body", args=[body.slug]), EVERYONE),
        office("body_new", "get", reverse("web:body_new"), DIRECTORY_EDIT),
        office(
            "body_edit",
            "post",
            reverse("web:body_edit", args=[body.slug]),
            statuses(403, 302, 302, 302, 302),
            {"name": body.name, "kind": body.kind, "new_tags": "Checked"},
        ),
        office(
            "body_retire",
            "post",
            reverse("web:body_retire", args=[body.slug]),
            statuses(403, 403, 403, 302, 403),
            {"contact": str(contact.pk), "action": "retire"},
        ),
        office("contact_new", "get", reverse("web:contact_new", args=[body.slug]), DIRECTORY_EDIT),
        office("contact_edit", "get", reverse("web:contact_edit", args=[body.slug, contact.pk]), DIRECTORY_EDIT),
        office("directory_import", "get", reverse("web:directory_import"), DIRECTORY_EDIT),
    ]
    new_campaign = [
        office("new_campaign", "get", reverse("web:new_campaign"), DIRECTORY_EDIT),
        office(
            "new_campaign",
            "get",
            reverse("web:new_campaign") + f"?from={theirs.campaign.slug}",
            statuses(403, 404, 404, 200, 200),
        ),
        office(  # a copy of ours: the outsider's form refuses it (shown again with the error), nothing is made
            "new_campaign",
            "post",
            reverse("web:new_campaign"),
            statuses(403, 302, 302, 302, 200),
            {
                "title": "A copy",
                "copy_from": ours.campaign.slug,
                "office": ours.campaign.office.pk,
                "response_working_days": 20,
                "very_overdue_working_days": 20,
                "max_chasers": 2,
                "chase_interval_working_days": 10,
            },
        ),
    ]
    # Last: removing the recipient takes its draft request with it.
    removal = both(
        "remove_recipient",
        "post",
        lambda c: reverse("web:remove_recipient", args=[c.campaign.slug, c.recipient.pk]),
        EDIT,
    )
    campaign_rows = [page for rows in per_campaign for page in rows(two)]
    return campaign_rows + through_ours + in_no_campaign + directory + new_campaign + removal(two)


def test_every_view_is_in_the_table(team, two_campaigns):
    patterns = get_resolver(web_urls).url_patterns  # type: ignore[arg-type]  # stubs take a URLconf's name only
    # Signing in and out, and where an emailed password link leads (the link is the key: tests/web/test_users_page.py).
    public = {"login", "logout", "password_reset_confirm", "password_reset_complete"}
    named = {p.name for p in patterns if isinstance(p, URLPattern)} - public
    assert named == {page.name for page in pages(team, two_campaigns)}


def test_every_campaign_view_is_tried_on_the_other_campaigns_objects(team, two_campaigns):
    table = pages(team, two_campaigns)
    assert {p.name for p in table if p.whose == "ours"} == {p.name for p in table if p.whose == "theirs"}


def test_the_anonymous_public_is_sent_to_sign_in(client, team, two_campaigns):
    for page in pages(team, two_campaigns):
        response = getattr(client, page.method)(page.url, page.data)
        assert response.status_code == 302, page
        assert response["Location"].startswith(SIGN_IN), page


@pytest.mark.parametrize("actor", ACTORS)
def test_each_role_gets_exactly_its_rights_on_each_campaign(client, team, two_campaigns, actor):
    client.force_login(team[actor])
    for page in pages(team, two_campaigns):
        response = getattr(client, page.method)(page.url, page.data)
        got = response.status_code
        assert got == page.expected[actor], f"{actor} {page.method.upper()} {page.name} ({page.whose}): {got}"


def test_another_campaigns_attachment_is_not_downloaded_by_a_colleague(client, team, two_campaigns):
    theirs = two_campaigns["theirs"]
    client.force_login(team["coordinator"])
    assert client.get(reverse("web:attachment", args=[theirs.attachment.pk])).status_code == 404
    client.force_login(team["outsider"])
    response = client.get(reverse("web:attachment", args=[theirs.attachment.pk]))
    assert (response.status_code, response.content) == (200, b"Reply for other-campaign attached")


def test_a_coordinator_cannot_file_held_mail_to_another_campaigns_request(client, team, two_campaigns):
    ours, theirs = two_campaigns["ours"], two_campaigns["theirs"]
    client.force_login(team["coordinator"])
    response = client.post(reverse("web:file_held", args=[ours.held.pk]), {"request": theirs.sent.pk})
    assert response.status_code == 404
    ours.held.refresh_from_db()
    assert (ours.held.status, ours.held.request) == ("holding", None)


def test_the_dashboard_lists_only_ones_own_campaigns(client, team):
    ours, theirs = team["campaign"], team["other_campaign"]
    for actor, sees, not_sees in [("viewer", ours, theirs), ("outsider", theirs, ours)]:
        client.force_login(team[actor])
        page = client.get(reverse("web:dashboard")).content.decode()
        assert sees.title in page, actor
        assert not_sees.title not in page, actor


def test_guessing_the_id_of_another_campaigns_request_finds_nothing(client, team):
    client.force_login(team["outsider"])
    for pk in range(max(1, team["request"].pk - 2), team["request"].pk + 3):
        assert client.get(reverse("web:request", args=[pk])).status_code == 404


def test_repeated_failed_sign_ins_lock_the_account(client, team):
    for _ in range(5):
        client.post(SIGN_IN, {"username": "viewer@office.example", "password": "wrong"})
    response = client.post(SIGN_IN, {"username": "viewer@office.example", "password": "a-long-test-password"})
    assert response.status_code == 429


def test_a_coordinator_publishes_with_an_embargo_and_consent(client, team):

    from docket.requests import actions
    from docket.requests.actions import Actor
    from docket.requests.letters import queue

    request = actions.approve(team["request"], Actor("test"))
    queue(request, Actor("test"))
    actions.mark_sent(request, Actor("test"), timezone.now())
    client.force_login(team["coordinator"])
    url = reverse("web:publication", args=[request.pk])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = {"kind": "letter", "object": 0, "action": "publish", "embargo_until": tomorrow, "consent": "Not needed"}
    assert client.post(url, data).status_code == 302
    publication = Publication.objects.get(kind="letter")
    assert (publication.state, publication.embargo_until.isoformat(), publication.consent) == (
        "published",
        tomorrow,
        "Not needed",
    )
    assert client.get("/public/").content.decode().count("iasc-vru-2020") == 0  # embargoed until tomorrow
    bad = client.post(url, {"kind": "letter", "object": 0, "action": "private", "embargo_until": "soon"}, follow=True)
    assert "The embargo date" in bad.content.decode()
    assert "is not a date: give it as YYYY-MM-DD." in bad.content.decode()


@pytest.fixture
def held(team):
    """Held mail: one the matcher found may answer the team's request, one it found nothing for; each with a file."""
    from docket.documents.models import Attachment, store
    from docket.mail.models import InboundMessage

    def message(subject: str) -> InboundMessage:
        raw = f"From: x@unknown.example\r\nSubject: {subject}\r\n\r\nbody".encode()
        made = InboundMessage.objects.create(
            blob=store(raw), source="upload", subject=subject, status="holding", holding_reason="held"
        )
        Attachment.objects.create(message=made, blob=store(subject.encode() + b" attached"), filename="a.pdf")
        return made

    ours, nobodys = message("For the team campaign"), message("For no campaign")
    ours.candidates.add(team["request"])
    return {"ours": ours, "nobodys": nobodys}


@pytest.mark.parametrize(
    ("actor", "sees"),
    [("coordinator", {"ours"}), ("admin", {"ours", "nobodys"}), ("outsider", set())],
)
def test_held_mail_is_read_only_by_admins_and_its_campaigns_coordinators(client, team, held, actor, sees):
    client.force_login(team[actor])
    page = client.get(reverse("web:holding_pen")).content.decode()
    for name, message in held.items():
        assert (message.subject in page) == (name in sees), f"{actor} and the holding pen: {name}"
        attachment = message.attachments.get()
        response = client.get(reverse("web:attachment", args=[attachment.pk]))
        assert response.status_code == (200 if name in sees else 404), f"{actor} and {name}'s attachment"


def test_a_coordinator_on_no_campaign_cannot_file_held_mail(client, team, held):
    client.force_login(team["outsider"])
    response = client.post(reverse("web:file_held", args=[held["ours"].pk]), {"request": team["request"].pk})
    assert response.status_code == 404
    held["ours"].refresh_from_db()
    assert held["ours"].status == "holding"
