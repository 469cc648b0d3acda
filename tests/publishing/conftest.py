"""Part of the example campaign, published: some items public, some private, one embargoed, some redacted."""

import datetime

import pytest
from django.utils import timezone

from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.publishing import actions
from docket.publishing.models import Publication, RedactionRule
from docket.requests.actions import Actor, TransitionError
from tests.mailserver import sent_example
from tests.real_mail import BINARY
from tests.samples import docx_file, reply, text_pdf, xlsx_file

ACTOR = Actor("test")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def published_in_part(example, smtp_server):
    requests = {r.recipient.contact.body.area: r for r in sent_example(example, smtp_server[1]).values()}
    hampshire, notts, thames = requests["Hampshire"], requests["Nottinghamshire"], requests["Thames Valley"]
    RedactionRule.objects.create(
        pattern="Jane Doe", reason="an officer's name", scope="body", body=hampshire.recipient.contact.body
    )
    answer = ingest(
        reply(
            sender="pcc@hampshire-pcc.example",
            to=reply_address(hampshire.pk),
            body="Our lead is Jane Doe (michael.private@gmail.example, 07700 900123). Strategy attached.",
            attachments=[
                ("strategy.pdf", "application/pdf", text_pdf("Response Strategy. Contact Jane Doe on 07700 900123.")),
                ("private.pdf", "application/pdf", text_pdf("PRIVATE-DOC-TEXT not for publication")),
            ],
        ),
        InboundMessage.Source.UPLOAD,
    ).message
    notts_answer = ingest(
        reply(
            sender="pcc@nottinghamshire-pcc.example",
            to=reply_address(notts.pk),
            body="NOTTS-SECRET-REPLY",
            attachments=[("notts.pdf", "application/pdf", text_pdf("NOTTS-DOCUMENT-OF-AN-UNPUBLISHED-LETTER"))],
        ),
        "upload",
    ).message
    # A document published while its request's letter is not: it must not be public anywhere.
    notts_document = actions.document_publication(notts_answer.attachments.get().pk, notts)
    actions.publish(actions.approve(notts_document, ACTOR), ACTOR)
    # A file with no readable text, approved: it cannot be published until a person has read it by eye.
    unread = ingest(
        reply(
            sender="pcc@hampshire-pcc.example",
            to=reply_address(hampshire.pk),
            body="See the scan.",
            attachments=[("UNREAD-BINARY-SCAN.bin", "application/octet-stream", BINARY)],
        ),
        InboundMessage.Source.UPLOAD,
    ).message.attachments.get()
    unread_item = actions.approve(actions.document_publication(unread.pk, hampshire), ACTOR)
    with pytest.raises(TransitionError, match="read it by eye"):
        actions.publish(unread_item, ACTOR)
    # Files that are not PDFs: only their text, redacted, is published (on a page of its own).
    office_files = ingest(
        reply(
            sender="pcc@hampshire-pcc.example",
            to=reply_address(hampshire.pk),
            body="The figures, as asked.",
            attachments=[
                ("figures.docx", DOCX, docx_file(["Violence reduction figures 2020.", "Ask Jane Doe on 07700 900123"])),
                ("budget.xlsx", XLSX, xlsx_file([["Budget line", "Amount"], ["Outreach", 1200], ["Jane Doe", 7]])),
            ],
        ),
        InboundMessage.Source.UPLOAD,
    ).message
    for attachment in office_files.attachments.all():
        actions.publish(actions.approve(actions.document_publication(attachment.pk, hampshire), ACTOR), ACTOR)
    strategy = answer.attachments.get(filename="strategy.pdf")
    private = answer.attachments.get(filename="private.pdf")
    for item in (
        actions.letter_publication(hampshire),
        actions.reply_publication(answer.pk, hampshire),
        actions.document_publication(strategy.pk, hampshire),
        actions.letter_publication(thames),
    ):
        actions.publish(actions.approve(item, ACTOR), ACTOR)
    actions.set_embargo(actions.letter_publication(thames), timezone.localdate() + datetime.timedelta(days=30), ACTOR)
    actions.approve(actions.document_publication(private.pk, hampshire), ACTOR)  # approved, never published
    return {"hampshire": hampshire, "private": Publication.objects.get(attachment=private)}
