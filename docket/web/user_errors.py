"""The one place where a person's mistake becomes a page: never a traceback, never a 500.

A view, or an action it calls, raises a ``DocketError`` (a transition not allowed now, a
letter that cannot be made, a PDF that cannot be redacted, a form field that is not a
number…) or a ``LetterError`` (the letters package's own, which cannot import Docket's
base class). For a form posted from a page, the message is put on that page, as the
GOV.UK error summary at its top, by sending the person back to it; otherwise a page of its
own says what went wrong. Any other exception is a programming error and still surfaces.

Which page: the one a view names with ``@errors_shown_on("web:request", "pk")`` (its
URL built from the view's own arguments), else the page the browser says the form was
posted from (its Referer, on this site only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from docket.errors import DocketError
from docket.letters import LetterError

USER_ERRORS = (DocketError, LetterError)
View = TypeVar("View", bound=Callable[..., Any])


def errors_shown_on(page: str, *arguments: str) -> Callable[[View], View]:
    """Name the page a mistake in this (POST) view is shown on: the URL ``page``, given the view's
    ``arguments`` of the same names. Put it nearest the function: the decorators above copy it."""

    def mark(view: View) -> View:
        view.error_page = (page, arguments)  # type: ignore[attr-defined]  # read back by ShowUserErrors
        return view

    return mark


class ShowUserErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, USER_ERRORS):
            return None
        back = _page_named_by_view(request) or _page_posted_from(request)
        if back is not None:
            messages.error(request, str(exception))
            response: HttpResponse = HttpResponseRedirect(back)
            if request.headers.get("HX-Request"):  # htmx would swap the whole page into a fragment
                response = HttpResponse(status=204, headers={"HX-Redirect": back})
            return response
        return render(request, "web/problem.html", {"problem": str(exception)}, status=400)


def _page_named_by_view(request: HttpRequest) -> str | None:
    match = request.resolver_match
    named = getattr(match.func, "error_page", None) if match is not None else None
    if match is None or named is None or request.method != "POST":
        return None
    page, arguments = named
    return reverse(page, kwargs={name: match.kwargs[name] for name in arguments})


def _page_posted_from(request: HttpRequest) -> str | None:
    """The page of this site the form was posted from, if the browser said so."""
    if request.method != "POST":
        return None
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


class RefuseNulCharacters:
    """A posted form that carries a NUL character is answered with a page that says so (400).

    No one types a NUL; a broken or hostile client sends one. PostgreSQL cannot store it in text
    (SQLite can), so a view that saved it would fail with a 500 on one database only. Django's form
    fields refuse it already; this also covers the values views read from the request themselves.
    (A search in an address is left to its view, which drops the NUL and searches for the rest.)
    Uploaded files are not looked at: their bytes are stored as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.POST.lists()
        ):
            problem = "The form sent a character that cannot be stored (a NUL, code 0): reload the page and try again."
            return render(request, "web/problem.html", {"problem": problem}, status=400)
        return self.get_response(request)
