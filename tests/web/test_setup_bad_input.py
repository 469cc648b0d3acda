"""The setup pages given nonsense (NUL characters, ids that are not numbers, huge numbers, a file field
holding text, a campaign to copy that is not one): a page or a refusal, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.conftest import InFlight, Team

pytestmark = pytest.mark.django_db
NONSENSE = {
    "name": "\x00",
    "tags": ["x", "99999"],
    "contact": "1e9",
    "action": "??",
    "copy_from": "../..",
    "office": "abc",
    "response_working_days": "9" * 30,
    "letter_date_day": "0",
    "letter_date_month": "00",
    "letter_date_year": "0000",
    "slug": "\x00",
    "title": "x" * 5000,
    "file": "notafile",
    "skip_invalid": "yes",
    "full_name": "a\r\nBcc: x",
}


def test_no_setup_page_answers_nonsense_with_a_500(client, team: Team, two_campaigns: dict[str, InFlight]):
    client.force_login(team["admin"])
    contact = two_campaigns["theirs"].recipient.contact
    body = contact.body
    pages: list[tuple[str, list[object]]] = [
        ("body_new", []),
        ("body_edit", [body.slug]),
        ("body_retire", [body.slug]),
        ("contact_new", [body.slug]),
        ("contact_edit", [body.slug, contact.pk]),
        ("directory_import", []),
        ("new_campaign", []),
        ("campaign_settings", [two_campaigns["ours"].campaign.slug]),
    ]
    for name, args in pages:
        response = client.post(reverse(f"web:{name}", args=args), NONSENSE)
        assert response.status_code < 500, name
    for action in ("import", "cancel"):
        assert client.post(reverse("web:directory_import"), {"action": action}).status_code == 302
    for query in ["?page=-1", "?tag=nope&kind=%00", "?page=999999", "?q=" + "a" * 5000, "?retired=maybe"]:
        assert client.get(reverse("web:directory") + query).status_code == 200, query
    assert client.get(reverse("web:new_campaign") + "?from=%00").status_code == 404
