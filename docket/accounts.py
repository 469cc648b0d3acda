"""Staff accounts: the few account operations the command line needs."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


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
