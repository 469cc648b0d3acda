"""The directory: public bodies, their contacts and tags, and importing contacts in the browser.

Everyone signed in reads it; editors add, edit and import (``edit_directory``); admins retire
and restore (``manage_directory``: a retired body or contact is left out of every campaign's new
recipients). A body's page lists its requests only from the campaigns the person can see.

An import is checked before anything is written: the uploaded file is kept aside (under the
data folder, named by a random token held in the person's session), every problem of every row
is shown, and only "Import N rows" stores it, through the same module as ``docket
import-contacts`` (``docket.directory.importing``), checking the file again as it does.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from docket import words
from docket.directory import actions
from docket.directory.importing import check_contacts, save_contacts
from docket.directory.models import Body, Contact
from docket.importing import ImportFailed
from docket.requests.models import InfoRequest
from docket.spreadsheets import SpreadsheetError
from docket.web.access import campaigns_for, can
from docket.web.decorators import actor_of, requires
from docket.web.forms import BodyForm, ContactForm, DirectorySearchForm, ImportFileForm
from docket.web.import_checks import failed_check_seen, nothing_importable, problems_summary
from docket.web.paging import a_page
from docket.worker import jobs

PAGE_SIZE = 50
SESSION_KEY = "contacts_import"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")
KEPT_SECONDS = 24 * 3600  # an upload left at its preview is removed after a day


def _may(request: HttpRequest) -> dict[str, bool]:
    return {f"may_{name}": can(request.user, name) for name in ("edit_directory", "manage_directory")}


@requires("view")
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    bodies = _search(form)
    page = a_page(Paginator(bodies, PAGE_SIZE), request.GET.get("page"))
    # Contacts counted for the page's bodies only (counted in the search, every body was grouped: twice,
    # for the page and for the paginator's count).
    shown = list(page.object_list)
    counts = dict(
        Contact.objects.filter(body__in=shown)
        .order_by()
        .values_list("body")
        .annotate(n=Count("pk"))
        .values_list("body", "n")
    )
    for found in shown:
        found.contact_count = counts.get(found.pk, 0)  # type: ignore[attr-defined]  # shown by the template
    page.object_list = shown
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count, **_may(request)}
    context["empty"] = not page.paginator.count and not Body.objects.exists()
    return render(request, "web/directory.html", context)


def _search(form: DirectorySearchForm) -> QuerySet[Body]:
    bodies = Body.objects.prefetch_related("tags")
    if not form.is_valid():
        return bodies.filter(retired=False).order_by("name")
    data = form.cleaned_data
    if not data["retired"]:
        bodies = bodies.filter(retired=False)
    if data["q"]:  # a body's name, or the name or email of one of its contacts
        people = Contact.objects.filter(Q(full_name__icontains=data["q"]) | Q(email__icontains=data["q"]))
        bodies = bodies.filter(Q(name__icontains=data["q"]) | Q(pk__in=people.values("body_id")))
    if data["kind"]:
        bodies = bodies.filter(kind=data["kind"])
    if data["tag"]:
        bodies = bodies.filter(tags=data["tag"])
    return bodies.order_by("name")


@requires("view")
def body(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Body.objects.prefetch_related("tags"), slug=slug)
    requests = (
        InfoRequest.objects.filter(recipient__contact__body=found, campaign__in=campaigns_for(request.user))
        .select_related("campaign", "recipient__contact")
        .order_by("-campaign__created_at", "recipient__contact__full_name")
    )
    contacts = found.contacts.order_by("retired", "full_name")
    context = {"body": found, "contacts": contacts, "requests": requests, **_may(request)}
    return render(request, "web/body.html", context)


@requires("edit_directory")
def body_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Add a body (no slug) or edit one."""
    instance = get_object_or_404(Body, slug=slug) if slug else None
    form = BodyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.save()
        actions.set_tags(saved, list(form.cleaned_data["tags"]), form.cleaned_data["new_tags"])
        messages.success(request, f"{saved.name} is saved.")
        return redirect("web:body", slug=saved.slug)
    return render(request, "web/body_form.html", {"form": form, "body": instance})


