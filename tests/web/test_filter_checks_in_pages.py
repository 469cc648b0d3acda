"""A filter whose own argument check fails (Jinja asserts: truncate(-5)) is a template mistake in words on every
page that makes the letter: the live preview, saving, and the campaign page after it was saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.conftest import Team

pytestmark = pytest.mark.django_db

TRUNCATED = 'Dear reader, {{ "abcdefgh" | truncate(-5) }}\n'


def test_the_preview_saving_and_the_campaign_page_say_what_is_wrong(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    url = reverse("web:editor", args=[campaign.slug])
    preview = client.post(url, {"template_source": TRUNCATED, "action": "preview"})
    assert preview.status_code == 200
    assert "expected length &gt;= 3, got -5" in preview.content.decode()
    assert "needed more than" not in preview.content.decode()  # not taken for a template out of time or memory

    saved = client.post(url, {"template_source": TRUNCATED, "action": "save"}, follow=True)
    assert saved.status_code == 200
    campaign.refresh_from_db()
    page = client.get(reverse("web:campaign", args=[campaign.slug]))
    assert page.status_code == 200
