"""Who may do what: roles, the rules of each, and which campaigns a person can see.

Roles are Django groups. Each is a superset of the one before:
viewer (reads) < editor (writes campaigns and recipients; adds, edits and imports bodies and
contacts) < coordinator (sends, chases, files replies, publishes) < admin (users, the office
profile, and retiring a body or contact, which changes what every campaign can write to; sees
every campaign). Everyone signed in reads the directory; a body's requests are listed only from
campaigns the person can see.
A person sees only the campaigns whose team they are on; an admin sees all. Views ask
these functions and nothing else.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db.models import QuerySet
from django.http import Http404

from docket.campaigns.models import Campaign
from docket.mail.models import InboundMessage
from docket.requests.models import InfoRequest

ROLES = ("viewer", "editor", "coordinator", "admin")
RULES: dict[str, str] = {  # capability -> the least role that has it
    "view": "viewer",
    "edit": "editor",
    "send": "coordinator",
    "file": "coordinator",
    "publish": "coordinator",
    "edit_directory": "editor",
    "start_campaign": "editor",
    "manage_directory": "admin",
    "manage_users": "admin",
    "edit_office": "admin",
}


def role_of(user: User | AnonymousUser) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return "admin"
    names = set(user.groups.values_list("name", flat=True))
    held = [role for role in ROLES if role in names]
    return held[-1] if held else None


def can(user: User | AnonymousUser, capability: str) -> bool:
    role = role_of(user)
    return role is not None and ROLES.index(role) >= ROLES.index(RULES[capability])


def set_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.groups.add(Group.objects.get_or_create(name=role)[0])


def campaigns_for(user: User | AnonymousUser) -> QuerySet[Campaign]:
    if role_of(user) is None:
        return Campaign.objects.none()
    if role_of(user) == "admin":
        return Campaign.objects.all()
    assert isinstance(user, User)
    return Campaign.objects.filter(team=user)


def access_campaign(user: User | AnonymousUser, slug: str) -> Campaign:
    """The campaign, if this person may see it; else 404 (not 403: its existence is not told)."""
    campaign = campaigns_for(user).filter(slug=slug).select_related("office").first()
    if campaign is None:
        raise Http404("No such campaign")
    return campaign


def access_request(user: User | AnonymousUser, pk: int) -> InfoRequest:
    found = (
        InfoRequest.objects.filter(pk=pk, campaign__in=campaigns_for(user))
        .select_related("campaign__office", "recipient__contact__body")
        .first()
    )
    if found is None:
        raise Http404("No such request")
    return found


def held_messages(user: User | AnonymousUser) -> QuerySet[InboundMessage]:
    """The held mail (holding pen) a person may read and file.

    A held message answers no request yet, so the only campaign it is "filed to" is that of
    the requests the matcher found it may answer (its ``candidates``: the sender, or the
    sender's domain, matched several requests). A coordinator sees the held messages with
    a candidate in a campaign of theirs; everything else held (an unknown sender, a reply
    address whose code is wrong, a message that could not be read) only an admin sees.
    """
    return _unfiled(user, InboundMessage.Status.HOLDING)


def set_aside_messages(user: User | AnonymousUser) -> QuerySet[InboundMessage]:
    """The held mail set aside (not a reply) that a person may read and return to the holding pen: as
    ``held_messages``, by the same rule."""
    return _unfiled(user, InboundMessage.Status.SET_ASIDE)


def _unfiled(user: User | AnonymousUser, *statuses: str) -> QuerySet[InboundMessage]:
    unfiled = InboundMessage.objects.filter(status__in=statuses)
    if not can(user, "file"):
        return unfiled.none()
    if role_of(user) == "admin":
        return unfiled
    return unfiled.filter(pk__in=unfiled.filter(candidates__campaign__in=campaigns_for(user)).values("pk"))


def access_pen_message(user: User | AnonymousUser, pk: int) -> InboundMessage:
    """A message the holding pen acts on (held or set aside), or one that was and has been filed since to a
    request this person sees, so that the action can say in words what happened to it; else 404."""
    pen = _unfiled(user, InboundMessage.Status.HOLDING, InboundMessage.Status.SET_ASIDE).filter(pk=pk)
    found = pen.first()
    if found is None and can(user, "file"):
        found = InboundMessage.objects.filter(pk=pk, request__campaign__in=campaigns_for(user)).first()
    if found is None:
        raise Http404("No such message")
    return found


def access_unfiled_message(user: User | AnonymousUser, pk: int) -> InboundMessage:
    """A message filed to no request (held, set aside, or still being read), if this person may read it
    and its attachments; else 404. Admins read them all; coordinators, as ``held_messages``."""
    unfiled = InboundMessage.objects.filter(pk=pk, request__isnull=True)
    pen = _unfiled(user, InboundMessage.Status.HOLDING, InboundMessage.Status.SET_ASIDE).filter(pk=pk)
    found = (unfiled if role_of(user) == "admin" else pen).first()
    if found is None:
        raise Http404("No such message")
    return found
