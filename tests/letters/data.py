"""Letter inputs made in memory: the letters package needs no database."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from docket.letters import CampaignData, ItemData, OfficeData, RecipientData, ReferenceData

OFFICE = OfficeData(
    name="Office of the Test Commissioner",
    signatory_name="Alex Example",
    signatory_honours="OBE",
    signatory_role="Test Commissioner",
    address=("1 Test Street", "London", "SW1A 1AA"),
    phone="020 7946 0000",
    email="office@commissioner.example",
    coordinator_name="Sam Coordinator",
    coordinator_role="Policy lead",
    coordinator_email="sam@commissioner.example",
)
REFERENCES = (
    ReferenceData("report", "Home Office", "A report", "2019", "https://www.gov.uk/report"),
    ReferenceData("blog", "The Commissioner", "A blog post", "2020"),
)
TEMPLATE = """\
Thank you for your work in {{ contact.area }}{{ cite("report") }}.

{% if items.asked %}Please send your {{ items.asked | map(attribute="name") | english_list }}.{% endif %}
{{ fields.note }}{{ cite("blog") }} and again{{ cite("report") }}.
"""


def campaign(template: str = TEMPLATE, **overrides: Any) -> CampaignData:
    base = CampaignData(
        slug="test-campaign",
        title="Test campaign",
        office=OFFICE,
        template=template,
        letter_date=datetime.date(2020, 10, 13),
        references=REFERENCES,
    )
    return replace(base, **overrides)


def recipient(**overrides: Any) -> RecipientData:
    base = RecipientData(
        id="7",
        full_name="Jo Bloggs",
        body="Testshire Police and Crime Commissioner",
        role="Testshire Police and Crime Commissioner",
        salutation="Jo",
        area="Testshire",
        address=("1 High Street", "Testtown"),
        postcode="TE1 1ST",
        fields={"note": "A note"},
        items=(ItemData("plan", "Plan"), ItemData("strategy", "Response Strategy", "published", "Strategy 2020")),
    )
    return replace(base, **overrides)
