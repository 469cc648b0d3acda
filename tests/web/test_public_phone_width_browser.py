"""In Chromium (Playwright): the public site at phone width (390 px) with a long email address (the office's, in the
published letter's letterhead) and a long URL (a source the letter cites): the home, campaign, body and search pages
do not scroll sideways, and the static export carries the same rules. Screenshots in test-artefacts/screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from docket.campaigns.models import Reference
from docket.publishing import actions as publishing
from docket.publishing.export import export_site
from docket.publishing.models import Publication
from tests.web.conftest import SOMEONE, Team, in_flight
from tests.web.test_browser import check, signed_in
from tests.web.test_phone_width_browser import LONG_EMAIL, LONG_URL, TOO_WIDE

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits_a_phone(page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow} px too wide: {page.evaluate(TOO_WIDE)[:12]}"
    check(page, f"public-{name}-phone")


def test_the_public_pages_fit_a_phone_with_a_long_email_and_url(browser, live_server, team: Team, tmp_path: Path):
    campaign = team["campaign"]
    Reference.objects.create(
        campaign=campaign,
        key="hampshire_response_strategy_2020",
        author="Hampshire PCC",
        title="A strategy",
        url=LONG_URL,
    )
    names = ["Michael Lane", "Anthony Stansfeld", "Paddy Tipping"]
    flight = in_flight(campaign, [campaign.recipients.get(contact__full_name=name) for name in names])
    publication = publishing.publish(flight.publication, SOMEONE)
    assert publication.state == "published"
    # A long email address and URL in the letterhead, as published (here the office's own is redacted as a person's).
    assert "<address>" in publication.redacted_html
    long_lines = f'<address>{LONG_EMAIL}<br><a href="{LONG_URL}">{LONG_URL}</a><br>'
    Publication.objects.filter(pk=publication.pk).update(
        redacted_html=publication.redacted_html.replace("<address>", long_lines, 1),
        redacted_text=f"{publication.redacted_text}\n{LONG_EMAIL}\n{LONG_URL}",
    )
    body = flight.sent.recipient.contact.body.slug

    page = signed_in(browser, live_server, team["viewer"])  # the CSP's refusals recorded; the pages are public
    page.set_viewport_size(PHONE)
    for name, path in [
        ("home", "/public/"),
        ("campaign", f"/public/{campaign.slug}/"),
        ("body", f"/public/{campaign.slug}/{body}/"),
        ("search", "/public/search/?q=strategy"),
    ]:
        page.goto(path)
        fits_a_phone(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/public/{campaign.slug}/{body}/")
    check(page, "public-body-desktop")

    # The static export is drawn from the same templates, so it carries the same rules: its body page fits too.
    out = tmp_path / "site"
    export_site(out)
    page.set_viewport_size(PHONE)
    page.goto((out / campaign.slug / body / "index.html").as_uri())
    fits_a_phone(page, "export-body")
