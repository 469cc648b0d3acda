"""Which request an inbound message answers.

In this order: our per-request reply address (its code checked), then a
Message-ID of ours in In-Reply-To or References, then the sender's address,
then the sender's domain, each among the contacts of requests that have been
sent. Anything ambiguous or unknown goes to the holding pen with the reason. A
sender (or domain) known only from requests whose letter has not gone yet is not
matched (it cannot be a reply to a letter not sent), but the reason names them and
they are the message's candidates, so their team sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from docket.mail.addresses import request_id_from_address
from docket.mail.models import OutboxMessage
from docket.mail.parsing import ParsedMail
from docket.requests.models import InfoRequest
from docket.requests.states import RequestState

NOT_YET_SENT = {RequestState.DRAFT, RequestState.APPROVED, RequestState.QUEUED}
SENT_STATES = [state for state in RequestState if state not in NOT_YET_SENT]


@dataclass(frozen=True)
class Match:
    request: InfoRequest | None
    method: str = ""
    reason: str = ""  # why it went to the holding pen
    candidates: tuple[InfoRequest, ...] = ()  # the requests it may answer, when it matches several


def _looks_like_ours(address: str) -> bool:
    local, _, domain = address.partition("@")
    return domain == settings.DOCKET_REPLY_DOMAIN.lower() and local.startswith(f"{settings.DOCKET_REPLY_PREFIX}+")


def _one(requests: list[InfoRequest], method: str, what: str) -> Match | None:
    if len(requests) == 1:
        return Match(requests[0], method)
    if len(requests) > 1:
        names = ", ".join(f"#{r.pk}" for r in requests[:5])
        reason = f"{what} matches {len(requests)} requests ({names}): file it by hand"
        return Match(None, reason=reason, candidates=tuple(requests))
    return None


def match(mail: ParsedMail, addressed: Mapping[int, InfoRequest] | None = None) -> Match:
    """``addressed``: the requests of the reply addresses in the mail, when the caller has them."""
    bad_code = False
    for address in mail.recipients:
        request_id = request_id_from_address(address)
        if request_id is not None:
            if addressed is not None:
                request = addressed.get(request_id)
            else:
                request = InfoRequest.objects.filter(pk=request_id).order_by("pk").first()  # no joins for the ordering
            if request is not None:
                return Match(request, "reply address")
        bad_code = bad_code or _looks_like_ours(address)
    if mail.in_reply_to:
        ours = OutboxMessage.objects.filter(message_id__in=mail.in_reply_to).select_related("request").first()
        if ours is not None:
            return Match(ours.request, "thread")
    sent = InfoRequest.objects.filter(state__in=SENT_STATES).select_related("recipient__contact")
    if mail.from_address:
        found = _one(list(sent.filter(recipient__contact__email__iexact=mail.from_address)), "sender", "the sender")
        if found:
            return found
        domain = mail.from_address.rpartition("@")[2]
        if domain:
            by_domain = list(sent.filter(recipient__contact__email__iendswith=f"@{domain}"))
            found = _one(by_domain, "sender's domain", f"the sender's domain ({domain})")
            if found:
                return found
    if bad_code:
        return Match(None, reason="sent to a reply address of ours whose code is wrong (mistyped or forged)")
    unsent = _not_sent_yet(mail.from_address)
    if unsent:
        bodies = ", ".join(dict.fromkeys(r.recipient.contact.body.name for r in unsent[:5]))
        reason = (
            f"the sender's address or domain is that of {bodies}, but our letter to them has not gone yet "
            "(Docket matches replies only to letters that have gone): once it has, file this message by hand"
        )
        return Match(None, reason=reason, candidates=tuple(unsent))
    return Match(None, reason="no request matches: not to a reply address, not in a thread of ours, unknown sender")


def _not_sent_yet(address: str) -> list[InfoRequest]:
    """The requests not sent yet whose contact has this address, or else this address's domain."""
    domain = address.rpartition("@")[2]
    if not domain:
        return []
    unsent = InfoRequest.objects.filter(state__in=list(NOT_YET_SENT)).select_related("recipient__contact__body")
    same = list(unsent.filter(recipient__contact__email__iexact=address).order_by("pk"))
    return same or list(unsent.filter(recipient__contact__email__iendswith=f"@{domain}").order_by("pk"))
