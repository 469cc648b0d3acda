"""The pages whose numbers must agree, in Chromium, with a request withdrawn and one answered with nothing
received: the dashboard, the ledger, the campaign's page and the report (screenshots, axe-core)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import axe_violations
from tests.campaigns.test_totals_agree import worked  # noqa: F401 (a fixture)
from tests.conftest import REPO
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    extra = [Path(os.environ["DOCKET_SHOTS"])] if "DOCKET_SHOTS" in os.environ else []
    for folder in [REPO / "test-artefacts" / "screenshots", *extra]:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_the_pages_that_count_items(browser, live_server, example, worked):  # noqa: F811
    page = signed_in(browser, live_server, person("viewer@office.example", "viewer", example))
    page.goto("/")
    assert "withdrawn, not counted" in page.locator(f"#ledger-{example.slug}").inner_text()
    shot(page, "totals-dashboard")
    page.goto(f"/campaigns/{example.slug}/")
    assert "settled (0 received)" in page.locator("#recipients").inner_text()
    shot(page, "totals-campaign")
    page.get_by_role("link", name="Evidence ledger").first.click()
    assert "since withdrawn, not counted" in page.locator("#ledger-totals").inner_text()
    shot(page, "totals-ledger")
    page.goto(f"/campaigns/{example.slug}/report/")
    assert "In requests since withdrawn, not counted above" in page.locator("#report-totals").inner_text()
    shot(page, "totals-report")
    page.context.close()
