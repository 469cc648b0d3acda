"""A campaign's recipients set up in the workspace: added from the directory, removed, their fields edited in
a grid, imported from a file (checked, then confirmed); and the campaign's activity log.

Adding from the directory searches bodies by name, kind or tag and adds every body found in one step,
with the contact chosen per body where it has several. The import is the directory's: the file is kept
aside (under the data folder, named by a random token held in the session), every problem of every row
is shown, and only "Import N rows" stores it, through ``docket.campaigns.importing`` as ``docket
import-recipients`` does, checking the file again.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from docket import words
from docket.campaigns import actions
from docket.campaigns.importing import blank_field_warnings, check_recipients, save_recipients
from docket.campaigns.models import Campaign
from docket.directory.models import Body, Contact
from docket.importing import ImportFailed
from docket.requests.events import SETUP_KINDS
from docket.spreadsheets import SpreadsheetError
from docket.web.access import access_campaign
from docket.web.decorators import actor_of, requires
from docket.web.import_checks import failed_check_seen, nothing_importable, problems_summary
from docket.web.paging import a_page
from docket.web.setup_forms import NewFieldForm, RecipientSearchForm, RecipientsFileForm, RenameFieldForm
from docket.web.user_errors import errors_shown_on

PAGE_SIZE = 50
MOST_BODIES = 500  # found at once by a search: "every body tagged VRU area" in one step, within reason
SESSION_KEY = "recipients_import"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")
KEPT_SECONDS = 24 * 3600


# Adding from the directory, removing.


@requires("edit")
@errors_shown_on("web:add_recipients", "slug")
def add_recipients(request: HttpRequest, slug: str) -> HttpResponse:
    """Find bodies (name, kind, tag), then add the ticked ones, each with the contact chosen for it."""
    found = access_campaign(request.user, slug)
    if request.method == "POST":
        return _add_chosen(request, found)
    kinds = list(Body.objects.exclude(kind="").order_by("kind").values_list("kind", flat=True).distinct())
    form = RecipientSearchForm(request.GET or None, kinds=kinds)
    bodies: list[Body] = []
    searched = form.is_bound and form.is_valid()  # and something chosen: else the form says what to choose
    if searched:
        bodies = list(_bodies(found, form.cleaned_data)[: MOST_BODIES + 1])
    context = {
        "campaign": found,
        "form": form,
        "searched": searched,
        "bodies": bodies[:MOST_BODIES],
        "too_many": len(bodies) > MOST_BODIES,
        "most": MOST_BODIES,
    }
    return render(request, "web/add_recipients.html", context)


def _bodies(campaign: Campaign, data: dict[str, Any]) -> QuerySet[Body]:
    """Bodies matching the search that have a contact not yet a recipient (retired ones left out)."""
    present = campaign.recipients.values("contact_id")
    free = Contact.objects.filter(retired=False).exclude(pk__in=present).order_by("full_name")
    bodies = Body.objects.filter(retired=False, contacts__in=free).distinct()
    if data.get("q"):
        bodies = bodies.filter(name__icontains=str(data["q"]).replace("\x00", ""))
    if data.get("kind"):
        bodies = bodies.filter(kind=data["kind"])
    if data.get("tag"):
        bodies = bodies.filter(tags=data["tag"])
    return bodies.order_by("name").prefetch_related(Prefetch("contacts", queryset=free, to_attr="free_contacts"))


def _add_chosen(request: HttpRequest, found: Campaign) -> HttpResponse:
    ticked = [int(pk) for pk in request.POST.getlist("body") if pk.isdigit() and len(pk) < 12][:MOST_BODIES]
    if not ticked:
        messages.error(request, "Tick at least one body to add.")
        return redirect(request.get_full_path())
    present = found.recipients.values("contact_id")
    contacts = Contact.objects.filter(body_id__in=ticked, retired=False, body__retired=False).exclude(pk__in=present)
    by_body: dict[int, list[Contact]] = {}
    for contact in contacts.select_related("body").order_by("full_name"):
        by_body.setdefault(contact.body_id, []).append(contact)
    chosen = []
    for body_id, offered in by_body.items():
        wanted = request.POST.get(f"contact-{body_id}", "")
        chosen.append(next((c for c in offered if str(c.pk) == wanted), offered[0]))
    added = actions.add_recipients(found, chosen, actor_of(request))
    messages.success(request, f"{len(added)} recipient{'s' if len(added) != 1 else ''} added.")
    return redirect("web:campaign", slug=found.slug)


@require_POST
@requires("edit")
@errors_shown_on("web:recipient", "slug", "pk")
def remove_recipient(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = access_campaign(request.user, slug)
    chosen = get_object_or_404(found.recipients.select_related("contact__body"), pk=pk)
    actions.remove_recipient(chosen, actor_of(request))
    messages.success(request, f"{chosen.contact.full_name} ({chosen.contact.body.name}) is removed from the campaign.")
    return redirect("web:campaign", slug=slug)


# The fields grid.


@requires("edit")
@errors_shown_on("web:fields", "slug")
def fields(request: HttpRequest, slug: str) -> HttpResponse:
    """Every recipient's fields in a grid (50 rows a page), blanks marked; add a field for all, rename one."""
    found = access_campaign(request.user, slug)
    names = actions.field_names(found)
    actor_action = request.POST.get("action", "")
    new_form = NewFieldForm(request.POST if actor_action == "add_field" else None)
    rename_form = RenameFieldForm(request.POST if actor_action == "rename" else None, names=names)
    if request.method == "POST" and actor_action not in ("save", "add_field", "rename"):
        return HttpResponseBadRequest("Choose one of the page's buttons: nothing was changed.")
    if request.method == "POST":
        back = f"{request.path}?page={_number(request.POST.get('page', '1')) or 1}"
        if actor_action == "save":
            saved = _save_grid(request, found, names)
            messages.success(
                request, f"{saved} recipient{'s' if saved != 1 else ''} changed." if saved else "Nothing was changed."
            )
            return redirect(back)
        if actor_action == "add_field" and new_form.is_valid():
            name, value = new_form.cleaned_data["name"], new_form.cleaned_data["value"]
            count = actions.add_field(found, name, value, actor_of(request))
            messages.success(request, f"The field {name} is added for {count} recipient{'s' if count != 1 else ''}.")
            return redirect(back)
        if actor_action == "rename" and rename_form.is_valid():
            old, new = rename_form.cleaned_data["old"], rename_form.cleaned_data["new"]
            actions.rename_field(found, old, new, actor_of(request))
            used = f"fields.{old}" in found.template_source
            note = f" The letter still uses fields.{old}: change it to fields.{new}." if used else ""
            messages.success(request, f"The field {old} is now {new}.{note}")
            return redirect(back)
    recipients = found.recipients.select_related("contact__body").order_by("contact__body__name", "pk")
    page = a_page(Paginator(recipients, PAGE_SIZE), request.GET.get("page") or request.POST.get("page"))
    rows = [
        (recipient, [_cell(str(recipient.fields.get(name, "")), name) for name in names])
        for recipient in page.object_list
    ]
    blanks = sum(1 for _, cells in rows for cell in cells if not cell["value"].strip())
    context = {
        "campaign": found,
        "names": names,
        "rows": rows,
        "page": page,
        "blanks": blanks,
        "limit": actions.FIELD_CHARS,
        "limit_text": f"{actions.FIELD_CHARS:,}",
        "new_form": new_form,
        "rename_form": rename_form,
    }
    return render(request, "web/fields.html", context)


