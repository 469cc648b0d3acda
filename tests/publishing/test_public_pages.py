"""The public pages in a browser: no serious or critical accessibility problem (axe-core), and screenshots."""

import os
from pathlib import Path

import pytest

from tests.browser import axe_violations
from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_public_pages_are_accessible(browser, live_server, published_in_part):
    page = browser.new_page(base_url=live_server.url)
    shots = Path(os.environ.get("DOCKET_PUBLIC_SHOTS", REPO / "test-artefacts" / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    for name, path in [
        ("public-home", "/public/"),
        ("public-campaign", "/public/iasc-vru-2020/"),
        ("public-body", "/public/iasc-vru-2020/hampshire-police-and-crime-commissioner/"),
        ("public-search", "/public/search/?q=strategy"),
    ]:
        page.goto(path)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        assert axe_violations(page) == [], name
    # A Word file published: its redacted text on a page of its own, linked from the body's page.
    page.goto("/public/iasc-vru-2020/hampshire-police-and-crime-commissioner/")
    page.get_by_role("link", name="figures.docx (its text, redacted)").click()
    assert page.get_by_role("heading", name="figures.docx").is_visible()
    assert page.get_by_text("Violence reduction figures 2020.").is_visible()
    page.screenshot(path=str(shots / "public-document-text.png"), full_page=True)
    assert axe_violations(page) == [], "public-document-text"
    page.close()
