"""In Chromium (Playwright): the directory at phone width scrolls its table in a labelled region, not the whole
page. axe-core and the CSP on each page; screenshots in test-artefacts/screenshots (as test_browser's)."""

from __future__ import annotations

import pytest

from docket.directory.models import Body, Tag
from tests.web.conftest import person
from tests.web.test_browser import check, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_directory_is_no_wider_than_a_phone(browser, live_server, example):
    tags = [Tag.objects.create(name=name) for name in ("Wales", "Violence Reduction Unit", "Modern slavery")]
    for body in Body.objects.all():
        body.tags.add(*tags)
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto("/directory/")
    assert page.get_by_role("region", name=page.locator("#directory-caption").inner_text()).count() == 1
    check(page, "directory")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the table scrolls in its region
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page, "directory-phone")
