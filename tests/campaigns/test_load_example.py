"""`docket load-example` (and so `./setup.sh demo` run again) keeps a person's edits; `--reset` starts over."""

from __future__ import annotations

import pytest

from docket.campaigns.examples import load_example
from docket.campaigns.models import Campaign, Office
from docket.cli import main

pytestmark = pytest.mark.django_db
EXAMPLE = "iasc-vru-2020"


def edit_everything(campaign: Campaign) -> None:
    campaign.template_source = "My own letter."
    campaign.save(update_fields=["template_source"])
    Office.objects.filter(pk=campaign.office_id).update(signatory_role="My own role")
    campaign.references.all().delete()
    recipient = campaign.recipients.order_by("pk")[0]
    recipient.fields = {"area_sentence": "my own words"}
    recipient.save(update_fields=["fields"])


def test_loading_again_keeps_the_edits_to_the_campaign_and_the_office(capsys):
    campaign, _ = load_example(EXAMPLE)
    edit_everything(campaign)
    assert main(["load-example", EXAMPLE]) == 0
    campaign.refresh_from_db()
    assert campaign.template_source == "My own letter."
    assert Office.objects.get(pk=campaign.office_id).signatory_role == "My own role"
    assert not campaign.references.exists()
    assert campaign.recipients.order_by("pk")[0].fields == {"area_sentence": "my own words"}
    assert "already loaded" in capsys.readouterr().out


def test_reset_puts_the_example_back_as_shipped():
    campaign, _ = load_example(EXAMPLE)
    shipped = (campaign.template_source, campaign.office.signatory_role, campaign.references.count())
    edit_everything(campaign)
    assert main(["load-example", EXAMPLE, "--reset"]) == 0
    campaign.refresh_from_db()
    office = Office.objects.get(pk=campaign.office_id)
    assert (campaign.template_source, office.signatory_role, campaign.references.count()) == shipped
    assert campaign.recipients.order_by("pk")[0].fields != {"area_sentence": "my own words"}


def test_the_first_load_makes_the_campaign():
    assert main(["load-example", EXAMPLE]) == 0
    assert Campaign.objects.filter(slug=EXAMPLE).exists()
