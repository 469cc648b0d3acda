"""A date typed into the GOV.UK date input (day, month and year boxes) of a form that is not a Django form.

The GOV.UK Design System advises against the browser's own date picker; the boxes are drawn by
``web/_date_boxes.html``. One date in ISO form (``2031-01-31``) under the plain name is also taken, as
automation posts it.
"""

from __future__ import annotations

import datetime

from django import forms
from django.http import QueryDict

from docket.errors import DocketError
from docket.web.forms import GovukDateField

PARTS = ("day", "month", "year")


def posted_date(data: QueryDict, name: str, label: str) -> datetime.date | None:
    """The date posted as ``name`` (its three boxes, or one ISO date); None if nothing was typed. A date that
    is not one raises ``DocketError`` in the GOV.UK Design System's words ("… must include a month")."""
    boxes = [str(data.get(f"{name}_{part}", "")) for part in PARTS]
    if any(box.strip() for box in boxes):
        try:
            found = GovukDateField(label=label, required=False).clean(boxes)
        except forms.ValidationError as error:
            raise DocketError(" ".join(error.messages)) from None
        assert found is None or isinstance(found, datetime.date)
        return found
    text = str(data.get(name, "")).strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DocketError(f"{label} {text[:40]!r} is not a date: give it as YYYY-MM-DD.") from None
