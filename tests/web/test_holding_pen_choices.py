"""The holding pen's choices: nothing filed by default, Docket's candidates first and marked, a refusal in
words at its field; an upload's campaign and note kept after a mistake; a reply from a body whose letter
has not gone yet held with a reason that names the body."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.mail.uploads import MAX_BYTES
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.letters import queue
from tests.samples import reply
from tests.web.conftest import Team, sent

pytestmark = pytest.mark.django_db
SOMEONE = Actor("Case worker")
UPLOAD = InboundMessage.Source.UPLOAD


def request_of(team: Team, name: str):
    return actions.request_for(team["campaign"].recipients.get(contact__full_name=name))


def options(page: str, message: InboundMessage) -> list[tuple[str, str, bool]]:
    """(value, words, selected) of the "File to" list of a held message, in order."""
    select = re.search(rf'<select[^>]*id="request-for-{message.pk}".*?</select>', page, re.S)
    assert select is not None
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(0))
    return [(value, words.strip(), bool(chosen)) for value, chosen, words in found]


def test_it_chooses_no_request_for_a_held_message(client, team):
    sent(request_of(team, "Michael Lane"))
    sent(request_of(team, "Paddy Tipping"))
    message = ingest(reply(sender="clerk@unknown.example", to="office@x.example"), UPLOAD).message
    client.force_login(team["admin"])
    listed = options(client.get(reverse("web:holding_pen")).content.decode(), message)
    assert listed[0] == ("", "Choose a request", True)
    assert not any(chosen for _, _, chosen in listed[1:])
    assert len(listed) == 3


def test_it_puts_the_candidates_first_and_marks_them(client, team):
    lane, tipping = sent(request_of(team, "Michael Lane")), sent(request_of(team, "Paddy Tipping"))
    sent(request_of(team, "Anthony Stansfeld"))
    domain = lane.recipient.contact.email.rpartition("@")[2]
    tipping.recipient.contact.email = f"other@{domain}"  # one domain, two requests: ambiguous
    tipping.recipient.contact.save()
    message = ingest(reply(sender=f"deputy@{domain}", to="office@x.example"), UPLOAD).message
    assert message.status == InboundMessage.Status.HOLDING
    client.force_login(team["admin"])
    page = client.get(reverse("web:holding_pen")).content.decode()
    listed = options(page, message)
    assert listed[0] == ("", "Choose a request", True)
    assert {value for value, _, _ in listed[1:3]} == {str(lane.pk), str(tipping.pk)}
    assert all(words.endswith("(suggested)") for _, words, _ in listed[1:3])
    assert not listed[3][1].endswith("(suggested)")
    assert "Docket suggests the first 2 requests in the list" in page


def test_when_every_request_is_a_candidate_none_is_marked_suggested(client, team):
    lane, tipping = sent(request_of(team, "Michael Lane")), sent(request_of(team, "Paddy Tipping"))
    domain = lane.recipient.contact.email.rpartition("@")[2]
    tipping.recipient.contact.email = f"other@{domain}"  # the only two requests, both of the sender's domain
    tipping.recipient.contact.save()
    message = ingest(reply(sender=f"deputy@{domain}", to="office@x.example"), UPLOAD).message
    assert set(message.candidates.all()) == {lane, tipping}
    client.force_login(team["admin"])
    page = client.get(reverse("web:holding_pen")).content.decode()
    assert not any(words.endswith("(suggested)") for _, words, _ in options(page, message))
    assert "Docket suggests" not in page


def test_filing_with_nothing_chosen_is_refused_at_the_field(client, team):
    sent(request_of(team, "Michael Lane"))
    message = ingest(reply(sender="clerk@unknown.example", to="office@x.example"), UPLOAD).message
    client.force_login(team["admin"])
    response = client.post(reverse("web:file_held", args=[message.pk]), {"request": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="#request-for-{message.pk}">Choose the request to file it to.</a>' in page
    assert f'id="request-for-{message.pk}-error"' in page
    message.refresh_from_db()
    assert (message.status, message.request) == (InboundMessage.Status.HOLDING, None)


def test_filed_says_where_with_a_link(client, team):
    lane = sent(request_of(team, "Michael Lane"))
    message = ingest(reply(sender="clerk@unknown.example", to="office@x.example"), UPLOAD).message
    client.force_login(team["admin"])
    page = client.post(reverse("web:file_held", args=[message.pk]), {"request": lane.pk}, follow=True)
    body = lane.recipient.contact.body.name
    link = f'<a class="govuk-link" href="{reverse("web:request", args=[lane.pk])}">the request to {body}</a>'
    assert link in page.content.decode()


def test_a_reply_from_a_body_whose_letter_has_not_gone_names_it(team):
    lane = request_of(team, "Michael Lane")
    queue(actions.approve(lane, SOMEONE), SOMEONE)  # queued: the mail server could not be reached
    sender = "deputy@" + lane.recipient.contact.email.rpartition("@")[2]
    message = ingest(reply(sender=sender, to="office@x.example"), UPLOAD).message
    assert message.status == InboundMessage.Status.HOLDING
    assert lane.recipient.contact.body.name in message.holding_reason
    assert "has not gone yet" in message.holding_reason
    assert "unknown sender" not in message.holding_reason
    assert list(message.candidates.all()) == [lane]


def test_an_upload_mistake_keeps_the_campaign_and_the_note(client, team):
    client.force_login(team["admin"])
    chosen = team["campaign"]  # not the first by title: "Another campaign" is
    assert team["other_campaign"].title < chosen.title
    response = client.post(reverse("web:upload_held"), {"campaign": chosen.pk, "note": "From the post room"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#upload-file">Choose a file to upload.</a>' in page
    assert f'<option value="{chosen.pk}" selected>' in page
    assert ">From the post room</textarea>" in page


def test_a_file_too_large_says_what_a_person_can_do(client, team):
    client.force_login(team["admin"])
    huge = SimpleUploadedFile("archive.mbox", b"x" * (MAX_BYTES + 1))
    response = client.post(reverse("web:upload_held"), {"campaign": team["campaign"].pk, "file": huge})
    page = response.content.decode()
    assert response.status_code == 400
    assert "archive.mbox is larger than 60 MB" in page
    assert "ask whoever runs Docket" in page
    assert "docket import-mail" not in page
    assert f'<option value="{team["campaign"].pk}" selected>' in page


def test_an_outlook_file_that_cannot_be_read_is_refused_at_the_file_field(client, team):
    client.force_login(team["admin"])
    broken = SimpleUploadedFile("RE Request.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    response = client.post(reverse("web:upload_held"), {"campaign": team["campaign"].pk, "file": broken})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="upload-file-error"' in page
    assert "RE Request.msg" in page
    assert f'<option value="{team["campaign"].pk}" selected>' in page
