"""An item's status given wrong on the request page: the error summary links to the field to correct,
the item's form stays open with what was chosen, and the item's name reads right in a sentence
("about a list of…", not "about the a list of…"); the timeline says "filed by hand", not "by by"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from docket.campaigns.item_names import the_item
from docket.campaigns.models import RecipientItem, RequestedItem
from docket.mail import actions as mail_actions
from docket.mail.models import InboundMessage

pytestmark = pytest.mark.django_db
Status = RecipientItem.Status


def post_status(client, request, **data: str):
    return client.post(reverse("web:item_status", args=[request.pk]), {"item": "response_strategy", **data})


def test_a_refusal_without_a_reason_links_to_the_reason_and_keeps_the_form_open_as_sent(client, team, two_campaigns):
    ours = two_campaigns["ours"].sent
    client.force_login(team["coordinator"])
    response = post_status(client, ours, status="refused", note="", url="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    summary = page[page.index('class="govuk-error-summary"') : page.index("<h1")]
    assert '<a href="#note-response_strategy">Give the body&#x27;s reason for refusing the Response Strategy' in summary
    form = page[page.index('id="record-response_strategy"') :].split("</details>")[0]
    assert form.startswith('id="record-response_strategy" open>')
    assert '<option value="refused" selected>' in form
    assert "govuk-form-group--error" in form
    assert '<p class="govuk-error-message" id="note-response_strategy-error">' in form
    assert 'aria-describedby="note-hint-response_strategy note-response_strategy-error"' in form
    others = page[page.index('id="record-problem_profile"') :].split(">")[0]
    assert "open" not in others
    cell = RecipientItem.objects.get(recipient=ours.recipient, item__key="response_strategy")
    assert cell.status == Status.ASKED  # nothing recorded


def test_a_web_address_that_is_not_one_is_shown_at_the_address_with_what_was_typed(client, team, two_campaigns):
    ours = two_campaigns["ours"].sent
    client.force_login(team["coordinator"])
    page = post_status(client, ours, status="published_online", url="not a web address", note="kept").content.decode()
    assert '<a href="#url-response_strategy">' in page
    form = page[page.index('id="record-response_strategy"') :].split("</details>")[0]
    assert 'value="not a web address"' in form
    assert ">kept</textarea>" in form
    assert '<option value="published_online" selected>' in form


def test_a_page_that_is_not_a_number_is_told_at_the_page_box(client, team, two_campaigns):
    ours = two_campaigns["ours"].sent
    client.force_login(team["coordinator"])
    page = post_status(client, ours, status="received", note="by post", page="two").content.decode()
    assert '<a href="#page-response_strategy">The page it starts on must be a whole number, like 3</a>' in page


def test_an_item_named_with_its_own_article_reads_right(client, team, two_campaigns):
    ours = two_campaigns["ours"].sent
    RequestedItem.objects.filter(campaign=ours.campaign, key="response_strategy").update(
        label="A list of high-risk contracts"
    )
    RecipientItem.objects.filter(recipient=ours.recipient, item__key="response_strategy").update(title="")
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:request", args=[ours.pk])).content.decode()
    assert "Record what the body did about A list of high-risk contracts" not in page
    assert "Record what the body did about a list of high-risk contracts" in page
    assert "about the a " not in page
    assert "about the Problem Profile" in page
    refused = post_status(client, ours, status="refused").content.decode()
    assert "for refusing a list of high-risk contracts" in refused


@pytest.mark.parametrize(
    ("label", "in_a_sentence"),
    [
        ("Response strategy", "the Response strategy"),
        ("A list of contracts", "a list of contracts"),
        ("an annual report", "an annual report"),
        ("Your latest statement", "your latest statement"),
        ("The register", "the register"),
        ("Anything held", "the Anything held"),  # "any" only as a word of its own
    ],
)
def test_the_item_in_a_sentence(label, in_a_sentence):
    assert the_item(label) == in_a_sentence


def test_the_timeline_says_filed_by_hand_not_matched_by_by_hand(two_campaigns):
    message = InboundMessage(subject="Our reply", from_address="foi@pcc.example", classification="reply")
    note = mail_actions.reply_note(message, "by hand from the holding pen")
    assert note.endswith("(filed by hand from the holding pen)")
    assert not re.search(r"\bby by\b", note)
    assert mail_actions.reply_note(message, "reply address").endswith("(matched by reply address)")
