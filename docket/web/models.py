"""What the workspace keeps about the people who use it, beyond Django's own user."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PasswordToChange(models.Model):
    """This person's password was chosen by someone else (an admin set it, or typed it when adding them):
    they must choose their own before they do anything else (``ChangeChosenPasswords``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    set_by = models.CharField(max_length=254, help_text="Who chose it")
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: password chosen by {self.set_by}"
