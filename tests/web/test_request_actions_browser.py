"""In Chromium: the request page's actions that ask why each stand on a line of their own, the box beside its
button, and the buttons that need no reason share a row above them (a tester found the boxes and buttons
staggered across the page). axe-core on the page; a screenshot in test-artefacts/screenshots."""

from __future__ import annotations

import pytest

from tests.web.conftest import Team, in_flight
from tests.web.test_browser import check, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_each_action_that_asks_why_has_its_box_beside_its_button(browser, live_server, team: Team):
    campaign = team["campaign"]
    names = ["Michael Lane", "Anthony Stansfeld", "Paddy Tipping"]
    flight = in_flight(campaign, [campaign.recipients.get(contact__full_name=name) for name in names])
    page = signed_in(browser, live_server, team["coordinator"])
    page.goto(f"/requests/{flight.sent.pk}/")
    chase = page.get_by_role("button", name="Send a chaser now").bounding_box()
    assert chase is not None
    asked = ["extend the deadline by 10 working days", "record a refusal", "withdraw the request"]
    rows = []
    for label in asked:
        box = page.get_by_label(f"Why ({label})").bounding_box()
        button = page.get_by_role("button", name=label.capitalize(), exact=True).bounding_box()
        assert box is not None
        assert button is not None
        assert button["x"] > box["x"] + box["width"], f"{label}: the button is not beside its box"
        assert abs((box["y"] + box["height"]) - (button["y"] + button["height"])) < 6, f"{label}: not level"
        rows.append(box["y"])
    assert chase["y"] < min(rows), "the buttons that need no reason are not above"
    assert rows == sorted(rows)
    assert len({round(y) for y in rows}) == len(rows), "two actions that ask why share a line"
    check(page, "request-actions")
