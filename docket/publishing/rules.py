"""The redaction rules that apply to one request: the built-in ones, and the office's within their scope."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from docket.campaigns.models import Campaign, Office
from docket.directory.models import Body
from docket.errors import DocketError
from docket.publishing.models import RedactionRule
from docket.publishing.redaction import AllowList, Rule, Span, allow_list, find, redact, search_problem
from docket.requests.models import InfoRequest
from docket.requests.refusals import body_name

Scope = RedactionRule.Scope


def rules_for(request: InfoRequest) -> list[Rule]:
    scoped = RedactionRule.objects.filter(active=True).filter(
        Q(scope=RedactionRule.Scope.EVERYWHERE)
        | Q(scope=RedactionRule.Scope.CAMPAIGN, campaign_id=request.campaign_id)
        | Q(scope=RedactionRule.Scope.BODY, body_id=request.recipient.contact.body_id)
        | Q(scope=RedactionRule.Scope.REQUEST, request_id=request.pk)
    )
    rules = list(scoped.order_by("pk"))
    for rule in rules:
        if problem := unusable(rule):
            raise RuleCannotBeUsed(problem)
    return [Rule(r.pattern, r.reason, r.is_regex, r.replacement) for r in rules]


class RuleCannotBeUsed(DocketError):
    """A rule that is on and that Docket's matcher refuses: nothing is previewed or published without it."""


def unusable(rule: RedactionRule) -> str:
    """Why a stored rule cannot be searched with, in words; "" if it can. A rule saved before redaction rules
    were searched by RE2 (a lookahead, say) is refused by it now, and must not be left out silently."""
    problem = search_problem(rule.pattern, rule.is_regex)
    if not problem:
        return ""
    return (
        f"The redaction rule for “{rule.pattern}” ({rule.reason}) cannot be used: {problem} Nothing is previewed "
        "or published until it is removed (or switched off) on the campaign's Redaction rules page, and added "
        "again written more simply."
    )


def allowed_for(request: InfoRequest) -> AllowList:
    """What is published on purpose: the office's own addresses and phone number, and the public
    switchboards and mailboxes of the bodies in the directory (a reply's signature gives its body's
    switchboard; that is no one's personal number). People's own addresses and numbers stay redacted."""
    office: Office = request.campaign.office
    bodies = list(Body.objects.exclude(phone="", email="").values_list("phone", "email"))
    return allow_list(
        [office.email, office.coordinator_email, *(email for _, email in bodies)],
        [office.phone, *(phone for phone, _ in bodies)],
    )


def spans_in(text: str, request: InfoRequest) -> list[Span]:
    return find(text, rules_for(request), allowed_for(request))


def spans_finder(request: InfoRequest) -> Callable[[str], list[Span]]:
    """``spans_in`` for one request, its rules and allow list read once: publishing one item searches
    hundreds of texts (each page read three ways, the result again, every string of the PDF), and each
    would otherwise read the rules and the directory's switchboards from the database again. One
    reading also redacts the title, the text and the PDF by the same rules."""
    rules, allowed = rules_for(request), allowed_for(request)
    return lambda text: find(text, rules, allowed)


def redact_for(text: str, request: InfoRequest) -> tuple[str, list[Span]]:
    spans = spans_in(text, request)
    return redact(text, spans), spans


def bodies_of(campaign: Campaign) -> QuerySet[Body]:
    """The bodies a campaign writes to: those a rule of its page may be scoped to."""
    return Body.objects.filter(contacts__recipients__campaign=campaign).distinct().order_by("name")


def rules_of(campaign: Campaign) -> QuerySet[RedactionRule]:
    """Every rule that applies to something of the campaign: everywhere, the campaign, its bodies, its requests."""
    return (
        RedactionRule.objects.filter(
            Q(scope=Scope.EVERYWHERE)
            | Q(scope=Scope.CAMPAIGN, campaign=campaign)
            | Q(scope=Scope.BODY, body__in=bodies_of(campaign))
            | Q(scope=Scope.REQUEST, request__campaign=campaign)
        )
        .select_related("body", "request__recipient__contact__body", "campaign")
        .order_by("pk")
    )


def scope_words(rule: RedactionRule) -> str:
    """Where a rule applies, in words: "every campaign of the office", "the request to Northshire PCC"…"""
    if rule.scope == Scope.CAMPAIGN and rule.campaign is not None:
        return f"the campaign {rule.campaign.title}"
    if rule.scope == Scope.BODY and rule.body is not None:
        return f"everything to or from {rule.body.name}, in every campaign"
    if rule.scope == Scope.REQUEST and rule.request is not None:
        return f"the request to {body_name(rule.request)}"
    return "every campaign of the office"
