"""The Users page and the password reset pages in a real browser (Debian's Chromium, Playwright):
a locked account unlocked, a temporary password, someone added to a campaign team with an emailed
link (a real SMTP server), the link followed to choose a password; axe-core and the CSP on each."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.web.conftest import person
from tests.web.test_browser import signed_in
from tests.web.test_letter_checks_browser import check
from tests.web.test_users_page import MAILERS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_admin_looks_after_people_on_the_users_page(browser, live_server, example, settings, smtp_server):
    settings.MAILERS = MAILERS
    received = smtp_server[0].received
    admin = person("admin@office.example", "admin")
    viewer = person("viewer@office.example", "viewer", example)
    for _ in range(5):
        Client().post("/sign-in/", {"username": viewer.username, "password": "wrong"})
    page = signed_in(browser, live_server, admin)
    page.goto("/users/")
    assert page.get_by_text("5 failed sign-ins").is_visible()
    check(page, "users-locked")
    page.get_by_role("button", name=f"Unlock {viewer.username}").click()
    page.get_by_text(f"{viewer.username} can sign in again").wait_for()

    page.get_by_role("button", name=f"Set a temporary password for {viewer.username}").click()
    password = page.locator(".docket-password").inner_text()
    assert len(password) == 16
    check(page, "users-temporary-password")

    # The viewer signs in with it and must choose their own before anything else.
    theirs = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url).new_page()
    theirs.goto("/sign-in/")
    theirs.get_by_label("Email address").fill(viewer.email)
    theirs.get_by_label("Password").fill(password)
    theirs.get_by_role("button", name="Sign in").click()
    theirs.get_by_role("heading", name="Choose your own password").wait_for()
    check(theirs, "password-chosen-by-someone-else")
    theirs.get_by_label("The password you were given").fill(password)
    theirs.get_by_label("New password", exact=True).fill("the-viewers-own-password")
    theirs.get_by_label("New password confirmation").fill("the-viewers-own-password")
    theirs.get_by_role("button", name="Save the password").click()
    theirs.get_by_text("Your password is changed.").wait_for()
    assert theirs.get_by_role("heading", name="Dashboard").is_visible()
    theirs.context.close()

    page.goto("/users/")
    page.get_by_label("Email").fill("new.colleague@office.example")
    page.locator("#id_role").select_option("editor")
    page.locator("#id_campaigns").get_by_label(example.title).check()
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("They have been emailed a link to choose their password.").wait_for()
    check(page, "users-added")
    added = User.objects.get(username="new.colleague@office.example")
    assert list(added.campaigns.all()) == [example]

    [mail] = received
    link = re.search(r"http://\S+/password/\S+/", mail.message.get_content())
    assert link
    stranger = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    stranger.goto(link.group(0))
    check(stranger, "password-choose")
    stranger.get_by_label("New password", exact=True).fill("a-password-of-my-own")
    stranger.get_by_label("New password confirmation").fill("a-password-of-my-own")
    stranger.get_by_role("button", name="Save the password").click()
    stranger.get_by_text("Your password is saved").wait_for()
    check(stranger, "password-saved")
    stranger.goto(link.group(0))
    assert stranger.get_by_text("This link has been used or has expired").is_visible()
    check(stranger, "password-link-used")
    stranger.context.close()
    page.context.close()
