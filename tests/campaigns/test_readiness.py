"""Whether each letter can be made (docket/campaigns/readiness.py), and the campaign's field names."""

from __future__ import annotations

import pytest

from docket.campaigns.letters import field_names, recipients_for_rendering
from docket.campaigns.readiness import check_letters
from docket.requests.actions import Actor
from docket.requests.letters import queue_campaign
from docket.requests.models import InfoRequest

pytestmark = pytest.mark.django_db


def test_the_campaigns_field_names_are_every_recipients_gathered_by_the_database(example):
    first = example.recipients.order_by("pk").first()
    first.fields = {**first.fields, "only_here": "x"}
    first.save(update_fields=["fields"])
    assert field_names(example) == ("mention_annual_report", "only_here", "updates_joined_by", "vru_work")


def test_each_letter_is_checked_and_a_blank_field_named(example):
    recipients = recipients_for_rendering(example)
    broken = recipients[0]
    broken.fields = {**broken.fields, "vru_work": ""}
    broken.save(update_fields=["fields"])
    readiness = check_letters(example, recipients_for_rendering(example))
    assert readiness.complete
    assert list(readiness.cannot()) == [broken.pk]
    assert 'field "vru_work" is blank' in readiness.cannot()[broken.pk]
    assert readiness.cannot()[broken.pk].startswith("Line ")
    assert sum(1 for problem in readiness.problems.values() if problem == "") == len(recipients) - 1


def test_a_check_out_of_time_says_so_rather_than_guess(example):
    readiness = check_letters(example, recipients_for_rendering(example), budget=0)
    assert (readiness.complete, readiness.problems) == (False, {})


def test_a_template_that_does_not_compile_stops_every_letter_with_its_line(example):
    example.template_source = "Fine.\n{% if %}"
    example.save(update_fields=["template_source"])
    readiness = check_letters(example, recipients_for_rendering(example))
    assert len(readiness.cannot()) == example.recipients.count()
    assert all(problem.startswith("Line 2: ") for problem in readiness.cannot().values())


def test_docket_queue_skips_a_letter_that_cannot_be_made_and_leaves_it_a_draft(example):
    recipients = recipients_for_rendering(example)
    broken = recipients[0]
    broken.fields = {**broken.fields, "vru_work": " "}
    broken.save(update_fields=["fields"])
    queued, skipped = queue_campaign(recipients_for_rendering(example), Actor("test"))
    assert [(r.pk, "is blank" in why) for r, why in skipped] == [(broken.pk, True)]
    assert len(queued) == len(recipients) - 1
    # Nothing happened to its request: none was made (the page shows it as a draft), or it stays a draft.
    assert not InfoRequest.objects.filter(recipient=broken).exclude(state="draft").exists()
