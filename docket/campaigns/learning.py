"""Saving a campaign learned from letters (:func:`docket.letters.learning.learn`).

A thin caller: the learning is pure; this creates the office, the campaign, its
references, the bodies and contacts (matched by name when they exist) and the
recipients with their field values, in one transaction.
"""

from __future__ import annotations

from django.db import transaction

from docket.campaigns.models import Campaign, Office, Recipient, Reference
from docket.directory.models import Body, Contact
from docket.letters.learning import LearnedCampaign


class CampaignExists(ValueError):
    pass


def save_learned(learned: LearnedCampaign, slug: str, title: str) -> Campaign:
    if Campaign.objects.filter(slug=slug).exists():
        raise CampaignExists(f"a campaign {slug!r} already exists; choose another --slug")
    data = learned.office
    with transaction.atomic():
        office, _ = Office.objects.get_or_create(
            name=data.name,
            defaults={
                "signatory_name": data.signatory_name,
                "signatory_honours": data.signatory_honours,
                "signatory_role": data.signatory_role,
                "address_lines": "\n".join(data.address),
                "phone": data.phone,
                "email": data.email if "@" in data.email else "",
                "sign_with_name": data.sign_with_name,
            },
        )
        campaign = Campaign.objects.create(
            slug=slug, title=title, office=office, letter_date=learned.letter_date, template_source=learned.template
        )
        Reference.objects.bulk_create(
            Reference(campaign=campaign, key=r.key, author=r.author, year=r.year, title=r.title, url=r.url)
            for r in learned.references
        )
        for person in learned.recipients:
            body, _ = Body.objects.get_or_create(
                name=person.body[:200], defaults={"kind": learned.body_kind, "area": person.area}
            )
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
            Recipient.objects.create(campaign=campaign, contact=contact, fields=dict(person.fields))
    return campaign