def _cell(value: str, name: str) -> dict[str, Any]:
    """One cell of the grid: a value longer than a field holds is shown, not put in a box that would cut it."""
    editable = len(value) <= actions.FIELD_CHARS
    return {"name": name, "value": value, "editable": editable, "shown": _digest(value), "length": f"{len(value):,}"}


def _digest(value: str) -> str:
    """What the page showed in a cell, in short: a cell posted back as it was shown is left alone."""
    return hashlib.sha256(value.replace("\r\n", "\n").encode()).hexdigest()[:16]


def _save_grid(request: HttpRequest, found: Campaign, names: list[str]) -> int:
    """Only the cells changed on the page: one nobody touched is never written back (it may have changed since)."""
    ids = [int(pk) for pk in request.POST.getlist("row") if pk.isdigit() and len(pk) < 12][:PAGE_SIZE]
    recipients = found.recipients.filter(pk__in=ids).select_related("contact__body")
    changes = {}
    for recipient in recipients:
        values = {}
        for name in names:
            key = f"f-{recipient.pk}-{name}"
            if key in request.POST:
                value = request.POST[key].replace("\x00", "").replace("\r\n", "\n")
                if _digest(value) != request.POST.get(f"shown-{recipient.pk}-{name}"):
                    values[name] = value
        changes[recipient] = values
    return actions.set_fields(changes, actor_of(request))


