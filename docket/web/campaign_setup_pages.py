"""Starting a campaign in the workspace (/campaigns/new/): from scratch, or as a copy of one's own.

Without JavaScript, choosing a campaign to copy is a GET (``?from=slug``) that fills the form
in from it; the form carries the choice on, and creating copies the letter, references and
items (``docket.campaigns.copying``). Only campaigns the person can see may be copied.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from docket.campaigns.actions import create_campaign
from docket.campaigns.copying import settings_of
from docket.campaigns.models import Office
from docket.web.access import campaigns_for
from docket.web.decorators import actor_of, requires
from docket.web.forms import NewCampaignForm

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


@requires("start_campaign")
def new_campaign(request: HttpRequest) -> HttpResponse:
    sources = campaigns_for(request.user).order_by("title")
    source = None
    if slug := request.GET.get("from", ""):
        # Not a slug (a NUL, which PostgreSQL refuses in a query): no such campaign, as for any other.
        source = sources.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
        if source is None:
            raise Http404("No such campaign")
    form = NewCampaignForm(request.POST or None, sources=sources, initial=_initial(source))
    if request.method == "POST" and form.is_valid():
        values: dict[str, Any] = {name: form.cleaned_data[name] for name in form.Meta.fields}
        creator = request.user if isinstance(request.user, User) else None
        made = create_campaign(values, actor_of(request), copy_from=form.cleaned_data["copy_from"], creator=creator)
        messages.success(request, f"{made.title} is created. Next: its recipients and its letter.")
        return redirect("web:campaign", slug=made.slug)
    copied = form.cleaned_data.get("copy_from") if form.is_bound and hasattr(form, "cleaned_data") else None
    context = {"form": form, "sources": sources, "source": source or copied}
    return render(request, "web/new_campaign.html", context)


def _initial(source: Any) -> dict[str, Any]:
    if source is not None:
        return settings_of(source) | {"copy_from": source.slug}
    office = Office.objects.order_by("pk").first()
    return {"office": office.pk if office else None}
