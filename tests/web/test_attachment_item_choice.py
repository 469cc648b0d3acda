"""A reply's attachment marked as a requested item on the request page: the select starts on the item
suggested for it only when there is a real suggestion (one this request asks for); otherwise on
"Choose the item", and sending that is a GOV.UK error, never a guessed item recorded."""

from __future__ import annotations

import re

import pytest

from docket.campaigns.models import RecipientItem
from docket.documents.models import Attachment
from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.requests import actions
from tests.samples import reply, text_pdf
from tests.web.conftest import person, sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(example):
    return reply_of_two_attachments(example)


def reply_of_two_attachments(example):
    """A sent request with a reply of two attachments: training notes (no suggestion) and its strategy."""
    request = sent(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    raw = reply(
        sender=request.recipient.contact.email,
        to=reply_address(request.pk),
        attachments=[
            ("training.pdf", "application/pdf", text_pdf("Training for staff")),
            ("Response Strategy.pdf", "application/pdf", text_pdf("Response Strategy")),
        ],
    )
    ingest(raw, InboundMessage.Source.UPLOAD, ocr=False)
    return request


def selects(page: str) -> dict[str, str]:
    """Each attachment's "This attachment is" select, by the attachment's name: its selected option's text."""
    found = {}
    for attachment in Attachment.objects.all():
        select = re.search(rf'<select[^>]*id="item-for-{attachment.pk}".*?</select>', page, re.S)
        assert select is not None, attachment.filename
        chosen = re.findall(r"<option[^>]* selected>([^<]*)</option>", select[0])
        assert len(chosen) == 1, (attachment.filename, chosen)
        found[attachment.filename] = chosen[0]
    return found


def test_the_select_starts_on_the_suggestion_only_when_there_is_one(client, example, replied):
    client.force_login(person("coordinator@office.example", "coordinator", example))
    page = client.get(f"/requests/{replied.pk}/").content.decode()
    assert selects(page) == {
        "training.pdf": "Choose the item",
        "Response Strategy.pdf": "Response Strategy (suggested)",
    }


def test_a_suggestion_of_an_item_no_longer_asked_is_not_selected(client, example, replied):
    strategy = RecipientItem.objects.get(recipient=replied.recipient, item__key="response_strategy")
    RecipientItem.objects.filter(pk=strategy.pk).update(state=RecipientItem.State.NOT_APPLICABLE)
    client.force_login(person("coordinator@office.example", "coordinator", example))
    page = client.get(f"/requests/{replied.pk}/").content.decode()
    assert selects(page) == {"training.pdf": "Choose the item", "Response Strategy.pdf": "Choose the item"}
    assert "(suggested)" not in page


def test_sending_choose_the_item_is_an_error_at_the_select_and_records_nothing(client, example, replied):
    training = Attachment.objects.get(filename="training.pdf")
    client.force_login(person("coordinator@office.example", "coordinator", example))
    response = client.post(f"/requests/{replied.pk}/items/", {"attachment": training.pk, "item": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<a href="#item-for-{training.pk}">Choose which item this attachment is</a>' in page
    assert f'id="item-for-{training.pk}-error"' in page
    assert "govuk-select--error" in page
    assert page.count("govuk-select--error") == 1  # at this attachment's select, not the other's
    training.refresh_from_db()
    assert training.fulfils is None
    assert not RecipientItem.objects.filter(recipient=replied.recipient, status=RecipientItem.Status.RECEIVED).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_unsuggested_attachment_must_be_chosen_before_it_is_marked(browser, live_server, example):
    from tests.web.test_browser import check, signed_in

    request = reply_of_two_attachments(example)
    training = Attachment.objects.get(filename="training.pdf")
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/requests/{request.pk}/")
    choice = page.locator(f"#item-for-{training.pk}")
    assert choice.evaluate("select => select.selectedOptions[0].text") == "Choose the item"
    choice.scroll_into_view_if_needed()
    check(page, "attachment-item-choice")
    page.locator("form", has=choice).get_by_role("button", name="Mark as received").click()
    page.locator(".govuk-error-summary").get_by_text("Choose which item this attachment is").wait_for()
    check(page, "attachment-item-choice-error")
    assert Attachment.objects.get(pk=training.pk).fulfils is None
    page.locator(".govuk-error-summary a").click()
    page.locator(f"#item-for-{training.pk}").select_option(label="Problem Profile/Strategic Needs Assessment")
    page.locator("form", has=page.locator(f"#item-for-{training.pk}")).get_by_role(
        "button", name="Mark as received"
    ).click()
    page.get_by_text("The item is marked as received.").wait_for()
    assert Attachment.objects.get(pk=training.pk).fulfils.item.key == "problem_profile"
    page.context.close()
