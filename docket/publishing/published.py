"""The one place that decides what is public. Public pages and the static export read only this."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from docket.campaigns.models import Campaign
from docket.publishing.models import Publication, PublicationState
from docket.requests.models import InfoRequest


def _public() -> QuerySet[Publication]:
    """Published and past any embargo, on its own."""
    today = timezone.localdate()
    return Publication.objects.filter(state=PublicationState.PUBLISHED).filter(
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=today)
    )


def publications() -> QuerySet[Publication]:
    """Published, past any embargo, and of a request whose letter is public too: a reply or a
    document of a letter not (or not yet) public would be shown with nothing to say what it answers,
    on a page that does not exist, so nothing of such a request is public anywhere."""
    letter = _public().filter(request=OuterRef("request"), kind=Publication.Kind.LETTER)
    return _public().filter(Exists(letter))


def campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(requests__publications__in=publications()).distinct().order_by("title")


def campaign(slug: str) -> Campaign | None:
    return campaigns().filter(slug=slug).first()


def requests(of: Campaign) -> QuerySet[InfoRequest]:
    """Requests of the campaign whose letter is public."""
    letters = publications().filter(kind=Publication.Kind.LETTER)
    return (
        InfoRequest.objects.filter(campaign=of, publications__in=letters)
        .distinct()
        .select_related("recipient__contact__body")
        .prefetch_related("recipient__item_states__item")
        .order_by("recipient__contact__body__name")
    )


def of_request(request: InfoRequest) -> QuerySet[Publication]:
    return publications().filter(request=request).order_by("kind", "published_at", "pk")


def by_token(token: str) -> Publication | None:
    return publications().filter(token=token).select_related("request__campaign", "redacted_pdf").first()


def version() -> str:
    """Changes whenever anything the public pages show may have changed: a publication, any
    event on any request (states, items received), anything a person edits that the pages show
    (a body's name, the office's name, a campaign's title, an item's label or a body's name for
    it), or the day (embargoes end at midnight).

    Each is the maximum of an indexed column. The cache it keys is needed: bench/public.py on 2 cores
    served the campaign page at about 95 a second (p99 238 ms) with no cache.
    """
    from django.db.models import Max

    from docket.campaigns.models import Office, RecipientItem, RequestedItem
    from docket.directory.models import Body
    from docket.requests.models import Event

    latest = [
        model.objects.aggregate(latest=Max(column))["latest"]
        for model, column in (
            (Publication, "changed_at"),
            (Event, "pk"),
            (Body, "changed_at"),
            (Office, "changed_at"),
            (Campaign, "changed_at"),
            (RequestedItem, "changed_at"),
            (RecipientItem, "changed_at"),
        )
    ]
    return "|".join(str(value) for value in latest) + f"|{timezone.localdate().isoformat()}"
