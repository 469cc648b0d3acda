"""Named actors for the workspace: who they are and what they may do."""

import pytest
from django.contrib.auth.models import User

from docket.requests import actions
from docket.web.access import set_role


def person(email: str, role: str | None, campaign=None) -> User:
    user = User.objects.create_user(email, email, "a-long-test-password")
    if role == "admin":
        user.is_superuser = user.is_staff = True
        user.save()
    elif role:
        set_role(user, role)
    if campaign is not None:
        campaign.team.add(user)
    return user


@pytest.fixture
def team(example):
    """Everyone, with the example campaign and a request of it sent to Hampshire."""
    request = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    return {
        "viewer": person("viewer@office.example", "viewer", example),
        "editor": person("editor@office.example", "editor", example),
        "coordinator": person("coordinator@office.example", "coordinator", example),
        "admin": person("admin@office.example", "admin"),
        "outsider": person("outsider@office.example", "coordinator"),  # not on the campaign's team
        "campaign": example,
        "request": request,
    }
