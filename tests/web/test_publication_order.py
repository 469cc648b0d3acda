"""A reply published before the letter it answers is not public yet: the page says so, not only "Published"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.web.publication_pages import NOT_BEFORE_THE_LETTER

pytestmark = pytest.mark.django_db


def test_a_reply_published_before_its_letter_says_the_public_sees_it_later(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    url = reverse("web:publication", args=[ours.sent.pk])
    reply = {"kind": "reply", "object": ours.reply.pk, "action": "publish", "consent": "Not needed"}
    page = client.post(url, reply, follow=True).content.decode()
    assert f"Reply: published. {NOT_BEFORE_THE_LETTER}" in page
    assert f'id="waits-reply-{ours.reply.pk}"' in page

    letter = {"kind": "letter", "object": 0, "action": "publish", "consent": "Not needed"}
    page = client.post(url, letter, follow=True).content.decode()
    assert "Letter: published." in page
    assert f'id="waits-reply-{ours.reply.pk}"' not in page  # public now, with its letter