@requires("edit_directory")
def contact_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Add a contact to a body (no pk) or edit one of its contacts."""
    found = get_object_or_404(Body, slug=slug)
    instance = get_object_or_404(found.contacts, pk=pk) if pk else Contact(body=found)
    form = ContactForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"{saved.full_name} is saved.")
        return redirect("web:body", slug=found.slug)
    return render(request, "web/contact_form.html", {"form": form, "body": found, "contact": instance})


@require_POST
@requires("manage_directory")
def retire(request: HttpRequest, slug: str) -> HttpResponse:
    """Retire or restore a body, or one of its contacts (``contact`` in the form)."""
    found = get_object_or_404(Body, slug=slug)
    retired = request.POST.get("action") != "restore"
    word = "retired" if retired else "restored"
    contact_id = request.POST.get("contact", "")
    if contact_id:
        contact = get_object_or_404(found.contacts, pk=contact_id if contact_id.isdigit() else 0)
        actions.set_contact_retired(contact, retired)
        messages.success(request, f"{contact.full_name} is {word}.")
    else:
        actions.set_body_retired(found, retired)
        messages.success(request, f"{found.name} is {word}.")
    return redirect("web:body", slug=found.slug)


def _imports_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_abandoned() -> None:
    """Files uploaded a day ago and neither imported nor cancelled (the person left the preview)."""
    cutoff = time.time() - KEPT_SECONDS
    for path in _imports_dir().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _kept_file(request: HttpRequest) -> tuple[Path, str] | None:
    """The file this person uploaded and has not yet imported or cancelled, and its own name."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict):
        return None
    path = _imports_dir() / str(kept.get("file", ""))
    return (path, str(kept.get("name", ""))) if path.is_file() else None


def _forget(request: HttpRequest) -> None:
    if kept := _kept_file(request):
        kept[0].unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


def _readable(error: SpreadsheetError, path: Path, name: str) -> str:
    return str(error).replace(str(path), name)


@requires("edit_directory")
def import_contacts(request: HttpRequest) -> HttpResponse:
    """Upload, then a preview with every problem of every row, then "Import N rows" or cancel."""
    if request.method == "POST" and request.POST.get("action") in ("import", "cancel"):
        return _confirm(request)
    form = ImportFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SUFFIXES:
            form.add_error("file", f"{upload.name} is not a CSV or Excel (.xlsx) file")
        elif upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", f"{upload.name} is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
        else:
            _forget(request)
            _forget_abandoned()
            path = _imports_dir() / f"{secrets.token_hex(16)}{suffix}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            request.session[SESSION_KEY] = {"file": path.name, "name": upload.name}
            return redirect("web:directory_import")
    if request.method == "POST":
        return render(request, "web/directory_import.html", {"form": form})
    return _page(request, form)


def _page(request: HttpRequest, form: ImportFileForm, replaced: str | None = None) -> HttpResponse:
    """The upload form, or the preview of the file kept; ``replaced`` names the file another upload replaced."""
    kept = _kept_file(request)
    if kept is None:
        return render(request, "web/directory_import.html", {"form": form, "replaced": replaced})
    path, name = kept
    try:
        check = check_contacts(path)
    except SpreadsheetError as error:
        _forget(request)
        messages.error(request, _readable(error, path, name))
        return render(request, "web/directory_import.html", {"form": ImportFileForm(), "replaced": replaced})
    rows = {error.row for error in check.errors}
    if check.errors and failed_check_seen(request.session, SESSION_KEY):  # shown once already: start afresh
        _forget(request)
        return render(request, "web/directory_import.html", {"form": form, "replaced": replaced})
    if check.errors and nothing_importable(rows, len(check.good)):
        _forget(request)  # only a corrected file can be imported, uploaded on the page shown now
    context = {
        "form": form,
        "check": check,
        "name": name,
        "upload": path.name,
        "replaced": replaced,
        **problems_summary(check.errors),
        "good": len(check.good),
        "columns_wrong": 1 in rows,
        "preview": check.good[:PAGE_SIZE],
    }
    return render(request, "web/directory_import.html", context)


def _confirm(request: HttpRequest) -> HttpResponse:
    kept = _kept_file(request)
    if kept and request.POST.get("upload") != kept[0].name:  # another tab's upload replaced the file shown
        return _page(request, ImportFileForm(), replaced=request.POST.get("name") or "the file you checked")
    if request.POST.get("action") == "cancel" or kept is None:
        _forget(request)
        messages.info(request, "Nothing was imported." if kept else "That import was already finished or cancelled.")
        return redirect("web:directory_import")
    path, name = kept
    try:
        check = check_contacts(path)  # again, as the command does: the directory may have changed meanwhile
    except SpreadsheetError as error:
        _forget(request)
        messages.error(request, _readable(error, path, name))
        return redirect("web:directory_import")
    if len(check.good) > jobs.IMPORT_IN_WORKER_ROWS:  # a large file: the worker imports it, a page follows it
        request.session.pop(SESSION_KEY, None)  # the job owns the file now
        skip_invalid = request.POST.get("skip_invalid") == "yes"
        asked = jobs.import_contacts_file(
            path, name, actor_of(request), skip_invalid=skip_invalid, rows=len(check.good)
        )
        return redirect("web:job", pk=asked.pk)
    try:
        report = save_contacts(check, skip_invalid=request.POST.get("skip_invalid") == "yes")
    except ImportFailed as failure:
        messages.error(request, f"{name} has {words.count(len(failure.errors), 'problem')}: nothing was imported.")
        return redirect("web:directory_import")
    _forget(request)
    skipped = len({error.row for error in report.skipped})
    done = f"{name}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    messages.success(request, done + (f"; {words.count(skipped, 'row')} with problems skipped." if skipped else "."))
    return redirect("web:directory")
