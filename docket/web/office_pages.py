"""The office profile (letterhead, signatory, co-ordinator) and the people who use Docket."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from docket.campaigns.models import Campaign, Office
from docket.web.access import ROLES, role_of, set_role
from docket.web.decorators import requires
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


@require_POST
@requires("manage_users")
def user_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    role = request.POST.get("role", "")
    if role in ROLES and not user.is_superuser:
        set_role(user, role)
    user.campaigns.set(Campaign.objects.filter(pk__in=request.POST.getlist("campaigns")))
    user.is_active = request.POST.get("active") == "on"
    if user == request.user:
        user.is_active = True  # nobody locks themselves out here
    user.save(update_fields=["is_active"])
    messages.success(request, f"{user.username} is updated.")
    return redirect("web:users")
