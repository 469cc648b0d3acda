"""The migration that gives every event a campaign fills it in from the event's request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from docket.campaigns import actions as campaigns
from docket.campaigns.models import Campaign
from docket.requests import actions
from docket.requests.models import Event
from tests.factories import make_campaign

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("requests", "0006_message_correction_events")]
AFTER = [("requests", "0007_campaign_events")]


def test_each_existing_event_gets_its_requests_campaign(example: Campaign):
    other = make_campaign(example.office, slug="other")
    first = example.recipients.select_related("contact__body").first()
    assert first is not None
    campaigns.add_recipients(other, [first.contact], actions.SYSTEM)
    Event.objects.all().delete()  # only requests' events, as before the migration
    for recipient in [*example.recipients.all(), *other.recipients.all()]:
        actions.request_for(recipient)
    made = sorted(Event.objects.values_list("pk", "campaign_id"))
    assert {campaign for _, campaign in made} == {example.pk, other.pk}
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # the events lose their campaign column
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)  # and get it back from their requests
    migrated = executor.loader.project_state(AFTER).apps.get_model("requests", "Event")
    assert sorted(migrated.objects.values_list("pk", "campaign_id")) == made
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
