"""Small factories: each makes one valid object and takes overrides."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from docket.campaigns.models import Campaign, Office, RequestedItem


def make_office(**overrides: Any) -> Office:
    values: dict[str, Any] = {
        "name": "Office of the Test Commissioner",
        "signatory_name": "Alex Example",
        "signatory_role": "Test Commissioner",
        "address_lines": "1 Test Street\nLondon\nSW1A 1AA",
        "coordinator_name": "Sam Coordinator",
        "coordinator_role": "Policy lead",
        "coordinator_email": "sam@commissioner.example",
    }
    return Office.objects.create(**(values | overrides))


def make_campaign(office: Office, *, items: tuple[str, ...] = ("strategy", "updates"), **overrides: Any) -> Campaign:
    values: dict[str, Any] = {"slug": "test-campaign", "title": "Test campaign", "office": office}
    campaign = Campaign.objects.create(**(values | overrides))
    for position, key in enumerate(items):
        RequestedItem.objects.create(campaign=campaign, key=key, label=key.title(), position=position)
    return campaign


def contact_row(number: int, **overrides: str) -> dict[str, str]:
    return {
        "body": f"Body {number}",
        "body_kind": "Police and Crime Commissioner",
        "area": f"Area {number}",
        "tags": "VRU area",
        "website": f"https://body{number}.example/",
        "full_name": f"Person {number}",
        "role": f"Area {number} Police and Crime Commissioner",
        "salutation": f"Person{number}",
        "email": f"person{number}@body{number}.example",
        "address": f"{number} High Street\nTown {number}",
        "postcode": "AB1 2CD",
    } | overrides


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path
