"""Staff accounts: the few account operations the command line and the Users page need."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from docket.web.models import PasswordToChange


class AccountError(ValueError):
    pass


def admin_exists() -> bool:
    return get_user_model().objects.filter(is_superuser=True, is_active=True).exists()


def create_admin(email: str, password: str) -> None:
    """Create (or reset the password of) an admin whose username is the email address."""
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(f"{email!r} is not an email address") from None
    User = get_user_model()
    user = User.objects.filter(username__iexact=email).first() or User(username=email, email=email)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError("the admin password is too weak: " + " ".join(error.messages)) from None
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()


# --- The Users page's account operations (issue 11, item 10) ---


@dataclass(frozen=True)
class Lock:
    """An account's sign-in locked by django-axes after too many failed attempts."""

    failures: int
    until: datetime.datetime


def cool_off() -> datetime.timedelta:
    value = settings.AXES_COOLOFF_TIME
    return value if isinstance(value, datetime.timedelta) else datetime.timedelta(hours=float(value))


def locks() -> dict[str, Lock]:
    """Each locked account (its username in lower case): how many failures, and until when.

    The lock is by username (AXES_LOCKOUT_PARAMETERS), counted over every address and browser
    the attempts came from, within the cool-off; attempts older than that no longer count.
    """
    since = timezone.now() - cool_off()
    failures: dict[str, int] = {}
    last: dict[str, datetime.datetime] = {}
    for username, count, at in AccessAttempt.objects.filter(attempt_time__gte=since).values_list(
        "username", "failures_since_start", "attempt_time"
    ):
        key = str(username).lower()
        failures[key] = failures.get(key, 0) + count
        last[key] = max(at, last.get(key, at))
    limit = settings.AXES_FAILURE_LIMIT
    return {key: Lock(n, last[key] + cool_off()) for key, n in failures.items() if n >= limit}


def unlock(user: AbstractBaseUser) -> int:
    """Lift the lock on this account (its failed attempts forgotten); how many records were removed."""
    username = user.get_username()
    typed = set(AccessAttempt.objects.filter(username__iexact=username).values_list("username", flat=True))
    return sum(reset(username=name) for name in typed)


def temporary_password() -> str:
    """A password to read out to someone once: 16 characters, no look-alikes (0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def set_password(user: AbstractBaseUser, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])


def set_chosen_password(user: AbstractBaseUser, password: str, by: str) -> None:
    """Give ``user`` a password someone else chose (``by``): it works until they sign in, and then they must
    choose their own before anything else."""
    with transaction.atomic():
        set_password(user, password)
        PasswordToChange.objects.update_or_create(user_id=user.pk, defaults={"set_by": by})


def must_change_password(user: AbstractBaseUser) -> bool:
    return PasswordToChange.objects.filter(user_id=user.pk).exists()


def password_chosen(user: AbstractBaseUser) -> None:
    """The person chose their own password (changed it, or through an emailed link)."""
    PasswordToChange.objects.filter(user_id=user.pk).delete()
