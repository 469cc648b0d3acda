"""Changing what is public: named actions, each logged on its request's timeline in the same transaction.

``publish`` makes the redacted copy that the public sees (text, and a PDF whose
redacted text is really removed); it is made again by publishing again after a
rule changes.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from docket.campaigns.actions import log
from docket.campaigns.models import Campaign
from docket.directory.models import Body
from docket.documents.models import store
from docket.errors import DocketError
from docket.evidence import public_index
from docket.publishing.html_redaction import redact_html
from docket.publishing.models import Publication, PublicationState, RedactionRule
from docket.publishing.pdf_redaction import RedactionFailed, redact_pdf
from docket.publishing.public_letter import is_tagged, letter_html, nothing_to_redact_in_objects
from docket.publishing.redaction import pattern_problem, redact
from docket.publishing.rules import bodies_of, scope_words, spans_finder, unusable
from docket.requests.actions import Actor, TransitionError, event_row, record_event
from docket.requests.events import EventKind
from docket.requests.models import Event, FrozenLetter, InfoRequest
from docket.requests.refusals import body_name
from docket.requests.transitions import Machine, Move

State = PublicationState


def letter_publication(request: InfoRequest) -> Publication:
    if request.sent_at is None or not FrozenLetter.objects.filter(request=request).exists():
        raise TransitionError(f"The letter to {body_name(request)} has not been sent, so there is nothing to publish.")
    publication, _ = Publication.objects.get_or_create(request=request, kind=Publication.Kind.LETTER)
    return publication


def reply_publication(message_id: int, request: InfoRequest) -> Publication:
    publication, _ = Publication.objects.get_or_create(
        message_id=message_id, defaults={"request": request, "kind": Publication.Kind.REPLY}
    )
    return publication


def document_publication(attachment_id: int, request: InfoRequest) -> Publication:
    publication, _ = Publication.objects.get_or_create(
        attachment_id=attachment_id, defaults={"request": request, "kind": Publication.Kind.DOCUMENT}
    )
    return publication


def _publication_event(publication: Publication, kind: str, before: str, after: str, note: str, actor: Actor) -> Event:
    """A publication's moves are logged on its request's timeline, which they do not move."""
    request = publication.request
    detail = publication.get_kind_display() + (f": {note}" if note else "")
    return event_row(request, actor, kind, request.state, request.state, detail)


# What each move would have done, after "so it cannot be", and what to do instead, by the state it is in.
_MOVE_WORDS: dict[str, str] = {
    EventKind.PUBLICATION_APPROVED: "approved for publication",
    EventKind.PUBLICATION_MADE_PRIVATE: "made private",
    EventKind.PUBLICATION_PUBLISHED: "published",
}
_INSTEAD = {
    State.PRIVATE: "Approve it for publication first.",
    State.APPROVED: "",
    State.PUBLISHED: "Make it private first if it should change.",
}


def _refusal(publication: Publication, kind: str) -> TransitionError:
    what = publication.get_kind_display().lower()
    state = publication.get_state_display().lower()
    done = _MOVE_WORDS.get(kind) or EventKind(kind).label.lower()
    instead = _INSTEAD.get(State(publication.state), "")
    return TransitionError(
        f"The {what} of the request to {body_name(publication.request)} is {state}, so it cannot be {done}."
        + (f" {instead}" if instead else "")
    )


# private → approved → published; approved or published → private. An embargo or a consent is
# logged in any state and moves nothing.
PUBLICATIONS = Machine(
    Publication,
    {
        EventKind.PUBLICATION_APPROVED: {State.PRIVATE},
        EventKind.PUBLICATION_MADE_PRIVATE: {State.APPROVED, State.PUBLISHED},
        EventKind.PUBLICATION_PUBLISHED: {State.APPROVED},
    },
    _publication_event,
    _refusal,
)


def _move(
    publication: Publication, kind: EventKind, to: str | None, actor: Actor, note: str = "", **changes: object
) -> Publication:
    with transaction.atomic():
        moved = PUBLICATIONS.move(Move(publication, kind, to, note, {"changed_at": timezone.now(), **changes}), actor)
        public_index.follow(moved)  # the public search index, in the same transaction
    return moved


def approve(publication: Publication, actor: Actor) -> Publication:
    return _move(publication, EventKind.PUBLICATION_APPROVED, State.APPROVED, actor)


def make_private(publication: Publication, actor: Actor, reason: str = "") -> Publication:
    return _move(publication, EventKind.PUBLICATION_MADE_PRIVATE, State.PRIVATE, actor, reason, published_at=None)


class EmbargoInThePast(DocketError):
    """An embargo that would end on a day already gone: it would hold nothing back."""


def set_embargo(publication: Publication, until: datetime.date | None, actor: Actor) -> Publication:
    """Not public before ``until`` (None lifts the embargo); a day already gone is refused."""
    if until is not None and until < timezone.localdate():
        raise EmbargoInThePast(
            f"The embargo must end today or on a later day: {until:%-d %B %Y} has passed. "
            "To make it public now, publish it without an embargo."
        )
    note = f"until {until}" if until else "lifted"
    return _move(publication, EventKind.PUBLICATION_EMBARGO, None, actor, note, embargo_until=until)


CONSENT_MAX = 1000  # characters: what a body said of publishing, in a sentence or a few, not a document


def consent_problem(consent: str) -> str:
    """Why ``consent`` cannot be recorded, in words; "" if it can."""
    if len(consent) > CONSENT_MAX:
        return (
            f"The body's consent must be {CONSENT_MAX:,} characters or fewer: it has {len(consent):,}. "
            "Say what the body agreed to in a sentence or two; its whole reply is kept with the request."
        )
    return ""


def record_consent(publication: Publication, consent: str, actor: Actor) -> Publication:
    if problem := consent_problem(consent):
        raise DocketError(problem)
    return _move(publication, EventKind.PUBLICATION_CONSENT, None, actor, consent, consent=consent)


def unreadable(publication: Publication) -> bool:
    """A document with no text that could be read: what redaction searches is empty, so nothing would be found."""
    attachment = publication.attachment
    return publication.kind == Publication.Kind.DOCUMENT and attachment is not None and not attachment.text.strip()


def confirm_checked_by_eye(publication: Publication, actor: Actor, note: str = "") -> Publication:
    """A person says they read a document with no readable text by eye and it holds nothing to redact.

    Until then it cannot be published: the rules search text, and it has none.
    """
    if not unreadable(publication):
        raise TransitionError(f"{publication} has readable text: redaction reads it, there is nothing to confirm")
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(
            checked_by_eye=actor.name[:200], checked_by_eye_at=timezone.now(), changed_at=timezone.now()
        )
        what = publication.attachment.filename if publication.attachment else "document"
        record_event(publication.request, EventKind.PUBLICATION_CHECKED_BY_EYE, actor, f"{what}: {note}".strip(": "))
    publication.refresh_from_db()
    return publication


def refuse_unchecked(publication: Publication) -> None:
    """A document with no readable text, not yet checked by eye, is not published (nor approved on the way)."""
    if unreadable(publication) and publication.checked_by_eye_at is None:
        raise TransitionError(
            f"{publication.attachment.filename if publication.attachment else 'The document'} has no text Docket "
            "could read, so redaction cannot check it: open it, read it by eye, and tick that you have checked it "
            "before publishing."
        )


def _content(publication: Publication) -> tuple[str, str, bytes | None]:
    """(title, text, pdf) of what is to be published, before redaction."""
    request = publication.request
    if publication.kind == Publication.Kind.LETTER:
        letter = FrozenLetter.objects.get(request=request)
        return f"Letter to {request.recipient.contact.body.name}", letter.text, bytes(letter.pdf)
    if publication.kind == Publication.Kind.REPLY:
        assert publication.message is not None
        message = publication.message
        return f"Reply from {request.recipient.contact.body.name}", message.reply_text or message.body_text, None
    assert publication.attachment is not None
    attachment = publication.attachment
    data = attachment.blob.read()
    pdf = data if attachment.content_type == "application/pdf" else None
    return attachment.filename or "Document", attachment.text, pdf


def publish(publication: Publication, actor: Actor) -> Publication:
    """Make the redacted copy and make it public (from "approved" only).

    If a PDF cannot be redacted for certain, nothing is published: the item is made private
    again (it needs a person's decision) and ``RedactionFailed`` says why.
    """
    if publication.state != State.APPROVED:
        raise _refusal(publication, EventKind.PUBLICATION_PUBLISHED)
    refuse_unchecked(publication)
    request = publication.request
    title, text, pdf = _content(publication)
    spans_of = spans_finder(request)
    title_spans, spans = spans_of(title), spans_of(text)
    redacted_title, redacted_text = redact(title, title_spans), redact(text, spans)
    redacted_pdf = None
    pdf_redactions = 0
    tagged = False
    html = ""

    def finder(page_text: str) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in spans_of(page_text)]

    try:
        if publication.kind == Publication.Kind.LETTER:
            html, _ = redact_html(letter_html(request, text), spans_of)
        if pdf is not None:
            cleaned, pdf_redactions = redact_pdf(pdf, finder)
            if publication.kind == Publication.Kind.LETTER and pdf_redactions != len(spans):
                # The letter's PDF, text and HTML are one letter: one decision of what is redacted in it.
                raise RedactionFailed(
                    f"The letter's PDF would have {pdf_redactions} redactions and its text {len(spans)}, "
                    "so it was not published: they must be redacted the same way."
                )
            # The letter we sent, with nothing to redact, is published as sent: tagged, as the body received it.
            as_sent = publication.kind == Publication.Kind.LETTER and pdf_redactions == 0
            if as_sent and nothing_to_redact_in_objects(pdf, finder):
                cleaned = pdf
            tagged = is_tagged(cleaned)
            redacted_pdf = store(cleaned)
    except RedactionFailed as error:
        # Fail closed, and visibly: the item goes back to private with the reason on its timeline.
        make_private(publication, actor, f"it could not be redacted: {error}")
        raise
    return _move(
        publication,
        EventKind.PUBLICATION_PUBLISHED,
        State.PUBLISHED,
        actor,
        title=redacted_title,
        redacted_text=redacted_text,
        redacted_pdf=redacted_pdf,
        redacted_html=html,
        pdf_tagged=tagged,
        # The same redaction in the text and the PDF is one redaction; the PDF's OCR may find more.
        redactions=len(title_spans) + max(len(spans), pdf_redactions),
        published_at=timezone.now(),
    )


# The office's own redaction rules, changed from a campaign's "Redaction rules" page. A rule for
# everywhere, or for a body, belongs to the office, not to one campaign: it is logged on the campaign
# whose page made the change. Rules read by ``rules.rules_for`` at preview and at publishing, so a
# change shows in the previews at once and in what is public only when an item is published again.


class RuleError(DocketError):
    """A redaction rule that cannot be saved as given; ``field``: the part of the form to correct."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


Scope = RedactionRule.Scope
_LIMITS: dict[str, int] = {
    name: getattr(RedactionRule._meta.get_field(name), "max_length", 0) for name in ("pattern", "replacement", "reason")
}
_NAMES = {"pattern": "The text to redact", "replacement": "The replacement", "reason": "The reason"}


def _within_limit(name: str, value: str) -> None:
    if len(value) > _LIMITS[name]:
        raise RuleError(f"{_NAMES[name]} must be {_LIMITS[name]} characters or fewer: it has {len(value)}.", name)


def _described(rule: RedactionRule) -> str:
    what = f"the regular expression {rule.pattern}" if rule.is_regex else f"“{rule.pattern}”"
    return f"{what} → {rule.replacement}, for {scope_words(rule)} ({rule.reason})"


def add_rule(
    campaign: Campaign,
    actor: Actor,
    *,
    pattern: str,
    reason: str,
    is_regex: bool = False,
    replacement: str = "",
    scope: str = Scope.CAMPAIGN,
    body: Body | None = None,
    request: InfoRequest | None = None,
) -> RedactionRule:
    """A new rule, made from ``campaign``'s page: for everywhere, the campaign, one of its bodies or requests.

    Refused, in words for the form: no text, a regular expression that cannot be read, could run for
    hours or can match an empty text, no reason, text over the lengths stored, a body or request
    that is not the campaign's.
    """
    pattern, reason = pattern.strip(), reason.strip()
    replacement = replacement.strip() or "[redacted]"
    problem = pattern_problem(pattern, is_regex)
    if problem:
        raise RuleError(problem, "pattern")
    _within_limit("pattern", pattern)
    _within_limit("replacement", replacement)
    if not reason:
        raise RuleError("Enter the reason for the redaction: it is shown with each redaction it makes.", "reason")
    _within_limit("reason", reason)
    rule = RedactionRule(pattern=pattern, is_regex=is_regex, replacement=replacement, reason=reason, scope=scope)
    if scope == Scope.CAMPAIGN:
        rule.campaign = campaign
    elif scope == Scope.BODY:
        if body is None or not bodies_of(campaign).filter(pk=body.pk).exists():
            raise RuleError("Choose one of the bodies this campaign writes to.", "body")
        rule.body = body
    elif scope == Scope.REQUEST:
        if request is None or request.campaign_id != campaign.pk:
            raise RuleError("Choose one of this campaign's requests.", "request")
        rule.request = request
    elif scope != Scope.EVERYWHERE:
        raise RuleError("Choose where the rule applies.", "scope")
    with transaction.atomic():
        rule.save(force_insert=True)
        log(campaign, actor, EventKind.REDACTION_RULE_ADDED, _described(rule), rule.request)
    return rule


def set_rule_active(rule: RedactionRule, active: bool, campaign: Campaign, actor: Actor) -> RedactionRule:
    """Switch a rule off (it stays listed, and redacts nothing) or on again; logged on ``campaign``."""
    if rule.active == active:
        return rule
    if active and (problem := unusable(rule)):
        raise RuleError(problem)
    kind = EventKind.REDACTION_RULE_SWITCHED_ON if active else EventKind.REDACTION_RULE_SWITCHED_OFF
    with transaction.atomic():
        RedactionRule.objects.filter(pk=rule.pk).update(active=active)
        rule.active = active
        log(campaign, actor, kind, _described(rule), rule.request)
    return rule


def remove_rule(rule: RedactionRule, campaign: Campaign, actor: Actor) -> None:
    """Remove a rule for good; what it was stays in ``campaign``'s activity log."""
    with transaction.atomic():
        log(campaign, actor, EventKind.REDACTION_RULE_REMOVED, _described(rule), rule.request)
        rule.delete()
