"""A campaign's "Redaction rules" page: the office's rules that apply to it, added, switched and removed here.

Everyone who sees the campaign reads the list; a person who may publish changes it, through the named
actions of ``docket.publishing.actions`` (each logged on this campaign's activity). A rule shows at
once in the request pages' publication previews; what is already published keeps its redactions
until it is published again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from docket.campaigns.models import Campaign
from docket.directory.models import Body
from docket.publishing import actions
from docket.publishing.models import RedactionRule
from docket.publishing.redaction import search_problem
from docket.publishing.rules import bodies_of, rules_of, scope_words
from docket.requests.models import InfoRequest
from docket.requests.refusals import body_name
from docket.web.access import access_campaign, can
from docket.web.decorators import actor_of, requires
from docket.web.form_ids import form_id
from docket.web.form_messages import GovukMessages
from docket.web.user_errors import errors_shown_on

Scope = RedactionRule.Scope
SCOPES = [
    (Scope.EVERYWHERE, "Everywhere", "Every campaign of the office, now and later"),
    (Scope.CAMPAIGN, "This campaign", "Every letter, reply and document of this campaign"),
    (Scope.BODY, "One body", "Everything to or from the body, in every campaign"),
    (Scope.REQUEST, "One request", "The letter, replies and documents of one request of this campaign"),
]


class RuleForm(GovukMessages, forms.Form):
    """What a person types; the action checks it (its refusals are put back on these fields)."""

    pattern = forms.CharField(
        label="Text to redact",
        required=False,
        help_text=(
            "A name, a word or a number, found as a whole word (“Ted” does not redact “interested”). Capitals, "
            "accents, the kind of apostrophe and the spacing between letters do not matter."
        ),
    )
    kind = forms.ChoiceField(
        label="What the text is",
        choices=[("text", "Text, as typed"), ("regex", "A regular expression (a pattern, such as REF-\\d{6})")],
        initial="text",
    )
    replacement = forms.CharField(
        label="Replace it with", required=False, initial="[redacted]", help_text="What the public sees in its place"
    )
    reason = forms.CharField(
        label="Reason", required=False, help_text="Shown with each redaction it makes, for example “a private person”"
    )
    scope = forms.ChoiceField(label="Where it applies", choices=[(value, label) for value, label, _ in SCOPES])
    body = forms.ChoiceField(label="The body", required=False, help_text="For a rule for one body")
    request = forms.ChoiceField(label="The request", required=False, help_text="For a rule for one request")

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        body, request = self.fields["body"], self.fields["request"]
        assert isinstance(body, forms.ChoiceField)
        assert isinstance(request, forms.ChoiceField)
        body.choices = [("", "Choose a body"), *((b.pk, b.name) for b in bodies_of(campaign))]
        requests = InfoRequest.objects.filter(campaign=campaign).select_related("recipient__contact__body")
        named = sorted(((r.pk, f"To {body_name(r)} (request {r.pk})") for r in requests), key=lambda c: c[1])
        request.choices = [("", "Choose a request"), *named]

    def chosen_body(self) -> Body | None:
        pk = form_id(self.cleaned_data.get("body") or None, "body")
        return bodies_of(self.campaign).filter(pk=pk).first() if pk else None

    def chosen_request(self) -> InfoRequest | None:
        pk = form_id(self.cleaned_data.get("request") or None, "request")
        return InfoRequest.objects.filter(pk=pk, campaign=self.campaign).first() if pk else None


def _page(request: HttpRequest, campaign: Campaign, form: RuleForm) -> HttpResponse:
    rules = [
        {"rule": rule, "where": scope_words(rule), "problem": search_problem(rule.pattern, rule.is_regex)}
        for rule in rules_of(campaign)
    ]
    context = {
        "campaign": campaign,
        "rules": rules,
        "form": form,
        "scopes": SCOPES,
        "may_change": can(request.user, "publish"),
    }
    return render(request, "web/redaction_rules.html", context)


@requires("view")
def redaction_rules(request: HttpRequest, slug: str) -> HttpResponse:
    """The rules that apply to the campaign; the form to add one (opened for a request from its page)."""
    campaign = access_campaign(request.user, slug)
    initial: dict[str, Any] = {"scope": Scope.CAMPAIGN}
    wanted = request.GET.get("request", "")
    if wanted.isdigit() and len(wanted) < 12 and InfoRequest.objects.filter(pk=wanted, campaign=campaign).exists():
        initial = {"scope": Scope.REQUEST, "request": wanted}
    return _page(request, campaign, RuleForm(campaign, initial=initial))


@require_POST
@requires("publish")
@errors_shown_on("web:redaction_rules", "slug")
def redaction_rule_add(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    form = RuleForm(campaign, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rule = actions.add_rule(
                campaign,
                actor_of(request),
                pattern=data["pattern"],
                is_regex=data["kind"] == "regex",
                replacement=data["replacement"],
                reason=data["reason"],
                scope=data["scope"],
                body=form.chosen_body(),
                request=form.chosen_request(),
            )
        except actions.RuleError as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, f"The rule is added. It applies to {scope_words(rule)}.")
            return redirect("web:redaction_rules", slug=campaign.slug)
    return _page(request, campaign, form)


@require_POST
@requires("publish")
@errors_shown_on("web:redaction_rules", "slug")
def redaction_rule_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Switch a rule off or on, or remove it (the page's buttons: anything else is refused)."""
    campaign = access_campaign(request.user, slug)
    rule = get_object_or_404(rules_of(campaign), pk=pk)
    what = request.POST.get("action", "")
    if what in ("off", "on"):
        actions.set_rule_active(rule, what == "on", campaign, actor_of(request))
        messages.success(request, f"The rule for “{rule.pattern}” is switched {what}.")
    elif what == "remove":
        actions.remove_rule(rule, campaign, actor_of(request))
        messages.success(request, f"The rule for “{rule.pattern}” is removed.")
    else:
        return HttpResponse("Choose “Switch off”, “Switch on” or “Remove”.", status=400)
    return redirect("web:redaction_rules", slug=campaign.slug)
