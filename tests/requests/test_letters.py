"""A request's letter is rendered on the request side and handed to the outbox as frozen content."""

from __future__ import annotations

import datetime
import email
import hashlib
from email.message import EmailMessage
from email.policy import default

import pytest
from django.utils import timezone

from docket.letters.wording import long_date
from docket.mail.models import OutboxMessage
from docket.requests import actions, deadlines
from docket.requests.actions import Actor
from docket.requests.letters import freeze_letter, queue, write_chaser
from docket.requests.models import InfoRequest

ACTOR = Actor("test")


@pytest.fixture
def hampshire(example):
    return actions.approve(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")), ACTOR)


def stored_email(message: OutboxMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.body.as_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_it_freezes_the_letter_that_the_outbox_sends(hampshire):
    message = queue(hampshire, ACTOR)
    sent = stored_email(message)
    frozen = hampshire.letter
    pdf = next(part for part in sent.iter_attachments() if part.get_content_type() == "application/pdf")
    assert pdf.get_content() == bytes(frozen.pdf)
    assert hashlib.sha256(bytes(frozen.pdf)).hexdigest() == frozen.sha256
    plain = sent.get_body(("plain",)).get_content().replace("\r\n", "\n")  # stored as sent: SMTP line endings
    assert plain.rstrip("\n") == frozen.text.rstrip("\n")
    html = sent.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert '<article class="letter" lang="en-GB">' in html
    assert "knife crime" in html


def test_the_html_body_is_a_document_with_the_title_escaped(hampshire):
    hampshire.campaign.title = "Knife crime </title><script>alert(1)</script> & VRUs"
    hampshire.campaign.save()
    html = freeze_letter(hampshire).html
    head = html.split("</head>")[0]
    assert "<title>Knife crime &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; VRUs: letter to" in head
    assert "<script>" not in html
    assert html.count("<body>") == html.count("</body>") == 1


def test_a_chaser_carries_the_frozen_letter_again(hampshire):
    queue(hampshire, ACTOR)
    hampshire = actions.mark_sent(hampshire, ACTOR, timezone.now())
    chaser = write_chaser(hampshire)
    assert chaser.pdf == bytes(hampshire.letter.pdf)
    assert "I wrote to you on" in chaser.text
    assert "<p>I wrote to you on" in chaser.html
    assert chaser.pdf_name.endswith(".pdf")


REPLY_BY = "\n\nPlease reply by {{ due_date | long_date }}.\n"


def test_a_letter_that_prints_its_reply_by_date_makes_it_the_request_s_due_date(hampshire):
    """Letter dated 13 October 2020, 20 working days: 10 November. Sent days later, it still promises that."""
    campaign = hampshire.campaign
    campaign.template_source += REPLY_BY
    campaign.save()
    queue(hampshire, ACTOR)
    assert "Please reply by 10 November 2020." in hampshire.letter.text
    assert hampshire.letter.due_date == datetime.date(2020, 11, 10)
    late = datetime.datetime(2020, 10, 20, 9, 0, tzinfo=datetime.UTC)
    hampshire = actions.mark_sent(hampshire, ACTOR, late)
    assert hampshire.due_date == datetime.date(2020, 11, 10)


def test_an_undated_letter_prints_the_date_counted_from_the_day_it_is_queued_and_keeps_it(example):
    example.letter_date = None
    example.template_source += REPLY_BY
    example.save()
    requests = [actions.approve(actions.request_for(r), ACTOR) for r in example.recipients.order_by("pk")[:2]]
    for request in requests:
        queue(request, ACTOR)
    printed = deadlines.add_working_days(timezone.localdate(), example.response_working_days)
    assert f"Please reply by {long_date(printed)}." in requests[0].letter.text
    next_week = timezone.now() + datetime.timedelta(days=7)  # held back by the mail provider's limit
    actions.mark_sent_many([(request, next_week, "sent") for request in requests], ACTOR)
    assert [InfoRequest.objects.get(pk=r.pk).due_date for r in requests] == [printed, printed]


def test_a_letter_that_does_not_print_it_is_due_counted_from_the_day_it_is_sent(hampshire):
    queue(hampshire, ACTOR)
    assert hampshire.letter.due_date is None
    sent = datetime.datetime(2020, 10, 20, 9, 0, tzinfo=datetime.UTC)
    hampshire = actions.mark_sent(hampshire, ACTOR, sent)
    assert hampshire.due_date == deadlines.add_working_days(datetime.date(2020, 10, 20), 20)
