"""400, 403, 404 and 500 as GOV.UK pages (a heading, what to do, the way to the dashboard), with
DEBUG off as in production; a 404 that tells nothing of a campaign one is not on the team of."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from docket.web.error_pages import server_error
from tests.web.conftest import person

DASHBOARD_LINK = '<a class="govuk-link" href="/">Go to the dashboard</a>'


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    settings.DEBUG = False


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def without_tokens(page: str) -> str:
    """The page without what differs on every response (the form token, the script nonce)."""
    return re.sub(r'(value|nonce)="[^"]+"', "", page)


@pytest.mark.django_db
def test_a_missing_page_is_the_page_not_found_pattern_with_the_workspace_around_it(example):
    viewer = person("viewer@office.example", "viewer", example)
    response = signed_in(viewer).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found \N{EN DASH} Docket</title>" in page
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "If you typed the web address, check it is correct." in page
    assert DASHBOARD_LINK in page
    assert "govuk-service-navigation" in page
    assert "Signed in as viewer@office.example" in page
    assert ">Sign out</button>" in page
    assert "Not Found" not in page
    assert "requested resource" not in page


@pytest.mark.django_db
def test_without_signing_in_it_has_no_navigation(example):
    page = Client().get("/no-such-page/").content.decode()
    assert "Page not found" in page
    assert DASHBOARD_LINK in page
    assert "govuk-service-navigation" not in page


@pytest.mark.django_db
def test_another_campaign_reads_exactly_as_one_that_never_existed(example, other_campaign):
    viewer = person("viewer@office.example", "viewer", example)
    client = signed_in(viewer)
    theirs = client.get(f"/campaigns/{other_campaign.slug}/")
    never = client.get("/campaigns/never-existed/")
    assert theirs.status_code == never.status_code == 404
    assert other_campaign.title not in theirs.content.decode()
    assert "No such campaign" not in theirs.content.decode()
    assert without_tokens(theirs.content.decode()) == without_tokens(never.content.decode())


@pytest.mark.django_db
def test_a_role_that_may_not_is_told_so_and_whom_to_ask(example):
    viewer = person("viewer@office.example", "viewer", example)
    response = signed_in(viewer).get("/outbox/")
    page = response.content.decode()
    assert response.status_code == 403
    assert '<h1 class="govuk-heading-l">You cannot do this with your role</h1>' in page
    assert "ask an admin of your office" in page
    assert DASHBOARD_LINK in page
    assert "govuk-service-navigation" in page
    assert "Forbidden" not in page


@pytest.mark.django_db
def test_a_form_sent_without_its_token_says_reload_and_try_again(example):
    viewer = person("viewer@office.example", "viewer", example)
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post("/sign-out/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your form was not sent" in page
    assert "reload the page" in page
    assert "CSRF" not in page


@pytest.mark.django_db
def test_a_bad_request_is_the_problem_with_the_service_page():
    response = Client().get("/", headers={"host": "not-ours.example"})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>' in page
    assert DASHBOARD_LINK in page
    assert "Bad Request" not in page


@pytest.mark.django_db
def test_a_fault_in_the_code_is_the_problem_with_the_service_page(settings, example):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    client = signed_in(person("viewer@office.example", "viewer", example))
    client.raise_request_exception = False
    response = client.get("/fails/")
    page = response.content.decode()
    assert response.status_code == 500
    assert '<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>' in page
    assert "Try again later." in page
    assert DASHBOARD_LINK in page
    assert "Server Error" not in page
    assert "a fault in the code" not in page


def test_the_500_page_needs_no_database_and_no_request_context(rf):
    # No django_db mark: any query would fail this test.
    page = server_error(rf.get("/campaigns/x/")).content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "govuk-frontend.min.css" in page


@pytest.mark.django_db
def test_public_pages_not_found_look_like_the_public_site(office):
    response = Client().get("/public/no-such-campaign/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert "Published correspondence" in page
    assert "feed.atom" in page
    assert "Go to the dashboard" not in page
    assert 'href="/public/"' in page


def test_a_public_fault_is_told_in_the_public_sites_look(rf):
    page = server_error(rf.get("/public/fails/")).content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Published correspondence" in page
    assert "Go to the dashboard" not in page


@pytest.mark.django_db
def test_a_refusal_is_one_line_in_the_log_and_a_fault_keeps_its_traceback(settings, example, caplog):
    """Someone opening a page their role may not see is logged as one warning (who, what, why), not as an
    error with a traceback; a fault in the code is still logged as an error, with its traceback."""
    settings.ROOT_URLCONF = "tests.web.error_urls"
    client = signed_in(person("viewer@office.example", "viewer", example))
    client.raise_request_exception = False
    caplog.set_level(logging.INFO)

    assert client.get("/outbox/?page=2").status_code == 403
    refused = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(refused) == 1, [r.getMessage() for r in refused]
    assert refused[0].levelno == logging.WARNING
    assert refused[0].exc_info is None
    assert "Traceback" not in caplog.text
    message = refused[0].getMessage()
    assert "viewer@office.example" in message
    assert "/outbox/?page=2" in message
    assert "permission" in message
    assert "\n" not in message

    caplog.clear()
    assert client.get("/fails/").status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert "RuntimeError: a fault in the code" in caplog.text
