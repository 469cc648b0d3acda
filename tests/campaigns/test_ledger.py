"""The evidence ledger: each item's status, set by a named action with its event; the request's state follows."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from docket.campaigns import actions as ledger
from docket.campaigns.actions import Evidence, LedgerError
from docket.campaigns.models import RecipientItem
from docket.documents.models import Attachment, store
from docket.mail import actions as mail_actions
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.actions import Actor, TransitionError
from docket.requests.events import EventKind
from docket.requests.models import InfoRequest
from docket.requests.states import RequestState

pytestmark = pytest.mark.django_db
Status = RecipientItem.Status
PERSON = Actor("coordinator@office.example")


def sent_to(example, name: str) -> InfoRequest:
    request = actions.request_for(example.recipients.get(contact__full_name=name))
    request = actions.approve(request, PERSON)
    request = actions.transition(request, EventKind.QUEUE, PERSON, RequestState.QUEUED)
    return actions.mark_sent(request, PERSON, datetime.datetime(2020, 10, 13, 10, tzinfo=datetime.UTC))


def filed_attachment(
    request: InfoRequest, name: str = "Reply.pdf", pages: int = 3, status: str = Attachment.Status.PENDING
) -> Attachment:
    raw = f"From: pcc@body.example\r\nSubject: {name}\r\n\r\nAttached.".encode()
    message = InboundMessage.objects.create(
        blob=store(raw), source="upload", subject=name, status="filed", request=request, classification="reply"
    )
    return Attachment.objects.create(
        message=message, blob=store(name.encode()), filename=name, pages=pages, status=status
    )


def item(request: InfoRequest, key: str) -> RecipientItem:
    return RecipientItem.objects.get(recipient=request.recipient, item__key=key)


@pytest.fixture
def hampshire(example):
    """Asked for all three items (problem profile, response strategy, delivery updates)."""
    return sent_to(example, "Michael Lane")


def test_every_status_is_recorded_with_its_evidence_and_answers_the_request_once_all_are_settled(hampshire):
    pdf = filed_attachment(hampshire, "Profile and strategy.pdf", pages=30)
    request = ledger.set_item_status(
        hampshire, "problem_profile", Status.RECEIVED, PERSON, Evidence(attachment=pdf, page=14)
    )
    assert request.state == RequestState.PARTIALLY_ANSWERED
    request = ledger.set_item_status(
        request, "response_strategy", Status.PUBLISHED_ONLINE, PERSON, Evidence(url="https://pcc.example/strategy")
    )
    assert request.state == RequestState.PARTIALLY_ANSWERED
    reason = "Disclosure would prejudice the prevention of crime (section 31)."
    request = ledger.set_item_status(request, "delivery_updates", Status.REFUSED, PERSON, Evidence(note=reason))
    assert request.state == RequestState.ANSWERED
    profile, strategy, updates = (
        item(hampshire, k) for k in ("problem_profile", "response_strategy", "delivery_updates")
    )
    assert (profile.status, profile.evidence, profile.evidence_page) == (Status.RECEIVED, pdf, 14)
    assert profile.received_at is not None
    pdf.refresh_from_db()
    assert pdf.fulfils == profile
    assert (strategy.status, strategy.evidence_url, strategy.evidence) == (
        Status.PUBLISHED_ONLINE,
        "https://pcc.example/strategy",
        None,
    )
    assert (updates.status, updates.status_note) == (Status.REFUSED, reason)
    events = list(request.events.filter(kind__startswith="item_").values_list("kind", "from_state", "to_state"))
    events += list(request.events.filter(kind="mark_item_received").values_list("kind", "from_state", "to_state"))
    assert sorted(events) == [
        ("item_published_online", "partially_answered", "partially_answered"),
        ("item_refused", "partially_answered", "answered"),
        ("mark_item_received", "sent", "partially_answered"),
    ]
    refused = request.events.get(kind=EventKind.ITEM_REFUSED)
    assert refused.note == f"delivery_updates: refused; “{reason}”"
    received = request.events.get(kind=EventKind.MARK_ITEM_RECEIVED)
    assert received.note == f"problem_profile: received; Profile and strategy.pdf ({pdf.pk}), page 14"


def test_not_held_and_not_applicable_settle_an_item_and_partly_received_does_not(hampshire):
    ledger.set_item_status(hampshire, "problem_profile", Status.NOT_HELD, PERSON, Evidence(note="never written"))
    ledger.set_item_status(hampshire, "response_strategy", Status.NOT_APPLICABLE, PERSON)
    request = ledger.set_item_status(
        hampshire, "delivery_updates", Status.PARTLY_RECEIVED, PERSON, Evidence(note="the 2020 update is missing")
    )
    assert request.state == RequestState.PARTIALLY_ANSWERED
    request = ledger.set_item_status(request, "delivery_updates", Status.RECEIVED, PERSON, Evidence(note="by post"))
    assert request.state == RequestState.ANSWERED
    # Asked again (recorded by mistake): the request waits again, and says why on its timeline.
    request = ledger.set_item_status(request, "delivery_updates", Status.ASKED, PERSON)
    assert request.state == RequestState.PARTIALLY_ANSWERED
    assert item(hampshire, "delivery_updates").received_at is None
    assert request.events.filter(kind=EventKind.ITEM_ASKED, from_state="answered").count() == 1


def test_recording_the_same_status_again_changes_nothing_and_logs_nothing(hampshire):
    url = Evidence(url="https://pcc.example/profile")
    ledger.set_item_status(hampshire, "problem_profile", Status.PUBLISHED_ONLINE, PERSON, url)
    count = hampshire.events.count()
    ledger.set_item_status(hampshire, "problem_profile", Status.PUBLISHED_ONLINE, PERSON, url)
    assert hampshire.events.count() == count


def test_a_web_address_typed_without_https_is_given_it(hampshire):
    typed = Evidence(url="www.pcc.example/profile")
    ledger.set_item_status(hampshire, "problem_profile", Status.PUBLISHED_ONLINE, PERSON, typed)
    assert item(hampshire, "problem_profile").evidence_url == "https://www.pcc.example/profile"


@pytest.mark.parametrize(
    ("status", "evidence", "message"),
    [
        (Status.PUBLISHED_ONLINE, Evidence(), "Give the web address where the Problem Profile"),
        (Status.PUBLISHED_ONLINE, Evidence(url="javascript:alert(1)"), "published, starting with https://"),
        (Status.PUBLISHED_ONLINE, Evidence(url="ftp://pcc.example/x"), "published, starting with https://"),
        (Status.PUBLISHED_ONLINE, Evidence(url="pcc profile page"), "published, starting with https://"),
        (Status.PUBLISHED_ONLINE, Evidence(url="mailto:foi@pcc.example"), "published, starting with https://"),
        (Status.REFUSED, Evidence(note="   "), "Give the body's reason for refusing"),
        (Status.RECEIVED, Evidence(), "Choose the attachment that is the Problem Profile"),
        (Status.PARTLY_RECEIVED, Evidence(), "say what is missing"),
        (Status.NOT_HELD, Evidence(url="https://pcc.example/"), "A web address is only for an item published online"),
        (Status.RECEIVED, Evidence(note="by post", page=2), "A page number is only for an attachment"),
        (Status.REFUSED, Evidence(note="x" * 2001), "keep it under 2000"),
        ("lost", Evidence(), "'lost' is not a status"),
    ],
)
def test_a_status_without_what_it_needs_is_refused_and_changes_nothing(hampshire, status, evidence, message):
    before = hampshire.events.count()
    with pytest.raises(LedgerError, match=message):
        ledger.set_item_status(hampshire, "problem_profile", status, PERSON, evidence)
    stored = item(hampshire, "problem_profile")
    assert (stored.status, stored.status_at) == (Status.ASKED, None)
    assert hampshire.events.count() == before
    hampshire.refresh_from_db()
    assert hampshire.state == RequestState.SENT


def test_an_attachment_must_be_this_requests_and_the_page_must_be_in_it(example, hampshire):
    other = sent_to(example, "Anthony Stansfeld")
    theirs = filed_attachment(other, "Theirs.pdf")
    with pytest.raises(LedgerError, match="did not come with a reply to this request"):
        ledger.set_item_status(hampshire, "problem_profile", Status.RECEIVED, PERSON, Evidence(attachment=theirs))
    ours = filed_attachment(hampshire, "Ours.pdf", pages=3)
    with pytest.raises(LedgerError, match=r"Ours\.pdf has 3 pages: give a page from 1 to 3, or leave the page empty"):
        ledger.set_item_status(hampshire, "problem_profile", Status.RECEIVED, PERSON, Evidence(attachment=ours, page=4))
    notes = filed_attachment(hampshire, "notes.txt", pages=0, status="extracted")  # read: one page, however long
    for page in (2, 99999):
        with pytest.raises(LedgerError, match=r"^notes\.txt has 1 page: give a page from 1 to 1, or leave the page"):
            ledger.set_item_status(
                hampshire, "problem_profile", Status.RECEIVED, PERSON, Evidence(attachment=notes, page=page)
            )
    ledger.set_item_status(hampshire, "problem_profile", Status.RECEIVED, PERSON, Evidence(attachment=notes, page=1))
    assert item(hampshire, "problem_profile").evidence_page == 1
    unread = filed_attachment(hampshire, "scan.tif", pages=0)  # not read yet: its pages are not known
    ledger.set_item_status(hampshire, "problem_profile", Status.RECEIVED, PERSON, Evidence(attachment=unread, page=2))
    assert item(hampshire, "problem_profile").evidence_page == 2
    ledger.set_item_status(hampshire, "problem_profile", Status.ASKED, PERSON)
    with pytest.raises(LedgerError, match="An attachment is only for an item received"):
        ledger.set_item_status(
            hampshire, "problem_profile", Status.REFUSED, PERSON, Evidence(note="no", attachment=ours)
        )
    assert item(hampshire, "problem_profile").status == Status.ASKED


def test_no_status_before_the_letter_went_nor_for_an_item_not_asked(example):
    draft = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    with pytest.raises(TransitionError, match="is draft: an item's status is recorded once the letter has gone"):
        ledger.set_item_status(draft, "problem_profile", Status.NOT_HELD, PERSON)
    notts = sent_to(example, "Paddy Tipping")  # asked for the delivery updates only
    with pytest.raises(TransitionError, match="did not ask for the Response Strategy"):
        ledger.set_item_status(notts, "response_strategy", Status.NOT_HELD, PERSON)
    with pytest.raises(LedgerError, match="has no requested item 'nothing'"):
        ledger.set_item_status(notts, "nothing", Status.NOT_HELD, PERSON)


def test_a_message_moved_away_takes_its_evidence_with_it(example, hampshire):
    pdf = filed_attachment(hampshire, "Profile.pdf")
    ledger.set_item_status(hampshire, "problem_profile", Status.RECEIVED, PERSON, Evidence(attachment=pdf, page=1))
    other = sent_to(example, "Anthony Stansfeld")
    mail_actions.move_message(pdf.message, other, PERSON, "it was theirs")
    profile = item(hampshire, "problem_profile")
    assert (profile.status, profile.evidence, profile.received_at) == (Status.ASKED, None, None)
    moved_out = hampshire.events.get(kind=EventKind.MESSAGE_MOVED_OUT)
    assert "no longer received: problem_profile" in moved_out.note


def test_the_chaser_lists_only_what_is_not_settled(hampshire):
    from docket.campaigns.letters import recipient_data

    ledger.set_item_status(hampshire, "problem_profile", Status.REFUSED, PERSON, Evidence(note="exempt"))
    ledger.set_item_status(hampshire, "response_strategy", Status.PARTLY_RECEIVED, PERSON, Evidence(note="half of it"))
    data = recipient_data(hampshire.recipient)
    assert [i.key for i in data.items if i.state == "ask" and not i.received] == [
        "response_strategy",
        "delivery_updates",
    ]


def test_the_migration_maps_the_rows_recorded_before_the_ledger(example, hampshire):
    """Rows as they were: received dates, "already published" with a URL, "not applicable"."""
    mapping = importlib.import_module("docket.campaigns.migrations.0005_ledger_statuses").map_existing_rows
    notts = sent_to(example, "Paddy Tipping")
    RecipientItem.objects.filter(recipient=notts.recipient, item__key="response_strategy").update(
        url="https://pcc.example/strategy"
    )
    RecipientItem.objects.filter(recipient=hampshire.recipient, item__key="delivery_updates").update(state="n/a")
    pdf = filed_attachment(hampshire, "Profile.pdf")
    profile = item(hampshire, "problem_profile")
    when = datetime.datetime(2020, 11, 2, 9, tzinfo=datetime.UTC)
    RecipientItem.objects.filter(pk=profile.pk).update(received_at=when)
    Attachment.objects.filter(pk=pdf.pk).update(fulfils=profile)
    RecipientItem.objects.update(status="asked", evidence_url="")  # as the new columns' defaults leave them
    mapping(apps, None)
    profile = item(hampshire, "problem_profile")
    assert (profile.status, profile.evidence_id, profile.status_at) == (Status.RECEIVED, pdf.pk, when)
    assert item(hampshire, "response_strategy").status == Status.ASKED
    published = item(notts, "response_strategy")  # already published, noted in Nottinghamshire's letter
    assert published.state == "published"
    assert (published.status, published.evidence_url) == (Status.PUBLISHED_ONLINE, "https://pcc.example/strategy")
    assert item(hampshire, "delivery_updates").status == Status.NOT_APPLICABLE
