"""Named actors for the workspace, and two campaigns in flight for them to try.

The actors, as in healthchecks' ``hc/test.py``: a colleague with each role on the team of
"our" campaign (the example: a viewer, an editor, a coordinator), an admin of the office on
no team, an outsider who coordinates ANOTHER campaign, and the anonymous public (an unsigned
client). ``two_campaigns`` fills both campaigns with the same real objects (a recipient, a
draft and a sent request, a reply with its attachment, held mail, an outbox message, a
publication) so that each actor can be tried against what is theirs and what is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from docket.campaigns.importing import import_recipients
from docket.campaigns.models import Campaign, Recipient, Reference, RequestedItem
from docket.documents.models import Attachment, store
from docket.evidence import actions as coding
from docket.evidence.models import Passage, Suggestion, Theme
from docket.mail.models import InboundMessage, OutboxMessage, OutboxState
from docket.publishing import actions as publishing
from docket.publishing.models import Publication
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.letters import queue
from docket.requests.models import InfoRequest
from docket.web.access import set_role
from tests.factories import contact_row, make_campaign, write_csv

SOMEONE = Actor("test")


def person(email: str, role: str | None, campaign: Campaign | None = None) -> User:
    user = User.objects.create_user(email, email, "a-long-test-password")
    if role == "admin":
        user.is_superuser = user.is_staff = True
        user.save()
    elif role:
        set_role(user, role)
    if campaign is not None:
        campaign.team.add(user)
    return user


class Team(TypedDict):
    """Everyone who can sign in, "our" campaign (the example) and a draft request of it."""

    viewer: User
    editor: User
    coordinator: User
    admin: User
    outsider: User  # a coordinator, on the team of other_campaign only
    campaign: Campaign
    request: InfoRequest
    other_campaign: Campaign


@pytest.fixture
def other_campaign(example: Campaign) -> Campaign:
    """A second campaign of the same office, with a letter that renders and no one of our team on it."""
    return make_campaign(
        example.office,
        slug="other-campaign",
        title="Another campaign",
        template_source="Please send us your strategy.",
    )


@pytest.fixture
def team(example: Campaign, other_campaign: Campaign) -> Team:
    """Everyone, with the example campaign and a draft request of it to Hampshire."""
    request = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    return {
        "viewer": person("viewer@office.example", "viewer", example),
        "editor": person("editor@office.example", "editor", example),
        "coordinator": person("coordinator@office.example", "coordinator", example),
        "admin": person("admin@office.example", "admin"),
        "outsider": person("outsider@office.example", "coordinator", other_campaign),
        "campaign": example,
        "request": request,
        "other_campaign": other_campaign,
    }


@dataclass(frozen=True)
class InFlight:
    """Real objects of one campaign, one of each kind a workspace URL names."""

    campaign: Campaign
    recipient: Recipient  # with the draft request
    draft: InfoRequest
    sent: InfoRequest  # approved, queued and sent: it has a frozen letter
    uncertain: OutboxMessage  # of a third request, queued: its sending was cut off, so no one knows if it went
    reply: InboundMessage  # filed to the sent request
    misfiled: InboundMessage  # filed to the sent request too, by mistake (it is reclassified, moved and unfiled)
    attachment: Attachment  # of the reply
    held: InboundMessage  # in the holding pen, a candidate of the sent request
    held_attachment: Attachment
    publication: Publication  # the sent letter's, approved
    reference: Reference  # a source the letter may cite
    item: RequestedItem  # the first requested item
    theme: Theme  # of the campaign's codebook
    passage: Passage  # of the reply, coded with the theme
    suggestion: Suggestion  # of the reply, for the theme


def sent(request: InfoRequest) -> InfoRequest:
    """The request approved, queued (its letter frozen, an outbox message stored) and marked sent."""
    request = actions.approve(request, SOMEONE)
    queue(request, SOMEONE)
    actions.mark_sent(request, SOMEONE, timezone.now())
    request.refresh_from_db()
    return request


def cut_off(request: InfoRequest) -> OutboxMessage:
    """The request approved and queued, its sending cut off mid-way (as a worker killed then leaves it)."""
    message = queue(actions.approve(request, SOMEONE), SOMEONE)
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.UNCERTAIN)
    return message


def mail_with_attachment(subject: str, **fields: object) -> tuple[InboundMessage, Attachment]:
    raw = f"From: someone@body.example\r\nSubject: {subject}\r\n\r\nbody".encode()
    message = InboundMessage.objects.create(blob=store(raw), source="upload", subject=subject, **fields)
    attached = store(f"{subject} attached".encode())
    return message, Attachment.objects.create(message=message, blob=attached, filename="a.pdf")


def in_flight(campaign: Campaign, recipients: list[Recipient]) -> InFlight:
    """Of the campaign's first three recipients: a draft request, a sent one, and one whose sending was cut off."""
    draft_recipient, sent_recipient, cut_off_recipient = recipients
    request = sent(actions.request_for(sent_recipient))
    reply, attachment = mail_with_attachment(
        f"Reply for {campaign.slug}", status=InboundMessage.Status.FILED, request=request, body_text="body"
    )
    misfiled, _ = mail_with_attachment(
        f"Misfiled for {campaign.slug}", status=InboundMessage.Status.FILED, request=request
    )
    held, held_attachment = mail_with_attachment(
        f"Held for {campaign.slug}", status=InboundMessage.Status.HOLDING, holding_reason="several requests match"
    )
    held.candidates.add(request)
    return InFlight(
        campaign=campaign,
        recipient=draft_recipient,
        draft=actions.request_for(draft_recipient),
        sent=request,
        uncertain=cut_off(actions.request_for(cut_off_recipient)),
        reply=reply,
        misfiled=misfiled,
        attachment=attachment,
        held=held,
        held_attachment=held_attachment,
        publication=publishing.approve(publishing.letter_publication(request), SOMEONE),
        reference=campaign.references.order_by("key").first()
        or Reference.objects.create(campaign=campaign, key="report", author="A Body", title="A report"),
        item=campaign.items.order_by("position", "key")[0],
        theme=(theme := coding.add_theme(campaign, "A theme", SOMEONE)),
        passage=coding.code_passage(reply, None, "body", [theme], SOMEONE),
        suggestion=Suggestion.objects.create(
            theme=theme, request=request, message=reply, source_name="Reply", start=0, end=4, quote="body"
        ),
    )


@pytest.fixture
def two_campaigns(team: Team, tmp_path: Path) -> dict[str, InFlight]:
    """Our campaign (the example) and the outsider's, each in flight with the same kinds of objects."""
    ours = team["campaign"]
    theirs = team["other_campaign"]
    import_recipients(theirs, write_csv(tmp_path / "theirs.csv", [contact_row(number) for number in (1, 2, 3)]))
    names = ["Michael Lane", "Anthony Stansfeld", "Paddy Tipping"]
    our_recipients = [ours.recipients.get(contact__full_name=name) for name in names]
    return {
        "ours": in_flight(ours, our_recipients),
        "theirs": in_flight(theirs, list(theirs.recipients.order_by("pk"))),
    }


def shown_file(page: str) -> dict[str, str]:
    """The confirm form's fields naming the file its page shows (posted with "Import N rows" or "Cancel")."""
    upload = re.search(r'name="upload" value="([^"]*)"', page)
    name = re.search(r'<input type="hidden" name="name" value="([^"]*)"', page)
    assert upload, "the confirm form names no file"
    assert name, "the confirm form names no file"
    return {"upload": upload.group(1), "name": name.group(1)}
