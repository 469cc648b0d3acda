"""Fixtures of the worker's tests."""

from __future__ import annotations

import pytest

from docket.campaigns.importing import import_recipients
from docket.campaigns.models import Campaign
from tests.factories import contact_row, make_campaign, write_csv


@pytest.fixture
def many(office, tmp_path):
    """A campaign of 12 recipients; the sixth has no email address."""

    def make(count: int = 12, slug: str = "test-campaign") -> Campaign:
        template = "Please send us your strategy, {{ contact.full_name }}."
        campaign = make_campaign(office, slug=slug, template_source=template)
        rows = [contact_row(n, email="" if n == 6 else f"person{n}@body{n}.example") for n in range(1, count + 1)]
        import_recipients(campaign, write_csv(tmp_path / "recipients.csv", rows))
        return campaign

    return make
