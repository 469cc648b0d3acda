"""The Users page (issue 11, item 10): locked accounts and their unlocking, a temporary password or a
reset link (Django's password reset, sent through the configured mail server: a real aiosmtpd here),
campaign teams chosen when someone is added, and the admin role reaching everything it manages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from docket.campaigns.models import Campaign
from docket.web.access import set_role
from tests.mailserver import free_port
from tests.web.conftest import Team

pytestmark = pytest.mark.django_db
SIGN_IN = "/sign-in/"
PASSWORD = "a-long-test-password"
# The setting's value (the test runner swaps in a backend that keeps mail in memory).
MAILERS = {"default": {"BACKEND": "docket.mail.channels.django_email.DocketSmtpBackend"}}


def fail_to_sign_in(client, username: str, times: int = 5) -> None:
    for _ in range(times):
        client.post(SIGN_IN, {"username": username, "password": "wrong"})


def signs_in(client, username: str, password: str) -> bool:
    client.logout()
    response = client.post(SIGN_IN, {"username": username, "password": password})
    return bool(response.status_code == 302 and response["Location"] == "/")


def test_a_locked_account_is_shown_and_unlocked(client, team: Team):
    viewer = team["viewer"]
    fail_to_sign_in(client, viewer.username)
    assert not signs_in(client, viewer.username, PASSWORD)
    client.force_login(team["admin"])
    page = client.get(reverse("web:users")).content.decode()
    assert page.count("Locked</strong>") == 1
    assert "6 failed sign-ins; locked until" in page  # five, and the right password tried while locked
    response = client.post(reverse("web:user_unlock", args=[viewer.pk]), follow=True)
    assert f"{viewer.username} can sign in again" in response.content.decode()
    assert "Locked</strong>" not in response.content.decode()
    assert signs_in(client, viewer.username, PASSWORD)


def test_a_temporary_password_is_shown_once_and_replaces_the_old_one(client, team: Team):
    editor = team["editor"]
    fail_to_sign_in(client, editor.username)  # a temporary password lifts a lock too
    client.force_login(team["admin"])
    response = client.post(reverse("web:user_password", args=[editor.pk]), {"how": "temporary"})
    page = response.content.decode()
    found = re.search(r'<code class="docket-password">([^<]+)</code>', page)
    assert found, page
    assert not signs_in(client, editor.username, PASSWORD)
    assert signs_in(client, editor.username, found.group(1))


def test_a_password_someone_else_chose_must_be_changed_before_anything_else(client, team: Team):
    editor, campaign = team["editor"], team["campaign"]
    client.force_login(team["admin"])
    page = client.post(reverse("web:user_password", args=[editor.pk]), {"how": "temporary"}).content.decode()
    temporary = re.search(r'<code class="docket-password">([^<]+)</code>', page).group(1)
    assert "they are asked to choose their own password" in page
    assert signs_in(client, editor.username, temporary)
    wanted = reverse("web:campaign", args=[campaign.slug])
    for page_they_open in (reverse("web:dashboard"), wanted, reverse("web:search") + "?q=x", "/admin/"):
        response = client.get(page_they_open)
        assert response.status_code == 302, page_they_open
        assert response["Location"].startswith(reverse("web:password_change") + "?next="), page_they_open
    form = client.get(reverse("web:password_change") + f"?next={wanted}").content.decode()
    assert "Choose your own password" in form
    assert f'name="next" value="{wanted}"' in form
    new = {"new_password1": "their-own-long-password", "new_password2": "their-own-long-password"}
    wrong = client.post(reverse("web:password_change"), {"old_password": "not it", **new, "next": wanted})
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    done = client.post(reverse("web:password_change"), {"old_password": temporary, **new, "next": wanted})
    assert done["Location"] == wanted
    assert client.get(wanted).status_code == 200  # still signed in, and free to go anywhere
    assert client.get(reverse("web:password_change")).content.decode().count("Choose your own password") == 0
    assert signs_in(client, editor.username, "their-own-long-password")
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_a_password_the_admin_typed_for_someone_new_is_changed_at_their_first_sign_in(client, team: Team):
    client.force_login(team["admin"])
    data = {"email": "typed@office.example", "role": "viewer", "password": "typed-by-the-admin", "campaigns": []}
    client.post(reverse("web:users"), data)
    assert signs_in(client, "typed@office.example", "typed-by-the-admin")
    assert client.get(reverse("web:dashboard"))["Location"].startswith(reverse("web:password_change"))


def test_anyone_signed_in_changes_their_own_password_and_a_next_elsewhere_is_ignored(client, team: Team):
    viewer = team["viewer"]
    client.force_login(viewer)
    assert client.get(reverse("web:dashboard")).status_code == 200  # chose their own: not sent anywhere
    form = client.get(reverse("web:password_change")).content.decode()
    assert "Change your password" in form
    new = {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    page = client.post(reverse("web:password_change"), new).content.decode()
    assert "govuk-error-summary" in page
    assert "This password is too short" in page
    new = {"old_password": PASSWORD, "new_password1": "a-new-long-one-2026", "new_password2": "a-new-long-one-2026"}
    done = client.post(reverse("web:password_change"), {**new, "next": "https://evil.example/"})
    assert done["Location"] == reverse("web:dashboard")
    assert signs_in(client, viewer.username, "a-new-long-one-2026")


@pytest.fixture
def mail(settings, smtp_server):
    settings.MAILERS = MAILERS
    return smtp_server[0]


def follow_the_link(client, body: str, new_password: str) -> None:
    link = re.search(r"http://testserver(/password/\S+/)", body)
    assert link, body
    form = client.get(link.group(1), follow=True)
    assert "Choose your password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}, follow=True
    )
    assert "Your password is saved" in done.content.decode()


def test_a_reset_link_goes_through_the_mail_server_and_lets_them_choose_a_password(client, team: Team, mail):
    viewer = team["viewer"]
    client.force_login(team["admin"])
    response = client.post(reverse("web:user_password", args=[viewer.pk]), {"how": "link"}, follow=True)
    assert f"A link to choose a new password was emailed to {viewer.email}" in response.content.decode()
    [received] = mail.received
    assert received.rcpt_tos == [viewer.email]
    assert received.message["Subject"] == "Choose your Docket password"
    client.logout()
    follow_the_link(client, received.message.get_content(), "a-brand-new-passphrase")
    assert signs_in(client, viewer.username, "a-brand-new-passphrase")
    assert not signs_in(client, viewer.username, PASSWORD)


def test_someone_added_joins_the_teams_chosen_and_without_a_password_gets_a_link(client, team: Team, mail):
    ours, theirs = team["campaign"], team["other_campaign"]
    client.force_login(team["admin"])
    data = {"email": "New.Person@office.example", "role": "editor", "campaigns": [ours.pk, theirs.pk], "password": ""}
    response = client.post(reverse("web:users"), data, follow=True)
    assert "They have been emailed a link to choose their password." in response.content.decode()
    added = User.objects.get(username="new.person@office.example")
    assert set(added.campaigns.all()) == {ours, theirs}
    assert [m.rcpt_tos for m in mail.received] == [["new.person@office.example"]]
    follow_the_link(client, mail.received[0].message.get_content(), "chosen-by-themselves")
    assert signs_in(client, added.username, "chosen-by-themselves")


def test_a_mail_server_that_is_down_is_said_in_words_not_a_500(client, team: Team, settings):
    from docket.mail.channels.smtp import SmtpSettings

    settings.MAILERS = MAILERS
    settings.DOCKET_SMTP = SmtpSettings.from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")
    client.force_login(team["admin"])
    response = client.post(reverse("web:user_password", args=[team["viewer"].pk]), {"how": "link"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "The mail server did not take the link" in page


def test_an_admin_cannot_change_the_superusers_password(client, team: Team):
    boss = User.objects.create_superuser("boss@office.example", "boss@office.example", PASSWORD)
    deputy = User.objects.create_user("deputy@office.example", "deputy@office.example", PASSWORD)
    set_role(deputy, "admin")
    client.force_login(deputy)
    page = client.post(reverse("web:user_password", args=[boss.pk]), {"how": "temporary"}, follow=True)
    assert "only the superuser changes their password" in page.content.decode()
    assert signs_in(client, boss.username, PASSWORD)


def test_the_admin_role_manages_the_directory_campaigns_and_users(client, team: Team, two_campaigns):
    """A person given the Admin role (not a superuser, no team) reaches every page of what they manage."""
    admin = User.objects.create_user("role-admin@office.example", "role-admin@office.example", PASSWORD)
    set_role(admin, "admin")
    client.force_login(admin)
    theirs = two_campaigns["theirs"]
    body = theirs.recipient.contact.body
    for url in [
        reverse("web:directory"),
        reverse("web:directory_import"),
        reverse("web:body_new"),
        reverse("web:body_edit", args=[body.slug]),
        reverse("web:new_campaign"),
        reverse("web:users"),
        reverse("web:office"),
        *(reverse(name, args=[c.slug]) for c in Campaign.objects.all() for name in ("web:campaign", "web:editor")),
        *(reverse("web:campaign_settings", args=[c.slug]) for c in Campaign.objects.all()),
    ]:
        assert client.get(url).status_code == 200, url
    retire = client.post(reverse("web:body_retire", args=[body.slug]), {"action": "retire"})
    assert retire.status_code == 302
    made = client.post(
        reverse("web:users"), {"email": "x@office.example", "role": "viewer", "password": "twelve-chars-ok"}
    )
    assert made.status_code == 302
    assert User.objects.filter(username="x@office.example").exists()


def test_the_mail_setting_is_the_one_these_tests_use():
    from docket import settings as docket_settings

    assert docket_settings.MAILERS == MAILERS


def test_ones_own_password_and_one_given_by_an_admin_need_the_same_length(client, team: Team, settings):
    client.force_login(team["viewer"])
    form = client.get(reverse("web:password_change")).content.decode()
    assert f"at least {settings.PASSWORD_MIN_LENGTH} characters" in form
    assert "at least 8 characters" not in form
    eleven = "kestrel-owl"
    new = {"old_password": PASSWORD, "new_password1": eleven, "new_password2": eleven}
    page = client.post(reverse("web:password_change"), new).content.decode()
    assert f"It must contain at least {settings.PASSWORD_MIN_LENGTH} characters" in page
    client.force_login(team["admin"])
    users = client.get(reverse("web:users")).content.decode()
    assert f"At least {settings.PASSWORD_MIN_LENGTH} characters, to give them yourself" in users


def test_adding_someone_who_has_an_account_says_so_at_the_top_of_the_page(client, team: Team):
    client.force_login(team["admin"])
    data = {"email": team["viewer"].email.upper(), "role": "viewer", "password": "", "campaigns": []}
    page = client.post(reverse("web:users"), data).content.decode()
    assert "<title>Error: Users" in page
    summary = page.index("govuk-error-summary")
    assert summary < page.index("<h1")  # above the list of users, not under it by the form
    assert "There is already an account with this email address" in page[summary:]


def test_the_email_address_signs_in_whatever_its_case(client, team: Team):
    team["viewer"].set_password("a long enough password")
    team["viewer"].save()
    assert signs_in(client, f"  {team['viewer'].username.upper()} ", "a long enough password")
    assert not signs_in(client, team["viewer"].username.upper(), "a wrong password")
