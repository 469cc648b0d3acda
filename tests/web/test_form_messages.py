"""The workspace's forms tell mistakes in the GOV.UK Design System's words, naming the field ("Enter a
title"), never Django's ("This field is required.", "Enter a valid “slug”…", "less than or equal to
9223372036854775807"); and a campaign's numbers have sensible bounds (a working year, ten chasers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

import docket.web
from docket.campaigns.models import MOST_CHASERS, WORKING_DAYS_A_YEAR, Campaign
from docket.web.forms import ContactForm, NewUserForm
from docket.web.redaction_pages import RuleForm
from docket.web.setup_forms import ItemForm, ItemLabelForm
from tests.web.conftest import Team
from tests.web.test_new_campaign import settings_form

pytestmark = pytest.mark.django_db
DJANGO_WORDS = ["This field is required", "Enter a valid", "Ensure this value", "9223372036854775807"]


def new_campaign(client, team: Team, **changes: str) -> str:
    client.force_login(team["editor"])
    response = client.post(reverse("web:new_campaign"), settings_form(team, **changes))
    assert response.status_code == 200
    page: str = response.content.decode()
    for words in DJANGO_WORDS:
        assert words not in page
    return page


def test_an_empty_new_campaign_asks_for_each_field_by_name(client, team: Team):
    page = new_campaign(
        client,
        team,
        title="",
        office="",
        response_working_days="",
        very_overdue_working_days="",
        max_chasers="",
        chase_interval_working_days="",
    )
    assert "Enter a title" in page
    assert "Select an office" in page
    assert "Enter the number of working days a body has to reply" in page
    assert "Enter the most chasers to send to one body" in page
    assert "Enter the number of working days between two chasers" in page
    assert not Campaign.objects.filter(title="").exists()


def test_an_address_with_capitals_or_spaces_is_told_what_it_may_hold(client, team: Team):
    page = new_campaign(client, team, slug="Knife Crime!")
    assert '<a href="#id_slug">Address can only use lower-case letters, digits and hyphens</a>' in page
    page = new_campaign(client, team, slug="Knife_Crime")
    assert "Address can only use lower-case letters, digits and hyphens" in page


def test_huge_numbers_are_refused_at_their_bounds_in_words(client, team: Team):
    page = new_campaign(
        client,
        team,
        response_working_days="9" * 30,
        very_overdue_working_days="1000000000000",
        max_chasers="1000000000000",
        chase_interval_working_days="1e12",
    )
    assert f"Response working days must be {WORKING_DAYS_A_YEAR} or less" in page
    assert f"Very overdue working days must be {WORKING_DAYS_A_YEAR} or less" in page
    assert f"Max chasers must be {MOST_CHASERS} or less" in page
    assert "Chase interval working days must be a whole number, like 20" in page
    assert not Campaign.objects.filter(title="Knife crime 2027").exists()


def test_no_reply_time_of_zero_days(client, team: Team):
    page = new_campaign(client, team, response_working_days="0")
    assert "Response working days must be 1 or more" in page


def test_the_bounds_are_the_models_too(team: Team):
    campaign = team["campaign"]
    campaign.max_chasers = MOST_CHASERS + 1
    campaign.response_working_days = WORKING_DAYS_A_YEAR + 1
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert set(refused.value.message_dict) == {"max_chasers", "response_working_days"}


def test_the_settings_page_says_the_same(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["coordinator"])
    data = settings_form(team, title="", max_chasers="11")
    page = client.post(reverse("web:campaign_settings", args=[campaign.slug]), data).content.decode()
    assert "Enter a title" in page
    assert f"Max chasers must be {MOST_CHASERS} or less" in page
    for words in DJANGO_WORDS:
        assert words not in page


@pytest.mark.parametrize(
    ("form", "data", "message"),
    [
        (NewUserForm, {"email": "not an address", "role": "viewer"}, "Enter an email address in the correct format"),
        (NewUserForm, {"email": "", "role": "viewer"}, "Enter an email address"),
        (NewUserForm, {"email": "a@b.example", "role": "emperor"}, "Choose a role from the list"),
        (ContactForm, {"full_name": "", "email": "x@y.example"}, "Enter a full name"),
        (ContactForm, {"full_name": "x" * 500}, "Full name must be 200 characters or fewer"),
        (ItemForm, {"key": "", "label": "Strategy"}, "Enter a key"),
        (ItemForm, {"key": "strategy", "label": ""}, "Enter what the item is called in the letter"),
        (ItemForm, {"key": "strategy", "label": "x" * 600}, "What the item is called in the letter must be"),
        (ItemLabelForm, {"label": ""}, "Enter what the item is called in the letter"),
    ],
)
def test_other_forms_name_their_fields_too(form, data, message):
    bound = form(data)
    assert not bound.is_valid()
    errors = [error for field_errors in bound.errors.values() for error in field_errors]
    assert any(error.startswith(message) for error in errors), errors
    assert not any(error.startswith("This field is required") for error in errors)


def test_a_label_that_is_a_clause_is_asked_for_without_an_article(team: Team):
    bound = RuleForm(team["campaign"], {"pattern": "Ana", "kind": "", "scope": ""})
    assert not bound.is_valid()
    assert bound.errors["kind"] == ["Select what the text is"]
    assert bound.errors["scope"] == ["Select where it applies"]


def test_no_form_asks_for_a_label_glued_after_an_article():
    """Every workspace form's "required" message, made from its labels: none reads "Enter a What it is…"."""
    import importlib
    import pkgutil

    from docket.web.form_messages import CLAUSE_WORDS, GovukMessages, govuk_messages

    for module in pkgutil.iter_modules(docket.web.__path__):
        importlib.import_module(f"docket.web.{module.name}")
    forms = list(GovukMessages.__subclasses__())
    for form in forms:
        forms += form.__subclasses__()
        for name, field in getattr(form, "base_fields", {}).items():
            required = govuk_messages(field, name, form.nouns.get(name, ""))["required"]
            _verb, article, word = [*required.split(" "), "", ""][:3]
            assert not (article in {"a", "an"} and word.lower() in CLAUSE_WORDS), (form.__name__, name, required)


# What a browser checks itself, with its own pop-up instead of Docket's words, unless the form says novalidate.
BROWSER_CHECKED = (" required", 'type="url"', 'type="email"', 'type="number"', "pattern=", "_field.html")


def test_every_form_the_browser_would_check_leaves_it_to_docket():
    """A form with a box the browser checks (required, a web or email address, a number, or a Django field,
    which may be any of those) says novalidate, so Docket's message is shown, not Chromium's bubble."""
    templates = Path(docket.web.__file__).parent / "templates"
    unchecked = []
    for template in sorted(templates.rglob("*.html")):
        text = template.read_text()
        start = text.find("<form")
        while start != -1:
            tag = text[start : text.find(">", start) + 1]
            end = text.find("</form>", start)
            body = text[start + len(tag) : end if end != -1 else len(text)]
            if any(check in body for check in BROWSER_CHECKED) and "novalidate" not in tag:
                unchecked.append(f"{template.name}: {tag}")
            start = text.find("<form", start + 1)
    assert unchecked == []
