"""After too many failed sign-ins: a GOV.UK page saying for how long, and whom to ask (not axes' plain text)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponse

from docket.campaigns.models import Office

pytestmark = pytest.mark.django_db


def fail_until_locked(client) -> HttpResponse:
    User.objects.create_user("someone@office.example", "someone@office.example", "a-long-test-password")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/sign-in/", {"username": "someone@office.example", "password": "wrong"})
    response: HttpResponse = client.post("/sign-in/", {"username": "someone@office.example", "password": "wrong"})
    return response


def test_the_lock_out_page_says_for_how_long_and_whom_to_ask(client):
    Office.objects.create(
        name="Test office", signatory_name="A", signatory_role="B", address_lines="1 Road", email="help@office.example"
    )
    response = fail_until_locked(client)
    page = response.content.decode()
    assert response.status_code == 429
    assert "govuk-template" in page
    assert "Signing in is locked for 1 hour" in page
    assert "help@office.example" in page
    assert 'rel="stylesheet"' in page


def test_without_an_office_email_it_says_whom_to_ask(client):
    page = fail_until_locked(client).content.decode()
    assert "Ask whoever runs Docket for your office" in page
