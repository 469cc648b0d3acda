"""What a person edits in the workspace (a body's name, the office's name, a campaign's title, an
item's label) shows on every public page, the feed, the open data, the search and the static export
at once: none of them keeps the old one (the page cache included)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from docket.campaigns import actions as campaign_actions
from docket.campaigns.models import Campaign, Office, RequestedItem
from docket.publishing.export import export_site
from docket.publishing.models import Publication
from docket.requests.actions import Actor

pytestmark = pytest.mark.django_db

HAMPSHIRE = "/public/iasc-vru-2020/hampshire-police-and-crime-commissioner/"
PUBLIC = [
    "/public/",
    "/public/iasc-vru-2020/",
    HAMPSHIRE,
    "/public/feed.atom",
    "/public/data/requests.csv",
    "/public/data/requests.json",
    "/public/search/?q=strategy",
]


def public_texts(client, tmp_path: Path) -> dict[str, str]:
    """Every public page that names the body (live, then as exported), with the letter as sent taken out
    (on the body's page, in the feed's summaries, in the search's snippets): it is the letter the body
    received, under the names it had then."""
    letters = [p.redacted_html or p.redacted_text for p in Publication.objects.filter(kind="letter")]
    letters += [p.redacted_text[:500] for p in Publication.objects.filter(kind="letter")]  # the feed's summary
    figures = Publication.objects.get(attachment__filename="figures.docx")
    urls = [*PUBLIC, f"/public/files/{figures.token}/figures/"]
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.content.decode()
    out = tmp_path / "site"
    export_site(out)
    for path in sorted(out.rglob("*")):
        if path.suffix in {".html", ".atom", ".csv", ".json"}:
            texts[f"export: {path.relative_to(out)}"] = path.read_text()
    for url, text in texts.items():
        for letter in letters:
            text = text.replace(letter, "")
        texts[url] = re.sub(r'<p class="govuk-body">.*?</p>', "", text, flags=re.S) if "search" in url else text
    return texts


def rename_body(client, old: str, new: str) -> None:
    client.force_login(User.objects.create_superuser("admin@office.example", "admin@office.example", "pw"))
    response = client.post(
        "/directory/hampshire-police-and-crime-commissioner/edit/",
        {"name": new, "kind": "Police and Crime Commissioner", "area": "Hampshire"},
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()


def rename_office(client, old: str, new: str) -> None:
    office = Office.objects.get(name=old)
    office.name = new
    office.save()  # as the office page's form does


def rename_campaign(client, old: str, new: str) -> None:
    campaign = Campaign.objects.get(title=old)
    campaign_actions.change_settings(campaign, {"title": new}, Actor("test"))


def rename_item(client, old: str, new: str) -> None:
    campaign_actions.change_item(RequestedItem.objects.get(label=old), new, Actor("test"))


@pytest.mark.parametrize(
    ("edit", "old", "new"),
    [
        (rename_body, "Hampshire Police and Crime Commissioner", "Hampshire and Isle of Wight PCC"),
        (rename_office, "Independent Anti-Slavery Commissioner", "Office of the Anti-Slavery Commissioner"),
        (rename_campaign, None, "Violence Reduction Units: strategies asked for"),
        (rename_item, None, "Published strategy of the unit"),
    ],
    ids=["body", "office", "campaign title", "item label"],
)
def test_an_edit_shows_on_every_public_page_at_once(client, published_in_part, tmp_path, edit, old, new):
    if old is None:
        old = Campaign.objects.get().title if edit is rename_campaign else RequestedItem.objects.first().label
    before = public_texts(client, tmp_path / "before")  # and into the page cache
    showing = [url for url, text in before.items() if old in text]
    assert showing, f"nothing public shows {old!r}"

    edit(client, old, new)

    after = public_texts(client, tmp_path / "after")
    assert [url for url in showing if old in after[url]] == [], f"still showing {old!r}"
    assert [url for url in showing if new not in after[url]] == [], f"not showing {new!r}"
