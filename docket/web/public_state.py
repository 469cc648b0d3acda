"""What of a campaign is public, as the workspace shows it: a link to the campaign's public page, and
on the ledger which bodies' letters and replies and which documents are public.

What is public is decided in one place only, :mod:`docket.publishing.published`: a publication
"published" is public once any embargo has run and its request's letter is public too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from docket.campaigns.models import Campaign
from docket.letters.wording import long_date
from docket.publishing import published
from docket.publishing.models import Publication, PublicationState
from docket.publishing.site import body_slug
from docket.requests.models import InfoRequest


def campaign_url(campaign: Campaign) -> str:
    """The campaign's public page; "" while nothing of it is public (the page does not exist then)."""
    if published.campaign(campaign.slug) is None:
        return ""
    return reverse("public:campaign", args=[campaign.slug])


@dataclass(frozen=True)
class BodyPublic:
    """A body's request on the public pages: its page, and how many of its replies and documents are public."""

    url: str
    replies: int
    documents: int


def of_requests(requests: Iterable[InfoRequest]) -> dict[int, BodyPublic]:
    """Each request whose letter is public (by request id): the body's public page and what it shows."""
    by_pk = {request.pk: request for request in requests}
    public = published.publications().filter(request__in=list(by_pk)).values_list("request", "kind")
    counts: dict[int, dict[str, int]] = {}
    for request_id, kind in public:
        counts.setdefault(request_id, {}).setdefault(kind, 0)
        counts[request_id][kind] += 1
    return {
        pk: BodyPublic(
            reverse("public:body", args=[by_pk[pk].campaign.slug, body_slug(by_pk[pk])]),
            kinds.get(Publication.Kind.REPLY, 0),
            kinds.get(Publication.Kind.DOCUMENT, 0),
        )
        for pk, kinds in counts.items()
        if kinds.get(Publication.Kind.LETTER)
    }


def of_documents(attachment_ids: Iterable[int]) -> dict[int, str]:
    """What the public sees of each attachment published as a document (by attachment id), in words:
    "Public", or why a document published is not public yet. An attachment not published is not listed."""
    ids = [pk for pk in attachment_ids if pk]
    chosen = Publication.objects.filter(
        attachment__in=ids, kind=Publication.Kind.DOCUMENT, state=PublicationState.PUBLISHED
    )
    public = set(published.publications().filter(pk__in=chosen).values_list("pk", flat=True))
    said: dict[int, str] = {}
    for publication in chosen.only("pk", "attachment_id", "state", "embargo_until"):
        attachment = publication.attachment_id
        assert attachment is not None  # chosen by its attachment
        if publication.pk in public:
            said[attachment] = "Public"
        elif publication.embargoed:
            assert publication.embargo_until is not None
            said[attachment] = f"Published, not public until {long_date(publication.embargo_until)}"
        else:
            said[attachment] = "Published, not public until its letter is"
    return said
