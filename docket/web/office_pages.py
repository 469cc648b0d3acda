"""The office profile (letterhead, signatory, co-ordinator) and the people who use Docket."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from docket import accounts
from docket.campaigns.models import Campaign, Office
from docket.errors import DocketError
from docket.web.access import ROLES, role_of, set_role
from docket.web.decorators import requires
from docket.web.form_ids import NotAnId, form_ids
from docket.web.forms import NewUserForm, OfficeForm
from docket.web.user_errors import errors_shown_on


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
@errors_shown_on("web:users")
def users(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        with transaction.atomic():
            user = User.objects.create_user(email, email, accounts.temporary_password())
            if password:  # typed by the admin: the person chooses their own when they first sign in
                accounts.set_chosen_password(user, password, by=_who(request.user))
            set_role(user, form.cleaned_data["role"])
            user.campaigns.set(form.cleaned_data["campaigns"])
        teams = ", ".join(c.title for c in form.cleaned_data["campaigns"]) or "no campaign team yet"
        done = f"{email} can now sign in as {form.cleaned_data['role']} ({teams})."
        if not password:
            send_reset_link(request, user)
            done += " They have been emailed a link to choose their password."
        messages.success(request, done)
        return redirect("web:users")
    return _users_page(request, form)


def _users_page(request: HttpRequest, form: NewUserForm, **extra: object) -> HttpResponse:
    locks = accounts.locks()
    people = [
        (user, role_of(user), locks.get(user.username.lower()))
        for user in User.objects.order_by("username").prefetch_related("groups", "campaigns")
    ]
    context = {"form": form, "people": people, "roles": ROLES, "campaigns": Campaign.objects.order_by("title")}
    return render(request, "web/users.html", context | extra)


class AccountProblem(DocketError):
    """A password or a lock the Users page cannot change as asked."""


class ResetLinkForm(PasswordResetForm):
    """Django's password reset, sending at once and saying when the mail server refused (Django logs and goes on)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        EmailMultiAlternatives(subject, body, from_email, [to_email]).send()


def send_reset_link(request: HttpRequest, user: User) -> None:
    """Email this person a link to choose a new password (it works once, for PASSWORD_RESET_TIMEOUT)."""
    if not user.is_active:
        raise AccountProblem(f"{user.username} cannot sign in: tick 'Can sign in' first, then send the link.")
    form = ResetLinkForm({"email": user.email})
    if not form.is_valid():
        raise AccountProblem(f"{user.username} has no email address a link can be sent to.")
    office = Office.objects.order_by("pk").first()
    try:
        form.save(
            request=request,
            use_https=request.is_secure(),
            from_email=settings.DOCKET_FROM_EMAIL or (office.email if office else None) or None,
            subject_template_name="web/password_reset_subject.txt",
            email_template_name="web/password_reset_email.txt",
        )
    except (smtplib.SMTPException, OSError) as error:
        raise AccountProblem(
            f"The mail server did not take the link for {user.email} ({error}). "
            "Try again later, or set a temporary password instead."
        ) from None


def _who(user: User | AnonymousUser) -> str:
    return (getattr(user, "email", "") or user.get_username()) if isinstance(user, User) else "someone"


def _may_change_password(user: User, by: User | AnonymousUser) -> None:
    if user.is_superuser and not (isinstance(by, User) and by.is_superuser):
        raise AccountProblem(f"{user.username} is the superuser: only the superuser changes their password.")


@require_POST
@requires("manage_users")
@errors_shown_on("web:users")
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    """A temporary password shown once to the admin, or a reset link emailed to the person."""
    user = get_object_or_404(User, pk=pk)
    _may_change_password(user, request.user)
    how = request.POST.get("how")
    if how == "link":
        send_reset_link(request, user)
        days = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
        messages.success(
            request, f"A link to choose a new password was emailed to {user.email} (it works once, for {days} days)."
        )
        return redirect("web:users")
    if how != "temporary":
        raise AccountProblem("Choose a temporary password or a reset link.")
    if user == request.user:
        raise AccountProblem("Your own password: send yourself a reset link instead.")
    password = accounts.temporary_password()
    accounts.set_chosen_password(user, password, by=_who(request.user))
    accounts.unlock(user)
    return _users_page(request, NewUserForm(), temporary={"user": user, "password": password})


@require_POST
@requires("manage_users")
@errors_shown_on("web:users")
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    accounts.unlock(user)
    messages.success(request, f"{user.username} can sign in again: their failed attempts are forgotten.")
    return redirect("web:users")


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