def _number(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 12 else 0


# Importing a file of recipients.


def _imports_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _kept_file(request: HttpRequest, found: Campaign) -> tuple[Path, str] | None:
    """The file this person uploaded for this campaign and has not yet imported or cancelled, and its name."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("campaign") != found.pk:
        return None
    path = _imports_dir() / str(kept.get("file", ""))
    return (path, str(kept.get("name", ""))) if path.is_file() and path.name else None


def _forget(request: HttpRequest, found: Campaign) -> None:
    if kept := _kept_file(request, found):
        kept[0].unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


def _forget_abandoned() -> None:
    cutoff = time.time() - KEPT_SECONDS
    for path in _imports_dir().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


@requires("edit")
def import_recipients(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload, then a preview with every problem of every row, then "Import N rows" or cancel."""
    found = access_campaign(request.user, slug)
    if request.method == "POST" and request.POST.get("action") in ("import", "cancel"):
        return _confirm(request, found)
    form = RecipientsFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SUFFIXES:
            form.add_error("file", f"{upload.name} is not a CSV or Excel (.xlsx) file")
        elif upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", f"{upload.name} is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
        else:
            _forget(request, found)
            _forget_abandoned()
            path = _imports_dir() / f"{secrets.token_hex(16)}{suffix}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            request.session[SESSION_KEY] = {"file": path.name, "name": upload.name, "campaign": found.pk}
            return redirect("web:import_recipients", slug=slug)
    if request.method == "POST":
        context = {"campaign": found, "form": form, "items": list(found.items.all())}
        return render(request, "web/import_recipients.html", context)
    return _page(request, found, form)


def _page(request: HttpRequest, found: Campaign, form: RecipientsFileForm, replaced: str | None = None) -> HttpResponse:
    """The upload form, or the preview of the file kept; ``replaced`` names the file another upload replaced."""
    kept = _kept_file(request, found)
    context: dict[str, Any] = {"campaign": found, "form": form, "items": list(found.items.all()), "replaced": replaced}
    if kept is None:
        return render(request, "web/import_recipients.html", context)
    path, name = kept
    try:
        check = check_recipients(found, path)
    except SpreadsheetError as error:
        _forget(request, found)
        messages.error(request, str(error).replace(str(path), name))
        return render(request, "web/import_recipients.html", context | {"form": RecipientsFileForm()})
    rows = {error.row for error in check.errors}
    if check.errors and failed_check_seen(request.session, SESSION_KEY):  # shown once already: start afresh
        _forget(request, found)
        return render(request, "web/import_recipients.html", context)
    if check.errors and nothing_importable(rows, len(check.good)):
        _forget(request, found)  # only a corrected file can be imported, uploaded on the page shown now
    present = set(
        found.recipients.filter(
            contact__email__in=[str(r.contact.person.get("email", "")) for r in check.good[:PAGE_SIZE]]
        ).values_list("contact__email", flat=True)
    )
    context |= {
        "check": check,
        "name": name,
        "upload": path.name,
        **problems_summary(check.errors),
        "good": len(check.good),
        "columns_wrong": 1 in rows,
        "preview": [(row, str(row.contact.person.get("email", "")) in present) for row in check.good[:PAGE_SIZE]],
        "fields": check.fields,
        "without_email": sum(1 for row in check.good if not str(row.contact.person.get("email", "")).strip()),
        "blank_fields": blank_field_warnings(found, check),
    }
    return render(request, "web/import_recipients.html", context)


def _confirm(request: HttpRequest, found: Campaign) -> HttpResponse:
    kept = _kept_file(request, found)
    if kept and request.POST.get("upload") != kept[0].name:  # another tab's upload replaced the file shown
        return _page(request, found, RecipientsFileForm(), replaced=request.POST.get("name") or "the file you checked")
    if request.POST.get("action") == "cancel" or kept is None:
        _forget(request, found)
        messages.info(request, "Nothing was imported." if kept else "That import was already finished or cancelled.")
        return redirect("web:import_recipients", slug=found.slug)
    path, name = kept
    try:
        check = check_recipients(found, path)  # again, as the command does: the campaign may have changed meanwhile
    except SpreadsheetError as error:
        _forget(request, found)
        messages.error(request, str(error).replace(str(path), name))
        return redirect("web:import_recipients", slug=found.slug)
    try:
        report = save_recipients(
            found,
            check,
            skip_invalid=request.POST.get("skip_invalid") == "yes",
            actor=actor_of(request),
            file_name=name,
        )
    except ImportFailed as failure:
        messages.error(request, f"{name} has {words.count(len(failure.errors), 'problem')}: nothing was imported.")
        return redirect("web:import_recipients", slug=found.slug)
    _forget(request, found)
    skipped = len({error.row for error in report.skipped})
    done = f"{name}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    messages.success(request, done + (f"; {words.count(skipped, 'row')} with problems skipped." if skipped else "."))
    return redirect("web:campaign", slug=found.slug)


# The activity log.


@requires("view")
def activity(request: HttpRequest, slug: str) -> HttpResponse:
    """Every change to the campaign and its requests, newest first, with who made it and when (50 a page)."""
    found = access_campaign(request.user, slug)
    events = found.events.select_related("request__recipient__contact__body").order_by("-at", "-pk")
    setup_only = request.GET.get("setup") == "1"
    if setup_only:
        events = events.filter(kind__in=SETUP_KINDS)
    page = a_page(Paginator(events, PAGE_SIZE), request.GET.get("page"))
    context = {"campaign": found, "page": page, "setup_only": setup_only}
    return render(request, "web/activity.html", context)
