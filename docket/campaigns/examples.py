"""Loading a shipped example campaign (office, references, items, template, recipients).

An example is a folder holding ``campaign.toml``, the template it names and a
recipients file in the ``import-recipients`` format. Loading writes the example
only if its campaign is absent, so that loading again (``./setup.sh demo`` run a
second time) keeps a person's edits, the office profile's included; ``reset``
puts the campaign, its office profile, references, items and recipients back as
shipped (requests already made are kept).
"""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Any

from django.db import transaction

from docket.campaigns.importing import import_recipients
from docket.campaigns.models import Campaign, Office, Reference, RequestedItem
from docket.importing import ImportReport

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"


class ExampleError(ValueError):
    pass


def find_example(name: str) -> Path:
    """An example by name (a folder under ``examples/``) or by path."""
    folder = Path(name)
    if not (folder / "campaign.toml").is_file():
        folder = EXAMPLES_DIR / name
    if not (folder / "campaign.toml").is_file():
        available = sorted(path.parent.name for path in EXAMPLES_DIR.glob("*/campaign.toml"))
        raise ExampleError(f"no example called {name!r}; the examples are: {', '.join(available) or 'none'}")
    return folder


def load_example(name: str, *, reset: bool = False) -> tuple[Campaign, ImportReport | None]:
    """The example's campaign, and what loading its recipients did (None: it was there already, left alone)."""
    folder = find_example(name)
    try:
        spec = tomllib.loads((folder / "campaign.toml").read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ExampleError(f"{folder / 'campaign.toml'}: {error}") from None
    present = Campaign.objects.filter(slug=spec["campaign"]["slug"]).first()
    if present is not None and not reset:
        return present, None
    with transaction.atomic():
        campaign = _save_campaign(folder, spec, reset=reset)
        report = import_recipients(campaign, folder / spec["campaign"]["recipients"])
    return campaign, report


def _save_campaign(folder: Path, spec: dict[str, Any], *, reset: bool) -> Campaign:
    office_spec = dict(spec["office"])
    office_spec["address_lines"] = "\n".join(office_spec["address_lines"])
    # An office of the same name is the person's own profile by now: only a reset writes over it.
    put = Office.objects.update_or_create if reset else Office.objects.get_or_create
    office, _ = put(name=office_spec.pop("name"), defaults=office_spec)
    about = spec["campaign"]
    letter_date = about.get("letter_date")
    if letter_date is not None and not isinstance(letter_date, datetime.date):
        raise ExampleError(f"{folder / 'campaign.toml'}: letter_date must be a date such as 2020-10-13")
    campaign, _ = Campaign.objects.update_or_create(
        slug=about["slug"],
        defaults={
            "title": about["title"],
            "office": office,
            "letter_date": letter_date,
            "template_source": (folder / about["template"]).read_text(encoding="utf-8"),
        },
    )
    for reference in spec.get("references", []):
        Reference.objects.update_or_create(
            campaign=campaign, key=reference["key"], defaults={k: v for k, v in reference.items() if k != "key"}
        )
    for position, item in enumerate(spec.get("items", [])):
        RequestedItem.objects.update_or_create(
            campaign=campaign, key=item["key"], defaults={"label": item["label"], "position": position}
        )
    return campaign
