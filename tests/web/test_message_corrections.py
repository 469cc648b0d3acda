"""The request page: a file with no readable text is not a reply; a message can be reclassified, moved or unfiled."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from docket.mail.models import InboundMessage
from docket.requests.states import RequestState
from tests import real_mail
from tests.web.test_user_errors import error_summary

pytestmark = pytest.mark.django_db


def test_an_unreadable_upload_is_kept_as_a_file_not_a_reply(client, team, two_campaigns):
    sent = two_campaigns["ours"].sent
    client.force_login(team["coordinator"])
    upload = SimpleUploadedFile("scan.bin", real_mail.BINARY)
    data = {"file": upload, "note": "posted to us"}
    response = client.post(reverse("web:upload", args=[sent.pk]), data, follow=True)
    page = response.content.decode()
    assert "has no text that could be read" in page
    message = InboundMessage.objects.get(request=sent, subject="Document: scan.bin")
    assert message.classification == "not_a_reply"
    sent.refresh_from_db()
    assert sent.state == RequestState.SENT
    card = page[page.index("Document: scan.bin") :]
    assert "File uploaded" in card[:2000]
    assert f"From {message.from_name}" not in card[:2000]


def test_a_message_is_marked_and_moved_from_the_page(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    reply = ours.reply
    client.force_login(team["coordinator"])
    url = reverse("web:reclassify_message", args=[ours.sent.pk, reply.pk])
    client.post(url, {"classification": "not_a_reply", "note": "a newsletter"})
    reply.refresh_from_db()
    assert reply.classification == "not_a_reply"
    assert ours.sent.events.filter(kind="reclassify", note__contains="a newsletter").exists()
    other = ours.campaign.requests.exclude(pk__in=[ours.sent.pk, ours.draft.pk]).first()
    response = client.post(reverse("web:move_message", args=[ours.sent.pk, reply.pk]), {"request": other.pk})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.request == other
    assert ours.sent.events.filter(kind="message_moved_out").exists()
    assert other.events.filter(kind="message_moved_in").exists()


def test_a_message_is_not_moved_to_another_campaigns_request(client, team, two_campaigns):
    ours, theirs = two_campaigns["ours"], two_campaigns["theirs"]
    client.force_login(team["coordinator"])
    response = client.post(reverse("web:move_message", args=[ours.sent.pk, ours.reply.pk]), {"request": theirs.sent.pk})
    assert response.status_code == 404
    ours.reply.refresh_from_db()
    assert ours.reply.request == ours.sent


@pytest.mark.parametrize(
    ("data", "said"), [({"classification": "bounce"}, "is not something"), ({"classification": ""}, "is not something")]
)
def test_a_wrong_classification_is_explained(client, team, two_campaigns, data, said):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    url = reverse("web:reclassify_message", args=[ours.sent.pk, ours.reply.pk])
    assert said in error_summary(client.post(url, data, follow=True))


def test_a_move_with_no_request_chosen_is_explained(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    url = reverse("web:move_message", args=[ours.sent.pk, ours.reply.pk])
    assert "Choose the request" in error_summary(client.post(url, {}, follow=True))
    assert "not a number" in error_summary(client.post(url, {"request": "x"}, follow=True))


def test_the_move_form_starts_with_no_request_chosen(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:request", args=[ours.sent.pk])).content.decode()
    select = page[page.index(f'id="move-to-{ours.reply.pk}"') :].split("</select>", 1)[0]
    assert select.split("<option", 2)[1].startswith(' value="" selected>Choose a request')
    url = reverse("web:move_message", args=[ours.sent.pk, ours.reply.pk])
    assert "Choose the request" in error_summary(client.post(url, {"request": ""}, follow=True))
    ours.reply.refresh_from_db()
    assert ours.reply.request == ours.sent  # pressed without choosing: nothing moved


def test_each_message_says_how_it_was_filed_in_words(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    from docket.mail.models import InboundMessage

    client.force_login(team["coordinator"])
    page = client.get(reverse("web:request", args=[ours.sent.pk])).content.decode()
    assert "filed: " not in page  # a message filed without a method: never "(uploaded file; filed: )"
    InboundMessage.objects.filter(pk=ours.reply.pk).update(match_method="reply address")
    page = client.get(reverse("web:request", args=[ours.sent.pk])).content.decode()
    assert "; matched by reply address)" in page
