"""Saving a campaign learned from letters, and adding one more letter to a campaign.

Thin callers: learning (:func:`docket.letters.learning.learn`) and extraction
(:func:`docket.letters.extracting.extract`) are pure; this creates the office,
the campaign, its references and items, the bodies and contacts (matched by name
when they exist) and the recipients with their field values and item states, in
one transaction. A letter added is rendered from what was saved and compared
with the letter word for word before the transaction ends.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction

from docket.campaigns import actions
from docket.campaigns.letters import campaign_data, recipient_data
from docket.campaigns.models import Campaign, Office, Recipient, Reference, RequestedItem
from docket.directory.models import Body, Contact
from docket.errors import DocketError
from docket.letters.compose import build_letter
from docket.letters.extracting import ExtractionError, RecipientValues, differences, extract
from docket.letters.inputs import CampaignData, ItemData
from docket.letters.learning import LearnedCampaign, compare, letterhead_words, recipient_problems
from docket.letters.reading import ReadingError, parse_letter
from docket.letters.text import to_text
from docket.requests.actions import SYSTEM, Actor
from docket.requests.events import EventKind


class CampaignExists(ValueError):
    pass


class LetterNotReproduced(DocketError):
    """The letter cannot be written by the campaign's template; nothing was saved."""

    def __init__(self, name: str, found: tuple[tuple[str, str], ...]) -> None:
        self.differences = found
        words = "; ".join(f"“{a}” became “{b}”" for a, b in found[:20])
        super().__init__(f"{name}: the campaign's template does not write this letter word for word: {words}")


class RecipientsNotRead(DocketError):
    """Letters whose recipient could not be read, or two letters to one person; nothing was saved."""


@dataclass(frozen=True)
class AddedLetter:
    recipient: Recipient
    values: RecipientValues
    differences: tuple[tuple[str, str], ...]  # left when the caller accepted them


def save_learned(
    learned: LearnedCampaign, slug: str, title: str, *, actor: Actor = SYSTEM, creator: object = None
) -> Campaign:
    """The campaign learned from letters (one recipient a letter), logged as created and each recipient as added."""
    if Campaign.objects.filter(slug=slug).exists():
        raise CampaignExists(f"a campaign {slug!r} already exists; choose another --slug")
    if problems := recipient_problems(learned):  # each letter one recipient, each a different person
        raise RecipientsNotRead(" ".join(problems))
    with transaction.atomic():  # all of it or nothing
        office = _office(learned)
        values = {"slug": slug, "title": title, "office": office, "letter_date": learned.letter_date}
        campaign = actions.create_campaign(
            values | {"template_source": learned.template},
            actor,
            learned_from=len(learned.recipients),
            creator=creator,
        )
        Reference.objects.bulk_create(
            Reference(campaign=campaign, key=r.key, author=r.author, year=r.year, title=r.title, url=r.url)
            for r in learned.references
        )
        items = {
            item.key: RequestedItem.objects.create(campaign=campaign, key=item.key, label=item.label, position=n)
            for n, item in enumerate(learned.items)
        }
        for person in learned.recipients:
            contact = _contact(person.body, learned.body_kind, person.area, person)
            recipient = Recipient.objects.create(campaign=campaign, contact=contact, fields=dict(person.fields))
            _item_states(recipient, items, person.items)
            note = f"{contact.full_name}, {contact.body.name} (learned from their letter)"
            actions.log(campaign, actor, EventKind.RECIPIENT_ADDED, note)
    return campaign


def office_for(learned: LearnedCampaign) -> Office | None:
    """The office the campaign will write from: the one of the letters' name, else the workspace's only office
    (what /office/ edits), whose letterhead and signature the letters then carry; None: a new one is made."""
    found = Office.objects.filter(name=learned.office.name).first()
    if found is None:
        offices = list(Office.objects.order_by("pk")[:2])
        found = offices[0] if len(offices) == 1 else None
    return found


def _office(learned: LearnedCampaign) -> Office:
    """The office the campaign writes from (``office_for``), or a new one made from the letters' letterhead."""
    data = learned.office
    return office_for(learned) or Office.objects.create(
        name=data.name,
        signatory_name=data.signatory_name,
        signatory_honours=data.signatory_honours,
        signatory_role=data.signatory_role,
        address_lines="\n".join(data.address),
        phone=data.phone,
        email=data.email if "@" in data.email else "",
        sign_with_name=data.sign_with_name,
    )


class _Person(Protocol):  # what a contact is made from: a RecipientData or RecipientValues
    @property
    def full_name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def salutation(self) -> str: ...
    @property
    def address(self) -> tuple[str, ...]: ...
    @property
    def postcode(self) -> str: ...


def _contact(body_name: str, kind: str, area: str, person: _Person) -> Contact:
    body, _ = Body.objects.get_or_create(name=body_name[:200], defaults={"kind": kind, "area": area})
    contact, _ = Contact.objects.get_or_create(
        body=body,
        full_name=person.full_name,
        email="",
        defaults={
            "role": person.role,
            "salutation": person.salutation,
            "address_lines": "\n".join(person.address),
            "postcode": person.postcode,
        },
    )
    return contact


def _item_states(recipient: Recipient, items: dict[str, RequestedItem], states: tuple[ItemData, ...]) -> None:
    actions.add_item_states(
        recipient, ((items[state.key], state.state, state.title) for state in states if state.key in items)
    )


def add_letter(
    campaign: Campaign, name: str, text: str, *, accept_differences: bool = False, actor: Actor = SYSTEM
) -> AddedLetter:
    """Read ``text`` (a letter) against the campaign's template and add its recipient.

    The recipient is saved, rendered from what was saved, and compared with the letter; if a
    word differs, nothing is kept (:class:`LetterNotReproduced`) unless ``accept_differences``.
    """
    data = campaign_data(campaign)
    items = {item.key: item for item in campaign.items.all()}
    kinds = Counter(campaign.recipients.values_list("contact__body__kind", flat=True))
    kind = kinds.most_common(1)[0][0] if kinds else ""
    try:
        values = extract(data, parse_letter(name, text), [ItemData(i.key, i.label) for i in items.values()], kind)
    except (ReadingError, ExtractionError) as error:
        raise DocketError(f"{name}: {error}") from None
    if not values.matched and not accept_differences:
        raise LetterNotReproduced(name, differences(data, values, text))
    with transaction.atomic():
        recipient_values = values.recipient(kind=kind)
        contact = _contact(recipient_values.body, kind, values.area, values)
        if campaign.recipients.filter(contact=contact).exists():
            raise DocketError(f"{name}: {contact.full_name} ({contact.body.name}) is already a recipient")
        recipient = Recipient.objects.create(campaign=campaign, contact=contact, fields=dict(values.fields))
        _item_states(recipient, items, values.items)
        rendered = _rendered(data, recipient)
        found = compare(text, rendered, letterhead_words(data.office))
        if found and not accept_differences:
            raise LetterNotReproduced(name, found)  # leaving the block undoes what was saved
        note = f"{contact.full_name}, {contact.body.name} (read from the letter {name})"
        actions.log(campaign, actor, EventKind.RECIPIENT_ADDED, note)
    return AddedLetter(recipient, values, found)


def _rendered(data: CampaignData, recipient: Recipient) -> str:
    return to_text(build_letter(data, recipient_data(recipient), blanks_print=True)).decode()
