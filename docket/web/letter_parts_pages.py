"""A campaign's references and requested items, added, edited, reordered and removed in the workspace.

Each change is a named action of ``docket.campaigns.actions`` that logs its event; a refusal (a
reference the letter still cites, an item a letter has already asked for) is a ``SetupError``,
shown on the page as an error summary.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from docket.campaigns import actions
from docket.web.access import access_campaign
from docket.web.decorators import actor_of, requires
from docket.web.setup_forms import ItemForm, ItemLabelForm, ReferenceForm
from docket.web.user_errors import errors_shown_on


@requires("edit")
@errors_shown_on("web:references", "slug")
def references(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's references, and a form to add one."""
    found = access_campaign(request.user, slug)
    form = ReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ReferenceForm.Meta.fields}
        added = actions.add_reference(found, values, actor_of(request))
        messages.success(
            request, f'The reference "{added.key}" is added. Cite it in the letter as cite("{added.key}").'
        )
        return redirect("web:references", slug=slug)
    cited = {ref.pk: actions.citing_lines(found.template_source, ref.key) for ref in found.references.all()}
    rows = [(ref, cited[ref.pk]) for ref in found.references.all()]
    return render(request, "web/references.html", {"campaign": found, "form": form, "rows": rows})


@requires("edit")
@errors_shown_on("web:reference", "slug", "pk")
def reference(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit one reference, or remove it (refused while the letter cites it)."""
    found = access_campaign(request.user, slug)
    chosen = get_object_or_404(found.references, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        actions.remove_reference(chosen, actor_of(request))
        messages.success(request, f'The reference "{chosen.key}" is removed.')
        return redirect("web:references", slug=slug)
    form = ReferenceForm(request.POST or None, instance=get_object_or_404(found.references, pk=pk))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ReferenceForm.Meta.fields}
        changed = actions.change_reference(chosen, values, actor_of(request))
        messages.success(request, f'The reference "{chosen.key}" is saved.' if changed else "Nothing was changed.")
        return redirect("web:references", slug=slug)
    lines = actions.citing_lines(found.template_source, chosen.key)
    return render(request, "web/reference.html", {"campaign": found, "reference": chosen, "form": form, "lines": lines})


@requires("edit")
@errors_shown_on("web:items", "slug")
def items(request: HttpRequest, slug: str) -> HttpResponse:
    """The requested items in the order the letters list them: add one, move one up or down."""
    found = access_campaign(request.user, slug)
    if request.method == "POST" and request.POST.get("action") in ("up", "down"):
        moved = get_object_or_404(found.items, pk=_number(request.POST.get("item", "")))
        actions.move_item(moved, -1 if request.POST["action"] == "up" else 1, actor_of(request))
        return redirect("web:items", slug=slug)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = actions.add_item(found, form.cleaned_data["key"], form.cleaned_data["label"], actor_of(request))
        messages.success(request, f"{added.label} is added, asked of every recipient.")
        return redirect("web:items", slug=slug)
    listed = list(found.items.order_by("position", "key"))
    return render(request, "web/items.html", {"campaign": found, "form": form, "items": listed})


@requires("edit")
@errors_shown_on("web:item", "slug", "pk")
def item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rename one requested item, or remove it (refused once a letter has asked for it)."""
    found = access_campaign(request.user, slug)
    chosen = get_object_or_404(found.items, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        actions.remove_item(chosen, actor_of(request))
        messages.success(request, f"{chosen.label} is removed.")
        return redirect("web:items", slug=slug)
    form = ItemLabelForm(request.POST or None, instance=get_object_or_404(found.items, pk=pk))
    if request.method == "POST" and form.is_valid():
        changed = actions.change_item(chosen, form.cleaned_data["label"], actor_of(request))
        messages.success(request, f"{chosen.label} is saved." if changed else "Nothing was changed.")
        return redirect("web:items", slug=slug)
    return render(request, "web/item.html", {"campaign": found, "item": chosen, "form": form})


def _number(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 12 else 0
