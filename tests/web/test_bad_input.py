"""What a person (or a sender) can put into the workspace never makes it fail (HTTP 500).

Walks the pages with odd input through the Django test client, which raises the
view's exception rather than answering 500, so each case also shows what broke.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.documents.models import Attachment, store
from docket.mail.intake import enter_by_hand
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.letters import queue

pytestmark = pytest.mark.django_db

SOMEONE = Actor("test")


def sent(request):
    request = actions.approve(request, SOMEONE)
    queue(request, SOMEONE)
    actions.mark_sent(request, SOMEONE, timezone.now() - datetime.timedelta(days=60))
    request.refresh_from_db()
    return request


def text_of(response) -> str:
    return str(response.content.decode())


@pytest.mark.parametrize(("fmt", "kind"), [("html", "text/html"), ("txt", "text/plain"), ("md", "text/markdown")])
def test_it_offers_the_letter_in_every_format_the_writers_make(client, team, fmt, kind):
    client.force_login(team["viewer"])
    url = reverse("web:letter_file", args=[team["campaign"].slug, team["request"].recipient_id, fmt])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_unknown_letter_format_is_not_found(client, team):
    client.force_login(team["viewer"])
    url = reverse("web:letter_file", args=[team["campaign"].slug, team["request"].recipient_id, "exe"])
    assert client.get(url).status_code == 404


def test_ids_that_are_not_numbers_are_refused_plainly(client, team):
    req, slug = team["request"], team["campaign"].slug
    client.force_login(team["admin"])
    posts = [
        (reverse("web:campaign_bulk", args=[slug]), {"recipient": "abc", "action": "approve"}),
        (reverse("web:campaign_bulk", args=[slug]), {"recipient": ["1", "1e3"], "action": "send"}),
        (reverse("web:item_received", args=[req.pk]), {"item": "x", "attachment": "abc"}),
        (reverse("web:publication", args=[req.pk]), {"kind": "reply", "object": "abc", "action": "approve"}),
        (reverse("web:user_update", args=[team["viewer"].pk]), {"role": "viewer", "campaigns": ["x"]}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 400, 404), (url, data, response.status_code)
        assert "invalid literal" not in text_of(response), (url, data)
    team["viewer"].refresh_from_db()
    assert list(team["viewer"].campaigns.all()) == [team["campaign"]]  # the bad post changed nothing


def test_a_filename_with_a_line_break_downloads(client, team):
    request = sent(team["request"])
    entered = enter_by_hand(request, SOMEONE, sender="", subject="By post", note="", files=[("a.pdf", b"%PDF-1.4")])
    message = InboundMessage.objects.get(pk=entered.message.pk)
    attachment = Attachment.objects.create(
        message=message, blob=store(b"data"), filename="report\r\nSet-Cookie: x=1.pdf"
    )
    client.force_login(team["coordinator"])
    response = client.get(reverse("web:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "report" in disposition
    assert not response.cookies


@pytest.mark.parametrize("action", ["chase", "queue"])
def test_a_name_that_cannot_go_in_a_mail_header_is_explained(client, team, action):
    request = team["request"]
    request = sent(request) if action == "chase" else actions.approve(request, SOMEONE)
    contact = request.recipient.contact
    type(contact).objects.filter(pk=contact.pk).update(full_name="Michael\r\nBcc: someone@elsewhere.example")
    client.force_login(team["coordinator"])
    response = client.post(reverse("web:request_action", args=[request.pk, action]), follow=True)
    assert response.status_code == 200
    assert "name" in text_of(response)
    assert "line break" in text_of(response)


def test_remote_images_in_an_html_reply_are_not_loaded(client, team):
    from email.message import EmailMessage
    from email.policy import SMTP

    from docket.mail.addresses import reply_address
    from docket.mail.intake import ingest

    request = sent(team["request"])
    mail = EmailMessage(policy=SMTP)
    mail["From"] = "pcc@hampshire-pcc.example"
    mail["To"] = reply_address(request.pk)
    mail["Subject"] = "Re: our documents"
    # Only images, no text: the request page shows such a reply's HTML (else its text).
    mail.set_content(
        '<p><img src="http://tracker.example/pixel.gif?who=you" alt="Our logo">'
        '<img src="//cdn.example/x.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="dot"></p>',
        subtype="html",
    )
    ingest(mail.as_bytes(), InboundMessage.Source.UPLOAD, "test", request=request)
    client.force_login(team["coordinator"])
    page = text_of(client.get(reverse("web:request", args=[request.pk])))
    assert "tracker.example" not in page
    assert "cdn.example" not in page
    assert "A remote image was not loaded: Our logo" in page
    assert page.count("A remote image was not loaded") == 2  # the data: one has no source left (nh3)
