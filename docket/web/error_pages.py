"""The pages for 400, 403, 404 and 500, in the GOV.UK Design System's patterns ("Page not found",
"Sorry, there is a problem with the service"): a heading, what to do, a way back to the dashboard.

A 404 says the same whatever was asked for, so that a campaign someone is not on the team of
reads exactly as one that never existed. The 400 and 500 pages are rendered without the request's
context processors (no database, no session): they must appear even when those are what failed.
Under /public/ the 404 and 500 pages wear the public site's look, not the workspace's.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static

from docket.publishing.views import ROOT as PUBLIC_ROOT
from docket.publishing.views import public_context


def _static_safe(template: str, status: int, context: dict[str, Any] | None = None) -> HttpResponse:
    """Drawn without the request: no context processors, no database, no CSP nonce (so no inline script)."""
    page = loader.get_template(template).render({"drawn_without_request": True} | (context or {}))
    return HttpResponse(page, status=status)


def _public(request: HttpRequest) -> bool:
    return request.path.startswith(PUBLIC_ROOT)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _public(request):
        return render(request, "publishing/404.html", public_context({}), status=404)
    return render(request, "web/404.html", status=404)


# A person refused a page they may not see is not a fault of the system: one line, no traceback (the settings'
# LOGGING keeps Django's own record of it, with the traceback, out of the log).
refusals = logging.getLogger("docket.web.refused")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = render(request, "web/403.html", status=403)
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "someone not signed in"
    why = str(exception) if exception is not None and str(exception) else "not allowed"
    # %r: a web address or a name with a line break in it stays on its one line.
    refusals.warning("Refused (403): %r may not open %s %r: %s", who, request.method, request.get_full_path(), why)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "web/403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TooManyFilesSent):  # raised as the form is first read, before any view can catch it
        problem = (
            f"You chose more files than Docket takes in one upload (at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,})."
        )
        return _static_safe("web/400.html", 400, {"problem": problem, "advice": "Go back and choose fewer files."})
    return _static_safe("web/400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _public(request):
        context = {"root": PUBLIC_ROOT, "assets": static("docket/vendor/"), "office_name": "Published correspondence"}
        return _static_safe("publishing/500.html", 500, context)
    return _static_safe("web/500.html", 500)
