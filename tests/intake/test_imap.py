"""End to end: a letter goes out by SMTP, its reply comes back into a real IMAP mailbox (Dovecot)."""

import pytest

from docket.cli import main
from docket.documents.models import Attachment
from docket.mail.models import InboundMessage, OutboxMessage
from docket.requests.states import RequestState
from tests.mailserver import sent_example
from tests.samples import reply, text_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reply_in_the_mailbox_reaches_its_request_with_its_attachment_text(
    example,
    smtp_server,
    dovecot,
    settings,
    capsys,
):
    recorder, config = smtp_server
    sent_example(example, config)
    letter = next(r.message for r in recorder.received if r.rcpt_tos == ["pcc@hampshire-pcc.example"])
    pdf = text_pdf("Hampshire Violence Reduction Unit. Strategic Needs Assessment 2020. Knife crime in Hampshire.")
    dovecot.append(
        reply(
            sender="Michael Lane <pcc@hampshire-pcc.example>",
            to=letter["Reply-To"],
            in_reply_to=letter["Message-ID"],
            attachments=[("SNA 2020.pdf", "application/pdf", pdf)],
            message_id="<reply-1@hampshire-pcc.example>",
        )
    )
    settings.DOCKET_IMAP = dovecot.config

    assert main(["fetch-mail"]) == 0
    assert "1 new message stored (1 filed)" in capsys.readouterr().out
    message = InboundMessage.objects.get()
    request = OutboxMessage.objects.get(message_id=letter["Message-ID"]).request
    assert message.request == request
    assert message.match_method == "reply address"
    request.refresh_from_db()
    assert request.state == RequestState.PARTIALLY_ANSWERED
    attachment = Attachment.objects.get()
    assert "Strategic Needs Assessment 2020" in attachment.text
    assert attachment.suggested_item.item.key == "problem_profile"
    assert any("$DocketStored" in flags for flags in dovecot.flags())

    assert main(["fetch-mail"]) == 0  # again: nothing new
    assert "0 new messages stored" in capsys.readouterr().out
    assert InboundMessage.objects.count() == 1
    assert request.events.filter(kind="record_reply").count() == 1


def test_a_wrong_mailbox_password_is_a_clear_error(dovecot, settings, capsys, db):
    from dataclasses import replace

    settings.DOCKET_IMAP = replace(dovecot.config, password="wrong")
    assert main(["fetch-mail"]) == 1
    assert "cannot read the mailbox office@127.0.0.1" in capsys.readouterr().err
