"""Sign-in lock-out, the Users page's guard rails, and the security headers every page carries."""

import base64
import hashlib
import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from docket.web.access import set_role
from tests.conftest import REPO
from tests.web.conftest import person

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"


def test_it_locks_the_account_whatever_address_the_guesses_come_from(client, team):
    for n in range(5):
        client.post(SIGN_IN, {"username": "viewer@office.example", "password": "wrong"}, REMOTE_ADDR=f"192.0.2.{n + 1}")
    right = {"username": "viewer@office.example", "password": "a-long-test-password"}
    assert client.post(SIGN_IN, right, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_it_does_not_lock_out_another_account(client, team):
    for _ in range(5):
        client.post(SIGN_IN, {"username": "viewer@office.example", "password": "wrong"})
    right = {"username": "editor@office.example", "password": "a-long-test-password"}
    assert client.post(SIGN_IN, right).status_code == 302


@pytest.fixture
def office_admin(team):
    """An admin by role (the group), not the superuser."""
    user = person("office-admin@office.example", None)
    set_role(user, "admin")
    return user


def superuser() -> User:
    return User.objects.create_superuser("root@office.example", "root@office.example", "a-long-test-password")


def test_an_admin_cannot_deactivate_the_superuser(client, office_admin):
    root = superuser()
    client.force_login(office_admin)
    response = client.post(reverse("web:user_update", args=[root.pk]), {"active": "off"}, follow=True)
    root.refresh_from_db()
    assert root.is_active
    assert root.is_superuser
    assert "cannot be turned off" in response.content.decode()


def test_an_admin_cannot_demote_or_deactivate_themself(client, office_admin):
    client.force_login(office_admin)
    url = reverse("web:user_update", args=[office_admin.pk])
    client.post(url, {"role": "viewer", "active": "off"})
    office_admin.refresh_from_db()
    assert office_admin.is_active
    assert list(office_admin.groups.values_list("name", flat=True)) == ["admin"]


def test_a_post_that_does_not_mention_sign_in_leaves_it_alone(client, team, office_admin):
    viewer = team["viewer"]
    client.force_login(office_admin)
    client.post(reverse("web:user_update", args=[viewer.pk]), {"role": "editor"})
    viewer.refresh_from_db()
    assert viewer.is_active
    assert list(viewer.groups.values_list("name", flat=True)) == ["editor"]
    assert list(viewer.campaigns.all()) == [team["campaign"]]  # campaigns not sent: unchanged too


def test_the_users_page_still_turns_sign_in_off_and_on(client, team, office_admin):
    viewer = team["viewer"]
    client.force_login(office_admin)
    url = reverse("web:user_update", args=[viewer.pk])
    client.post(url, {"role": "viewer", "active": ["off"], "campaigns": [""]})  # the box unticked
    viewer.refresh_from_db()
    assert not viewer.is_active
    assert not viewer.campaigns.exists()
    client.post(url, {"role": "viewer", "active": ["off", "on"], "campaigns": ["", str(team["campaign"].pk)]})
    viewer.refresh_from_db()
    assert viewer.is_active
    assert list(viewer.campaigns.all()) == [team["campaign"]]


def nonce_of(policy: str) -> str:
    found = re.search(r"'nonce-([^']+)'", policy)
    assert found, policy
    return found.group(1)


@pytest.mark.parametrize("url", ["/sign-in/", "/public/"])
def test_every_page_has_a_content_security_policy(client, example, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_workspaces_inline_scripts_carry_the_nonce(client, team):
    client.force_login(team["coordinator"])
    response = client.get(reverse("web:dashboard"))
    nonce = nonce_of(response["Content-Security-Policy"])
    inline = [tag for tag in re.findall(r"<script\b[^>]*>", response.content.decode()) if "src=" not in tag]
    assert len(inline) == 2  # GOV.UK Frontend's "js-enabled" class and its initAll()
    assert all(f'nonce="{nonce}"' in tag for tag in inline), inline


def settings_value(name: str, **env: str) -> str:
    """A setting as Docket computes it from these variables, in a fresh interpreter."""
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "docket.settings", **env}
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_asks_for_https_only_when_served_over_https(tmp_path):
    assert settings_value("SECURE_HSTS_SECONDS", DOCKET_SECURE_COOKIES="1", DOCKET_DATA_DIR=str(tmp_path)) == "31536000"
    assert settings_value("SECURE_HSTS_SECONDS", DOCKET_SECURE_COOKIES="0", DOCKET_DATA_DIR=str(tmp_path)) == "0"


def test_the_public_pages_inline_styles_are_allowed_by_their_hash(client, example):
    response = client.get("/public/")
    policy = response["Content-Security-Policy"]
    styles = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    assert styles
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy, "publishing/base.html's <style> changed: update SECURE_CSP's hash"
