"""Docket's own URLs and error handlers, and one view that fails, to see the 500 page as served."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from docket import urls


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in the code")


urlpatterns = [path("fails/", fails), path("public/fails/", fails), *urls.urlpatterns]
handler400 = urls.handler400
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
