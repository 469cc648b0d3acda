"""Signing out: by POST only (the header's button), after which the sign-in page says "You have signed out.";
/sign-out/ typed or followed from an old link (a GET) is a page with a Sign out button for someone signed in,
the sign-in page for anyone else (it was a blank page: Django's LogoutView answers a GET 405, empty)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.conftest import person

pytestmark = pytest.mark.django_db
SIGN_OUT = "/sign-out/"
SIGN_IN = "/sign-in/"
SIGNED_OUT = "You have signed out."


@pytest.fixture
def viewer(example):
    return person("viewer@office.example", "viewer", example)


def is_signed_in(client: Client) -> bool:
    return bool(client.get("/").status_code == 200)  # the dashboard; anyone else is sent to sign in


def test_the_address_typed_by_someone_signed_in_is_a_page_with_the_sign_out_button(viewer):
    client = Client()
    client.force_login(viewer)
    response = client.get(SIGN_OUT)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign out \N{EN DASH} Docket</title>" in page
    assert '<h1 class="govuk-heading-l">Sign out</h1>' in page
    main = page.split('id="main-content"')[1]
    form = re.search(r'<form method="post" action="/sign-out/"[^>]*>(.*?)</form>', main, re.S)
    assert form, main
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert re.search(r'<button class="govuk-button"[^>]*type="submit">Sign out</button>', form.group(1))
    assert "Signed in as viewer@office.example" in page
    assert is_signed_in(client), "looking at the page signed the person out"


def test_its_button_signs_out_with_the_pages_form_token(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    main = client.get(SIGN_OUT).content.decode().split('id="main-content"')[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', main)
    assert token, main
    response = client.post(SIGN_OUT, {"csrfmiddlewaretoken": token.group(1)})
    assert (response.status_code, response["Location"]) == (302, SIGN_IN)
    assert not is_signed_in(client)


def test_the_address_typed_by_someone_not_signed_in_is_the_sign_in_page(viewer):
    response = Client().get(SIGN_OUT, follow=True)
    assert response.redirect_chain == [(SIGN_IN, 302)]
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in to Docket</h1>' in page
    assert SIGNED_OUT not in page  # they did not sign out: they were not signed in


def test_signing_out_is_said_on_the_sign_in_page_once(viewer):
    client = Client()
    client.force_login(viewer)
    response = client.post(SIGN_OUT, follow=True)
    assert response.redirect_chain == [(SIGN_IN, 302)]
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in to Docket</h1>' in page
    banner = re.search(
        r'<div class="govuk-notification-banner govuk-notification-banner--success".*?</div>\s*</div>', page, re.S
    )
    assert banner, page
    assert f'<p class="govuk-notification-banner__heading">{SIGNED_OUT}</p>' in banner.group(0)
    assert not is_signed_in(client)
    assert SIGNED_OUT not in client.get(SIGN_IN).content.decode()  # said once, not on every visit


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_nothing_but_a_post_signs_out(viewer, method):
    client = Client()
    client.force_login(viewer)
    assert getattr(client, method)(SIGN_OUT).status_code == 405
    client.get(SIGN_OUT)
    assert is_signed_in(client)
