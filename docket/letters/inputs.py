"""What a letter is made from: plain data, so rendering needs no database."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OfficeData:
    name: str
    signatory_name: str
    signatory_role: str
    address: tuple[str, ...]
    signatory_honours: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    coordinator_name: str = ""
    coordinator_role: str = ""
    coordinator_email: str = ""
    sign_with_name: bool = True
    logo: str | None = None
    signature: str | None = None


@dataclass(frozen=True)
class ReferenceData:
    key: str
    author: str
    title: str
    year: str = ""
    url: str = ""


@dataclass(frozen=True)
class ItemData:
    """One requested item as it stands for one recipient."""

    key: str
    label: str
    state: str = "ask"  # ask | published | n/a
    title: str = ""
    url: str = ""
    received: bool = False

    @property
    def name(self) -> str:
        """What the letter calls it: this body's own title, else the campaign's label."""
        return self.title or self.label


@dataclass(frozen=True)
class RecipientData:
    id: str
    full_name: str
    body: str
    role: str = ""
    salutation: str = ""
    area: str = ""
    email: str = ""
    address: tuple[str, ...] = ()
    postcode: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    items: tuple[ItemData, ...] = ()


@dataclass(frozen=True)
class CampaignData:
    slug: str
    title: str
    office: OfficeData
    template: str
    letter_date: datetime.date | None = None
    references: tuple[ReferenceData, ...] = ()
    # Every per-recipient field name the campaign's recipients have, for error messages
    # ("This campaign's fields are: …"); empty when the caller does not know them.
    field_names: tuple[str, ...] = ()
    # The reply-by date a letter can print (``due_date``): its date plus the campaign's working days,
    # worked out by the caller (the deadlines are Docket's, not this package's); None: none to print.
    # Not in the repr: ``{{ campaign }}`` (which prints the repr) would print it unknown to ``uses_due_date``.
    due_date: datetime.date | None = field(default=None, repr=False)
