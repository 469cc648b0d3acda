"""Queuing and sending letters through a real SMTP server (aiosmtpd)."""

import datetime
import hashlib
import itertools

import pytest
from django.utils import timezone

from docket.campaigns.models import Campaign, Recipient
from docket.mail import outbox
from docket.mail.actions import confirm_delivered, resend
from docket.mail.addresses import request_id_from_address
from docket.mail.models import OutboxMessage, OutboxState
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.deadlines import add_working_days
from docket.requests.letters import queue_campaign
from docket.requests.models import InfoRequest
from docket.requests.states import RequestState
from tests.mailserver import send_all

# The outbox writes from a thread of its own, which must see committed data.
pytestmark = pytest.mark.django_db(transaction=True)

ACTOR = Actor("test")


Queued = tuple[list[OutboxMessage], list[tuple[Recipient, str]]]  # what was queued, and who was skipped and why


def queue_example(example: Campaign, **contact_changes: dict[str, str]) -> Queued:
    recipients = list(example.recipients.order_by("pk"))
    for recipient in recipients:
        for name, value in contact_changes.get(recipient.contact.full_name, {}).items():
            setattr(recipient.contact, name, value)
            recipient.contact.save()
    return queue_campaign(recipients, ACTOR)


def test_a_queued_letter_is_sent_once_with_its_pdf_and_reply_address(example, smtp_server):
    recorder, config = smtp_server
    queued, skipped = queue_example(example)
    assert (len(queued), skipped) == (3, [])
    tally = send_all(config)
    assert tally.sent == 3
    assert len(recorder.received) == 3
    hampshire = InfoRequest.objects.get(recipient__contact__full_name="Michael Lane")
    item = next(r for r in recorder.received if r.rcpt_tos == ["pcc@hampshire-pcc.example"])
    message = item.message
    assert message["From"] == "Independent Anti-Slavery Commissioner <shelley.perera@iasc.independent.gov.uk>"
    assert request_id_from_address(message["Reply-To"]) == hampshire.pk
    assert item.mail_from == message["Reply-To"]  # bounces come back keyed to the request
    pdf = next(part for part in message.iter_attachments() if part.get_content_type() == "application/pdf")
    assert hashlib.sha256(pdf.get_content()).hexdigest() == hampshire.letter.sha256
    assert "knife crime" in message.get_body(("plain",)).get_content()
    assert hampshire.state == RequestState.SENT
    assert hampshire.due_date == add_working_days(timezone.localdate(hampshire.sent_at), 20)
    stored = OutboxMessage.objects.get(request=hampshire)
    assert stored.message_id == message["Message-ID"]
    assert stored.smtp_response.startswith("250")
    assert hampshire.events.filter(kind="mark_sent", note__contains="250").exists()
    assert send_all(config).sent == 0  # nothing is sent twice
    assert len(recorder.received) == 3


def test_a_recipient_without_email_is_not_queued_and_says_why(example, smtp_server):
    queued, skipped = queue_example(example, **{"Paddy Tipping": {"email": ""}})
    assert len(queued) == 2
    assert "Paddy Tipping has no email address" in skipped[0][1]


def test_a_name_with_a_line_break_stored_before_names_were_checked_still_makes_one_header(example, smtp_server):
    recorder, config = smtp_server
    queued, skipped = queue_example(example, **{"Michael Lane": {"full_name": "Michael Lane\r\nBcc: all@example.org"}})
    assert (len(queued), skipped) == (3, [])
    assert send_all(config).sent == 3
    item = next(r for r in recorder.received if r.rcpt_tos == ["pcc@hampshire-pcc.example"])
    assert item.message["To"] == '"Michael Lane Bcc: all@example.org" <pcc@hampshire-pcc.example>'
    assert item.message["Bcc"] is None


def test_a_permanent_refusal_makes_the_request_undeliverable(example, smtp_server):
    _, config = smtp_server
    queue_example(example, **{"Michael Lane": {"email": "reject@hampshire-pcc.example"}})
    tally = send_all(config)
    assert (tally.sent, tally.failed) == (2, 1)
    hampshire = InfoRequest.objects.get(recipient__contact__full_name="Michael Lane")
    assert hampshire.state == RequestState.UNDELIVERABLE
    assert "550 5.1.1" in hampshire.events.last().note
    assert OutboxMessage.objects.get(request=hampshire).state == OutboxState.FAILED


