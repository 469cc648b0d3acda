"""A web address as typed by a person (on a request's page, or in a spreadsheet's cell), as Docket keeps it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

WEB = URLValidator(schemes=["http", "https"])


def web_address(typed: str) -> str | None:
    """The address to keep: one typed without its scheme (www.pcc.example/profile) gets https://, as Django's
    URLField gives it; None when it is not a web address (another scheme, such as ftp: or javascript:, too)."""
    url = typed.strip()
    if ":" not in url.split("/", 1)[0]:
        url = f"https://{url}"
    try:
        WEB(url)
    except ValidationError:
        return None
    return url
