"""Every view says what it needs: signed in, and a capability from ``access.RULES``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from docket.requests.actions import Actor
from docket.web.access import can

View = Callable[..., HttpResponse]
# "module.view" -> the capability it requires; the access tests read it.
CAPABILITIES: dict[str, str] = {}


def requires(capability: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, capability):
                raise PermissionDenied(f"This needs the {capability!r} permission")
            return view(request, *args, **kwargs)

        CAPABILITIES[f"{view.__module__}.{view.__name__}"] = capability
        return guarded

    return decorate


def actor_of(request: HttpRequest) -> Actor:
    """The signed-in person as the actor of a named action (views are guarded by ``requires``)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first")
    return Actor.of(user)
