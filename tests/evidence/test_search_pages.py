"""The workspace's search page and the public search: hits lead to their page, mistakes are told on the page,
each person finds only what they may read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.publishing import actions as publishing
from docket.publishing.models import RedactionRule
from docket.requests.actions import Actor
from tests.web.conftest import person

pytestmark = pytest.mark.django_db
ACTOR = Actor("test")


@pytest.fixture
def viewer(replied):
    return person("viewer@office.example", "viewer", replied.campaign)


def test_a_hit_links_to_the_page_it_is_on(client, viewer, replied):
    client.force_login(viewer)
    page = client.get(reverse("web:search"), {"q": '"mentoring scheme"'}).content.decode()
    link = reverse("web:document_page", args=[replied.strategy.pk, 3])
    assert f'href="{link}"' in page
    assert "page 3 of Response Strategy.pdf" in page
    assert "<mark>" in page
    shown = client.get(link).content.decode()
    assert "Page 3 of 3" in shown
    assert "Our mentoring scheme for young people" in shown
    assert "Governance and funding" not in shown  # page 2 is not on page 3
    assert client.get(reverse("web:document_page", args=[replied.strategy.pk, 4])).status_code == 404


def test_a_mistake_is_shown_on_the_page(client, viewer, replied):
    client.force_login(viewer)
    response = client.get(reverse("web:search"), {"q": '"mentoring'})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "A phrase is missing its closing quotation mark" in page
    page = client.get(reverse("web:search"), {"q": "mentoring", "since": "2020-13-45"}).content.decode()
    assert "The first date &#x27;2020-13-45&#x27; is not a date: give it as YYYY-MM-DD." in page
    # The GOV.UK date input: day, month and year boxes, told wrong in its words, what was typed kept.
    typed = {"q": "mentoring", "since_day": "31", "since_month": "2", "since_year": "2020", "until_month": "3"}
    page = client.get(reverse("web:search"), typed).content.decode()
    assert "The first date must be a real date, for example 1 12 2026" in page
    assert "The last date must include a day and a year" in page
    assert 'id="since-search-day" name="since_day" type="text" inputmode="numeric" value="31"' in page
    assert 'aria-describedby=" since-search-error"' in page
    assert '<a href="#since-search-day">The first date must be a real date' in page
    huge = {"q": "mentoring", "since_day": "9" * 20, "since_month": "1", "since_year": "2020"}
    assert "The first date must be a real date" in client.get(reverse("web:search"), huge).content.decode()
    found = {"q": "mentoring", "since_day": "1", "since_month": "1", "since_year": "2020"}
    assert "There is a problem" not in client.get(reverse("web:search"), found).content.decode()


def test_someone_on_another_campaign_finds_none_of_it(client, replied, other_campaign):
    outsider = person("outsider@office.example", "coordinator", other_campaign)
    client.force_login(outsider)
    page = client.get(reverse("web:search"), {"q": "mentoring OR knife"}).content.decode()
    assert "Nothing found" in page
    assert "Response Strategy" not in page
    assert client.get(reverse("web:search"), {"q": "x", "campaign": replied.campaign.slug}).status_code == 404
    assert client.get(reverse("web:document_page", args=[replied.strategy.pk, 1])).status_code == 404


def test_the_public_search_finds_only_what_is_published_as_redacted(client, replied):
    RedactionRule.objects.create(pattern="Jane Doe", reason="an officer's name")
    for publication in (
        publishing.letter_publication(replied.request),
        publishing.document_publication(replied.strategy.pk, replied.request),
    ):
        publishing.publish(publishing.approve(publication, ACTOR), ACTOR)
    page = client.get("/public/search/", {"q": "mentoring"}).content.decode()
    assert "1 result" in page
    assert "page 3 of Response Strategy.pdf" in page
    assert "#page=3" in page
    assert "Doe" not in page
    assert "0 results" in client.get("/public/search/", {"q": "Doe"}).content.decode()
    assert "0 results" in client.get("/public/search/", {"q": '"knife crime work"'}).content.decode()  # the reply
    response = client.get("/public/search/", {"q": "(mentoring"})
    assert response.status_code == 200
    assert "A bracket “(” is not closed." in response.content.decode()
