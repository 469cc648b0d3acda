"""A mistake a person makes in the workspace is answered with a GOV.UK error summary on the page, never a 500."""

import pytest
from django.urls import reverse

from docket.directory.models import Contact
from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.publishing.models import Publication, PublicationState
from docket.requests import actions
from docket.requests.actions import Actor
from tests.publishing.test_pdf_redaction import locked_pdf
from tests.samples import reply

pytestmark = pytest.mark.django_db

SOMEONE = Actor("test")


def error_summary(response) -> str:
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "Traceback" not in page
    start = page.index('class="govuk-error-summary"')
    return str(page[start : page.index("</div>", page.index("govuk-error-summary__body", start))])


def act(client, team, request, action: str):
    client.force_login(team["coordinator"])
    return client.post(reverse("web:request_action", args=[request.pk, action]), {"note": "a note"}, follow=True)


@pytest.fixture
def hampshire(team):
    return actions.approve(team["request"], SOMEONE)


def test_a_letter_whose_template_has_an_error_is_not_sent_and_the_page_says_why(client, team, hampshire):
    campaign = hampshire.campaign
    campaign.template_source = "{{ contact.nmae }}\n"
    campaign.save()
    summary = error_summary(act(client, team, hampshire, "queue"))
    assert "nmae" in summary
    hampshire.refresh_from_db()
    assert hampshire.state == "approved"


def test_a_move_the_request_does_not_allow_is_explained_on_its_page(client, team, hampshire):
    summary = error_summary(act(client, team, hampshire, "refuse"))
    body = hampshire.recipient.contact.body.name
    assert f"The request to {body} is approved, so it cannot be marked refused." in summary
    assert "Its letter has not been sent yet." in summary


def test_a_letter_to_a_contact_without_an_email_address_is_not_queued_and_the_page_says_why(client, team, hampshire):
    Contact.objects.filter(pk=hampshire.recipient.contact_id).update(email="")
    summary = error_summary(act(client, team, hampshire, "queue"))
    assert "has no email address" in summary


@pytest.mark.django_db(transaction=True)  # the outbox writes from a thread of its own
def test_a_pdf_that_cannot_be_redacted_is_not_published_and_the_page_says_why(client, team, smtp_server):
    from docket.requests.letters import queue
    from tests.mailserver import send_all

    request = actions.approve(team["request"], SOMEONE)
    queue(request, SOMEONE)
    send_all(smtp_server[1])
    message = ingest(
        reply(
            sender="pcc@hampshire-pcc.example",
            to=reply_address(request.pk),
            body="Strategy attached.",
            attachments=[("locked.pdf", "application/pdf", locked_pdf())],
        ),
        InboundMessage.Source.UPLOAD,
    ).message
    attachment = message.attachments.get(filename="locked.pdf")
    client.force_login(team["coordinator"])
    # No text could be read from it, so a person says they read it by eye; then redaction refuses it.
    data = {"kind": "document", "object": attachment.pk, "action": "publish", "checked_by_eye": "yes"}
    summary = error_summary(client.post(reverse("web:publication", args=[request.pk]), data, follow=True))
    assert "protected by a password" in summary
    assert Publication.objects.get(attachment=attachment).state == PublicationState.PRIVATE


def test_a_mistake_posted_from_a_page_with_no_page_of_its_own_gets_a_page_that_says_it(client, team):
    client.force_login(team["coordinator"])
    response = client.post(reverse("web:file_held", args=[0]), {"request": "x"})
    assert response.status_code in {404, 400}
    assert response.status_code != 500