def test_a_temporary_refusal_is_retried_with_back_off(example, smtp_server):
    _, config = smtp_server
    queue_example(example, **{"Michael Lane": {"email": "later@hampshire-pcc.example"}})
    tally = send_all(config, wait_for_retries=False)
    assert (tally.sent, tally.retried) == (2, 1)
    waiting = OutboxMessage.objects.get(envelope_to="later@hampshire-pcc.example")
    assert waiting.state == OutboxState.QUEUED
    assert waiting.smtp_response.startswith("451")
    assert waiting.next_attempt_at is not None
    assert waiting.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    assert outbox.due_messages(timezone.now()) == []
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert [m.pk for m in outbox.due_messages(later)] == [waiting.pk]
    OutboxMessage.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())  # its time has come
    assert send_all(config).sent == 1
    assert InfoRequest.objects.get(recipient__contact__full_name="Michael Lane").state == RequestState.SENT


def test_a_letter_whose_data_the_server_refuses_for_now_is_not_sent_but_retried(example, smtp_server):
    recorder, config = smtp_server
    recorder.refuse_data_with = "452 4.3.1 Insufficient system storage"
    queue_example(example)
    tally = send_all(config, wait_for_retries=False)
    assert (tally.sent, tally.retried, len(recorder.received)) == (0, 3, 0)
    for message in OutboxMessage.objects.all():
        assert message.state == OutboxState.QUEUED
        assert message.smtp_response.startswith("452 4.3.1")
        assert message.next_attempt_at is not None
        assert message.next_attempt_at > timezone.now()
        assert message.request.state == RequestState.QUEUED
        assert not message.request.events.filter(kind="mark_sent").exists()
    recorder.refuse_data_with = ""
    later = timezone.now() + datetime.timedelta(minutes=2)
    OutboxMessage.objects.update(next_attempt_at=later - datetime.timedelta(minutes=5))
    assert send_all(config).sent == 3
    assert len(recorder.received) == 3


def test_a_letter_whose_data_the_server_refuses_for_good_is_undeliverable_with_its_words(example, smtp_server):
    recorder, config = smtp_server
    recorder.refuse_data_with = "554 5.7.1 Message rejected as spam"
    recorder.refuse_data_after = 1
    queue_example(example)
    tally = send_all(config, wait_for_retries=False)
    assert (tally.sent, tally.failed, len(recorder.received)) == (1, 2, 1)
    refused = InfoRequest.objects.filter(state=RequestState.UNDELIVERABLE)
    assert refused.count() == 2
    for request in refused:
        assert "554 5.7.1 Message rejected as spam" in request.events.last().note
        assert OutboxMessage.objects.get(request=request).state == OutboxState.FAILED
    assert InfoRequest.objects.filter(state=RequestState.SENT).count() == 1


def test_a_withdrawn_request_letter_is_not_sent(example, smtp_server):
    _, config = smtp_server
    queued, _ = queue_example(example)
    actions.withdraw(queued[0].request, ACTOR, "changed our mind")
    tally = send_all(config)
    assert (tally.sent, tally.cancelled) == (2, 1)
    assert OutboxMessage.objects.get(pk=queued[0].pk).state == OutboxState.CANCELLED


def test_sending_is_throttled(example, smtp_server):
    recorder, config = smtp_server
    queue_example(example)
    send_all(config, rate=120)  # one every half second
    times = sorted(item.at for item in recorder.received)
    assert [round(b - a, 1) >= 0.4 for a, b in itertools.pairwise(times)] == [True, True]


def test_a_dry_run_lists_and_sends_nothing(example, smtp_server):
    recorder, _ = smtp_server
    queue_example(example)
    lines = outbox.dry_run()
    assert len(lines) == 3
    assert "to pcc@hampshire-pcc.example" in "\n".join(lines)
    assert recorder.received == []
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"queued"}


