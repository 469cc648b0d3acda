"""A person's own account: changing their password, and choosing their own when someone else chose it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LogoutView, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from docket import accounts
from docket.web.decorators import requires

# What a person who must choose their own password may still open.
STILL_OPEN = {"password_change", "logout", "login", "password_reset_confirm", "password_reset_complete"}


class ChangeChosenPasswords:
    """A signed-in person whose password someone else chose (``accounts.set_chosen_password``) is sent to
    choose their own before any other page of the workspace (or the admin site); the public pages stay open."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is None or match.namespace not in {"web", "admin"} or match.url_name in STILL_OPEN:
            return None
        if not request.user.is_authenticated or not accounts.must_change_password(request.user):
            return None
        return redirect(f"{reverse('web:password_change')}?next={request.get_full_path()}")


@requires("view")
def password_change(request: HttpRequest) -> HttpResponse:
    """Change your own password (knowing the present one); the only page open until a chosen one is changed."""
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)  # type: ignore[arg-type]  # requires() let only a signed-in person in
    chosen_by_someone_else = accounts.must_change_password(user)  # type: ignore[arg-type]  # as above
    form.fields["old_password"].label = "The password you were given" if chosen_by_someone_else else "Your password now"
    if request.method == "POST" and form.is_valid():
        form.save()
        accounts.password_chosen(form.user)
        update_session_auth_hash(request, form.user)  # this browser stays signed in; the others are signed out
        messages.success(request, "Your password is changed. Other browsers signed in as you have been signed out.")
        after = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}) or not after.startswith("/"):
            after = reverse("web:dashboard")
        return redirect(after)
    context = {"form": form, "chosen_by_someone_else": chosen_by_someone_else, "next": request.GET.get("next", "")}
    return render(request, "web/password_change.html", context)


class ChooseOwnPassword(PasswordResetConfirmView):
    """Django's emailed link to choose a password: the password chosen is the person's own."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        accounts.password_chosen(form.user)
        return response


class SignOut(LogoutView):
    """Signing out is a POST (the header's button), after which the sign-in page says so. The address typed, or
    followed from an old link, is a GET: a page with the Sign out button for someone signed in, the sign-in page
    for anyone else (Django's LogoutView answers a GET with an empty 405, a blank page)."""

    http_method_names = ["get", "post", "options"]
    next_page = "web:login"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("web:login")
        return render(request, "web/sign_out.html")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)  # the session is flushed; the message is kept in a cookie
        messages.success(request, "You have signed out.")
        return response
