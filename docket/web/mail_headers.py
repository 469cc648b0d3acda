"""What cannot go into an email's headers, told to the person before a send is tried."""

from __future__ import annotations

from docket.campaigns.models import Office
from docket.directory.models import Contact


def header_problem(contact: Contact, office: Office) -> str:
    """Why a letter to this contact from this office cannot be sent, or "" if it can."""
    fields = [
        (contact.full_name, "The contact's name", "the recipient's page"),
        (contact.email, "The contact's email address", "the recipient's page"),
        (office.name, "The office's name", "the Office page"),
        (office.email, "The office's email address", "the Office page"),
    ]
    for value, label, where in fields:
        if "\r" in value or "\n" in value:
            first_line = value.splitlines()[0] if value.strip() else ""
            return (
                f"{label} ({first_line!r} followed by a line break) cannot go in an email header: "
                f"correct it on {where}, then try again."
            )
    return ""
