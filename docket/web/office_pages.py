"""The office profile (letterhead, signatory, co-ordinator) and the people who use Docket."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from docket.campaigns.models import Campaign, Office
from docket.web.access import ROLES, role_of, set_role
from docket.web.decorators import requires
from docket.web.form_ids import NotAnId, form_ids
from docket.web.forms import NewUserForm, OfficeForm


@requires("edit_office")
def office(request: HttpRequest) -> HttpResponse:
    instance = Office.objects.order_by("pk").first()
    form = OfficeForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The office profile is saved.")
        return redirect("web:office")
    return render(request, "web/office.html", {"form": form})


@requires("manage_users")
def users(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user = User.objects.create_user(email, email, form.cleaned_data["password"])
        set_role(user, form.cleaned_data["role"])
        messages.success(request, f"{email} can now sign in as {form.cleaned_data['role']}.")
        return redirect("web:users")
    people = [
        (user, role_of(user)) for user in User.objects.order_by("username").prefetch_related("groups", "campaigns")
    ]
    context = {"form": form, "people": people, "roles": ROLES, "campaigns": Campaign.objects.order_by("title")}
    return render(request, "web/users.html", context)


def _protection(user: User, by: User | AnonymousUser, role: str | None, active: str | None) -> str:
    """Why this change may not be made from the Users page, or "" if it may.

    The superuser and one's own account keep their role and their sign-in here, so that
    an admin cannot lock out the superuser, and nobody removes their own access by a slip.
    """
    if user.is_superuser and (active == "off" or (role is not None and role != "admin")):
        return f"{user.username} is the superuser: their sign-in cannot be turned off, nor their role changed, here."
    if user == by and (active == "off" or (role is not None and role != role_of(user))):
        return "You cannot turn off your own sign-in, nor change your own role: ask another admin."
    return ""


@require_POST
@requires("manage_users")
def user_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Role, campaigns and sign-in, each changed only when the form sent it.

    The form sends "off" in a hidden field before the "Can sign in" box and an empty
    "campaigns" value before the campaign boxes, so that an unticked box is told apart
    from a field the form did not show.
    """
    user = get_object_or_404(User, pk=pk)
    role = request.POST.get("role")
    active = request.POST.get("active")  # the last value: "on" when the box is ticked
    try:
        campaigns = form_ids(request.POST.getlist("campaigns"), "campaign")
    except NotAnId as error:
        messages.error(request, str(error))
        return redirect("web:users")
    if problem := _protection(user, request.user, role, active):
        messages.error(request, problem)
        return redirect("web:users")
    if role in ROLES and not user.is_superuser:
        set_role(user, role)
    if "campaigns" in request.POST:
        user.campaigns.set(Campaign.objects.filter(pk__in=campaigns))
    if active in ("on", "off"):
        user.is_active = active == "on"
        user.save(update_fields=["is_active"])
    messages.success(request, f"{user.username} is updated.")
    return redirect("web:users")
