"""A page too long to send at once (a text file of megabytes is one page) is shown in parts between words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from docket.documents.models import Attachment
from docket.evidence.models import Passage, Theme
from docket.web.document_pages import SHOWN_CHARS
from tests.web.conftest import person

pytestmark = pytest.mark.django_db


def test_a_long_page_is_shown_in_parts_and_coded_in_any_of_them(client, replied):
    sentence = "The partnership met eleven times this year to review referrals. "
    ending = "Our outreach team visited every car wash in the county."
    text = sentence * (2 * SHOWN_CHARS // len(sentence) + 10) + ending
    Attachment.objects.filter(pk=replied.strategy.pk).update(text=text, page_starts=[])
    client.force_login(person("editor@office.example", "editor", replied.campaign))
    page = reverse("web:document_page", args=[replied.strategy.pk, 1])

    first = client.get(page).content.decode()
    assert "Page 1 of 1, part 1 of 3" in first
    assert len(first) < SHOWN_CHARS + 40_000  # the first part, not the whole text
    assert 'href="?part=2"' in first
    assert "car wash" not in first

    last = client.get(page, {"part": "3"}).content.decode()
    assert ending in last
    offset = int(re.search(r'data-offset="(\d+)"', last).group(1))
    assert text[offset:].startswith(re.search(r'id="page-text"[^>]*>([^<]{30})', last).group(1))
    assert text[offset - 1] == " "  # cut between words

    theme = Theme.objects.create(campaign=replied.campaign, name="Outreach")
    near = str(text.index("car wash"))
    response = client.post(
        reverse("web:code", args=["document", replied.strategy.pk, 1]),
        {"quote": "every car wash", "themes": [str(theme.pk)], "near": near},
    )
    assert response.status_code == 302
    assert Passage.objects.get().quote == "every car wash"

    for wrong in ("0", "4", "two"):
        assert client.get(page, {"part": wrong}).status_code == 404


def test_a_short_page_has_no_parts(client, replied):
    client.force_login(person("editor@office.example", "editor", replied.campaign))
    shown = client.get(reverse("web:document_page", args=[replied.strategy.pk, 1])).content.decode()
    assert "part 1 of" not in shown
    assert "Parts of this page" not in shown
