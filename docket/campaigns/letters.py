"""From the database to the pure letter inputs of :mod:`docket.letters`."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from docket.campaigns.models import Campaign, Office, Recipient, RecipientItem
from docket.letters import CampaignData, ItemData, OfficeData, RecipientData, ReferenceData
from docket.letters.wording import long_date
from docket.requests import deadlines

PRINTS_DUE_DATE = re.compile(r"\bdue_date\b")  # a template that prints the reply-by date (``{{ due_date }}``)


def office_data(office: Office) -> OfficeData:
    return OfficeData(
        name=office.name,
        signatory_name=office.signatory_name,
        signatory_honours=office.signatory_honours,
        signatory_role=office.signatory_role,
        address=tuple(office.address),
        phone=office.phone,
        email=office.email,
        website=office.website,
        coordinator_name=office.coordinator_name,
        coordinator_role=office.coordinator_role,
        coordinator_email=office.coordinator_email,
        sign_with_name=office.sign_with_name,
        logo=office.logo.path if office.logo else None,
        signature=office.signature.path if office.signature else None,
    )


def campaign_data(
    campaign: Campaign, template: str | None = None, due_date: datetime.date | None = None
) -> CampaignData:
    """The campaign as letter input; ``template`` overrides the stored source (live preview).

    ``due_date`` (what a template's ``due_date`` prints) is, unless given (a letter already frozen
    printed its own), the letter's date plus the campaign's working days; an undated campaign's
    letters count from today, the day they are queued (or previewed).
    """
    if due_date is None:
        dated = campaign.letter_date or timezone.localdate()
        due_date = deadlines.add_working_days(dated, campaign.response_working_days)
    return CampaignData(
        slug=campaign.slug,
        title=campaign.title,
        office=office_data(campaign.office),
        template=campaign.template_source if template is None else template,
        letter_date=campaign.letter_date,
        due_date=due_date,
        references=tuple(
            ReferenceData(key=r.key, author=r.author, title=r.title, year=r.year, url=r.url)
            for r in campaign.references.all()
        ),
        field_names=field_names(campaign),
    )


def short_reply(campaign: Campaign, template: str | None = None, today: datetime.date | None = None) -> str:
    """A warning, in words, when the letter's date leaves a body less than half the campaign's working days
    (or none) to reply by the reply-by date the template prints; empty when it does not print one, the letter
    is undated (dated the day it is sent) or the letter is dated today or later."""
    source = campaign.template_source if template is None else template
    today = today or timezone.localdate()
    dated = campaign.letter_date
    if dated is None or dated >= today or not PRINTS_DUE_DATE.search(source):
        return ""
    due = deadlines.add_working_days(dated, campaign.response_working_days)
    left = deadlines.working_days_between(today, due) if due >= today else -1  # due is days, not years, away
    if left * 2 >= campaign.response_working_days:
        return ""
    if left < 0:
        how_long = "is already past"
    elif left == 0:
        how_long = "is today"
    else:
        how_long = f"is only {left} working day{'s' if left != 1 else ''} from today"
    return (
        f"The letter is dated {long_date(dated)}, so the reply-by date it prints, {long_date(due)}, {how_long}. "
        "Give the letter a later date, or leave its date blank to date letters the day they are sent."
    )


def field_names(campaign: Campaign) -> tuple[str, ...]:
    """Every per-recipient field name the campaign's recipients have, sorted: one query, the keys
    gathered by the database (JSON functions), not by loading every recipient's fields."""
    table = Recipient._meta.db_table
    if connection.vendor == "postgresql":
        sql = f"SELECT DISTINCT jsonb_object_keys(fields) FROM {table} WHERE campaign_id = %s"  # noqa: S608 - our table
    else:
        keys = f"json_each({table}.fields)"
        sql = f"SELECT DISTINCT j.key FROM {table}, {keys} AS j WHERE campaign_id = %s"  # noqa: S608 - our table
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign.pk])
        return tuple(sorted(str(row[0]) for row in cursor.fetchall()))


def recipient_data(recipient: Recipient) -> RecipientData:
    contact = recipient.contact
    return RecipientData(
        id=str(recipient.pk),
        full_name=contact.full_name,
        body=contact.body.name,
        role=contact.role,
        salutation=contact.salutation,
        area=contact.body.area,
        email=contact.email,
        address=tuple(contact.address),
        postcode=contact.postcode,
        fields={str(key): str(value) for key, value in recipient.fields.items()},
        items=tuple(
            ItemData(
                key=s.item.key,
                label=s.item.label,
                state=s.state,
                title=s.title,
                url=s.url,
                received=s.asked and s.settled,
            )
            for s in _item_states(recipient)
        ),
    )


def _item_states(recipient: Recipient) -> list[RecipientItem]:
    """The recipient's item states with their items: from the prefetch when there is one (one query for a
    whole campaign, see ``recipients_for_rendering``), else one query for this recipient."""
    prefetched = getattr(recipient, "_prefetched_objects_cache", {})
    if "item_states" in prefetched:
        return list(recipient.item_states.all())
    return list(recipient.item_states.select_related("item"))


def recipients_for_rendering(campaign: Campaign) -> list[Recipient]:
    return list(with_letter_data(campaign.recipients.all()).order_by("pk"))


def with_letter_data(recipients: QuerySet[Recipient]) -> QuerySet[Recipient]:
    """The recipients with all their letter needs loaded (contact, body, item states), in three queries."""
    return recipients.select_related("contact__body").prefetch_related("item_states__item")