def test_an_interrupted_send_is_queued_again_or_marked_uncertain(example, smtp_server):
    first, second, third = queue_example(example)[0]
    dead = "otherhost:1:1"
    old = timezone.now() - datetime.timedelta(hours=1)
    OutboxMessage.objects.filter(pk=first.pk).update(state="sending", claimed_by=dead, claimed_at=old)
    OutboxMessage.objects.filter(pk=second.pk).update(
        state="sending", claimed_by=dead, claimed_at=old, reached_data=True
    )
    OutboxMessage.objects.filter(pk=third.pk).update(state="sending", claimed_by=dead, claimed_at=timezone.now())
    assert outbox.recover_interrupted() == (1, 1, 0)
    states = dict(OutboxMessage.objects.values_list("pk", "state"))
    assert states == {first.pk: "queued", second.pk: "uncertain", third.pk: "sending"}  # third: lease not run out
    assert second.request.events.filter(kind="letter_uncertain").exists()


def test_a_letter_the_server_took_is_recorded_sent_after_the_sender_died(example, smtp_server):
    first, second, _ = queue_example(example)[0]
    dead = "otherhost:1:1"
    old = timezone.now() - datetime.timedelta(hours=1)
    accepted_at = old + datetime.timedelta(seconds=5)
    for message in (first, second):  # the server took both; only the first's acceptance was written down
        OutboxMessage.objects.filter(pk=message.pk).update(
            state="sending", claimed_by=dead, claimed_at=old, reached_data=True
        )
    OutboxMessage.objects.filter(pk=first.pk).update(sent_at=accepted_at, smtp_response="250 2.0.0 Ok: queued as X")
    assert outbox.recover_interrupted() == (0, 1, 1)
    recorded = OutboxMessage.objects.get(pk=first.pk)
    assert (recorded.state, recorded.sent_at) == ("sent", accepted_at)
    request = InfoRequest.objects.get(pk=first.request_id)
    assert (request.state, request.sent_at) == (RequestState.SENT, accepted_at)
    assert request.due_date == add_working_days(timezone.localdate(accepted_at), 20)
    assert "queued as X" in request.events.get(kind="mark_sent").note
    assert OutboxMessage.objects.get(pk=second.pk).state == "uncertain"
    assert outbox.recover_interrupted() == (0, 0, 0)  # once only


def test_a_person_settles_an_uncertain_letter(example, smtp_server, coordinator):
    recorder, config = smtp_server
    first, second, _ = queue_example(example)[0]
    OutboxMessage.objects.filter(pk__in=[first.pk, second.pk]).update(state="uncertain")
    person = Actor.of(coordinator)
    confirm_delivered(first, person, "the PCC's office confirmed by phone")
    assert InfoRequest.objects.get(pk=first.request_id).state == RequestState.SENT
    resend(second, person, "not received")
    send_all(config)
    assert [r.message["Message-ID"] for r in recorder.received if r.rcpt_tos == [second.envelope_to]] == [
        second.message_id
    ]
    assert InfoRequest.objects.get(pk=second.request_id).state == RequestState.SENT


@pytest.mark.parametrize("url", ["http://x", "smtp://", "smtp://h?tls=1"])
def test_a_bad_smtp_url_is_refused(url):
    from docket.mail.channels.smtp import SmtpSettings

    with pytest.raises(ValueError, match="URL"):
        SmtpSettings.from_url(url)


def test_smtp_urls_are_read():
    from docket.mail.channels.smtp import SmtpSettings

    config = SmtpSettings.from_url("smtp://user%40x:p%2Fw@mail.example:587?starttls=1&timeout=5")
    assert (config.host, config.port, config.username, config.password) == ("mail.example", 587, "user@x", "p/w")
    assert config.starttls
    assert not config.implicit_tls
    assert config.timeout == 5
    assert SmtpSettings.from_url("smtps://mail.example").port == 465


def test_the_task_does_not_wait_out_a_mail_server_that_is_down(example, settings):
    import time

    from docket.mail.channels.smtp import SmtpSettings
    from docket.mail.tasks import send_outbox
    from tests.mailserver import free_port

    settings.DOCKET_SMTP = SmtpSettings.from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")  # nothing listens
    queue_example(example)
    started = time.monotonic()
    result = send_outbox.enqueue()
    assert result.return_value["retried"] == 3
    assert time.monotonic() - started < 30
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"queued"}
