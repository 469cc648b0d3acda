"""The mail server limits page: each server's limits and what is used of them now, changed in the workspace
(whole numbers of 1 or more, or empty for no limit), and the workers keep to what it saves."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.mail import limits
from docket.mail.actions import LimitRefused, claim, set_server_limits
from docket.mail.dispatch import store
from docket.mail.messages import Outgoing
from docket.mail.models import OutboxMessage, ServerLimit
from docket.mail.outbox import due
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.letters import queue
from docket.requests.states import RequestState
from docket.web.mail_pages import sending_through

pytestmark = pytest.mark.django_db
PAGE = "/outbox/limits/"


def chasers_claimed(campaign, count: int, claimed: int, at: datetime.datetime, server: str) -> None:
    """``count`` chasers in the outbox, ``claimed`` of them claimed for ``server`` at ``at`` (as a worker does)."""
    actor = Actor("test")
    request = actions.request_for(campaign.recipients.get(contact__full_name="Michael Lane"))
    request = actions.transition(actions.approve(request, actor), EventKind.QUEUE, actor, RequestState.QUEUED)
    actions.mark_sent(request, actor, at)
    for number in range(count):
        store(
            request,
            OutboxMessage.Kind.CHASER,
            Outgoing(f"<c{number}@t>", "a@b.example", f"r{number}@x", "c", [], "A reminder.", "", None, ""),
        )
    assert len(claim(due(at), "worker-1", server, at, claimed)) == claimed


def test_it_shows_each_servers_limits_and_what_was_used_in_the_last_minute_and_day(client, team):
    server = sending_through()
    now = timezone.now()
    ServerLimit.objects.create(server=server, messages_per_minute=30, recipients_per_day=10_000)
    chasers_claimed(team["campaign"], 12, 5, now - datetime.timedelta(hours=2), server)
    chasers_claimed_now = claim(due(now), "worker-2", server, now, 3)
    assert len(chasers_claimed_now) == 3
    client.force_login(team["coordinator"])
    page = client.get(PAGE).content.decode()
    assert f"{server} <strong" in page
    assert "Sending now" in page
    assert '<td class="govuk-table__cell">30</td>' in page
    assert '<td class="govuk-table__cell">10,000</td>' in page
    assert "3 in the last minute" in page  # the two-hour-old claims are out of the minute
    assert "8 in the last 24 hours" in page
    outbox = client.get(reverse("web:outbox")).content.decode()
    assert (
        "3 of 30 messages sent or being sent in the last minute, 8 of 10,000 recipients in the last 24 hours" in outbox
    )
    assert f'href="{PAGE}"' in outbox


def test_a_coordinator_changes_the_limits_and_the_workers_keep_to_them(client, team, caplog):
    server = sending_through()
    client.force_login(team["coordinator"])
    with caplog.at_level(logging.INFO, logger="docket.mail.actions"):
        response = client.post(PAGE, {"server": server, "messages_per_minute": " 30 ", "recipients_per_day": "10,000"})
    assert response.status_code == 302
    limit = ServerLimit.objects.get(server=server)
    assert (limit.messages_per_minute, limit.recipients_per_day) == (30, 10_000)
    assert "coordinator@office.example changed the limits of" in caplog.text
    page = client.get(PAGE).content.decode()
    assert f"The limits of {server} are saved: 30 messages a minute and 10,000 recipients a day." in page
    assert limits.room(server, timezone.now()) == 30

    client.post(PAGE, {"server": server, "messages_per_minute": "", "recipients_per_day": "10000"})
    limit.refresh_from_db()
    assert (limit.messages_per_minute, limit.recipients_per_day) == (None, 10_000)  # empty: no limit
    assert "no limit of messages a minute and 10,000 recipients a day" in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("messages_per_minute", "0", "Messages a minute: Enter 1 or more: a limit of 0 would stop all sending"),
        ("messages_per_minute", "-5", "Messages a minute: Enter a whole number, such as 30, or leave it empty"),
        ("messages_per_minute", "2.5", "Messages a minute: Enter a whole number, such as 30, or leave it empty"),
        ("recipients_per_day", "lots", "Recipients a day: Enter a whole number, such as 10,000, or leave it empty"),
        ("recipients_per_day", "99999999999", "Recipients a day: Enter at most 1,000,000, or leave it empty"),
        ("recipients_per_day", "٣٠", "Recipients a day: Enter a whole number, such as 10,000"),  # Arabic digits
    ],
)
def test_a_limit_that_is_not_a_whole_number_of_one_or_more_is_refused_in_words(client, team, field, typed, said):
    server = sending_through()
    ServerLimit.objects.create(server=server, messages_per_minute=30, recipients_per_day=10_000)
    client.force_login(team["coordinator"])
    posted = {"server": server, "messages_per_minute": "30", "recipients_per_day": "10000"} | {field: typed}
    response = client.post(PAGE, posted)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="govuk-error-summary"' in page
    assert f'<a href="#limit-0-{field}">{said}' in page  # the summary names the field and links to its box
    assert 'class="govuk-form-group govuk-form-group--error"' in page
    assert f'value="{typed}"' in page  # what was typed is shown again, to be put right
    limit = ServerLimit.objects.get(server=server)
    assert (limit.messages_per_minute, limit.recipients_per_day) == (30, 10_000)


def test_only_the_servers_the_page_lists_can_be_set_from_it(client, team):
    client.force_login(team["coordinator"])
    response = client.post(PAGE, {"server": "evil.example:25", "messages_per_minute": "1"})
    assert response.status_code == 400
    assert "This page sets the limits of the mail servers it lists, and no other" in response.content.decode()
    assert not ServerLimit.objects.filter(server="evil.example:25").exists()


def test_the_limits_the_settings_start_with_are_shown_until_saved_here(client, team, settings):
    settings.DOCKET_SMTP_PER_MINUTE, settings.DOCKET_SMTP_PER_DAY = 30, 0
    client.force_login(team["coordinator"])
    page = client.get(PAGE).content.decode()
    assert '<td class="govuk-table__cell">30</td>' in page
    assert "DOCKET_SMTP_PER_MINUTE" in page
    client.post(PAGE, {"server": sending_through(), "messages_per_minute": "", "recipients_per_day": ""})
    limit = ServerLimit.objects.get(server=sending_through())  # saved as no limit: the settings no longer apply
    assert (limit.messages_per_minute, limit.recipients_per_day) == (None, None)
    assert limits.room(sending_through(), timezone.now()) == limits.NO_LIMIT


def test_the_action_refuses_a_limit_out_of_range(team):
    with pytest.raises(LimitRefused, match="Messages a minute must be a whole number from 1 to 1,000,000"):
        set_server_limits("smtp.example:587", 0, None, Actor("test"))
    server, actor = "smtp.example:587", Actor("test")
    assert set_server_limits(server, 30, None, actor) == ["messages_per_minute", "recipients_per_day"]  # a new row
    assert set_server_limits(server, 30, None, actor) == []
    assert set_server_limits(server, 31, None, actor) == ["messages_per_minute"]


AT = datetime.datetime(2026, 11, 24, 19, 0, tzinfo=datetime.UTC)  # 19:00 in London


def test_the_outbox_warns_when_a_days_limit_already_used_holds_the_letters_that_are_due(client, team, monkeypatch):
    server = sending_through()
    chasers_claimed(team["campaign"], 132, 12, AT - datetime.timedelta(hours=4, minutes=55), server)  # at 14:05
    ServerLimit.objects.create(server=server, messages_per_minute=2, recipients_per_day=3)
    monkeypatch.setattr(timezone, "now", lambda: AT)
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:outbox")).content.decode()
    assert 'class="govuk-warning-text" id="held-by-limit"' in page
    assert (
        "120 chasers wait because the mail server&#x27;s limit of 3 recipients a day is reached;"
        " the next can go at about 14:05 tomorrow. Nothing is lost: Docket sends them by itself" in page
    )
    assert "12 of 3 recipients in the last 24 hours" in page


def test_the_outbox_counts_the_letters_and_the_chasers_a_days_limit_holds_each_by_its_name(client, team, monkeypatch):
    server = sending_through()
    chasers_claimed(team["campaign"], 4, 3, AT - datetime.timedelta(hours=4, minutes=55), server)
    ServerLimit.objects.create(server=server, messages_per_minute=2, recipients_per_day=3)
    monkeypatch.setattr(timezone, "now", lambda: AT)
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:outbox")).content.decode()
    assert "1 chaser waits because the mail server&#x27;s limit of 3 recipients a day is reached;" in page
    assert "Nothing is lost: Docket sends it by itself" in page

    other = team["campaign"].recipients.exclude(contact__full_name="Michael Lane").first()
    queue(actions.approve(actions.request_for(other), Actor("test")), Actor("test"))  # a letter, due as well
    page = client.get(reverse("web:outbox")).content.decode()
    assert "1 letter and 1 chaser wait because the mail server&#x27;s limit of 3 recipients a day is reached;" in page
    assert "letters wait" not in page


def test_the_outbox_says_nothing_of_a_minutes_limit_that_only_paces_the_letters(client, team, monkeypatch):
    server = sending_through()
    chasers_claimed(team["campaign"], 5, 2, AT - datetime.timedelta(seconds=10), server)
    ServerLimit.objects.create(server=server, messages_per_minute=2, recipients_per_day=None)
    monkeypatch.setattr(timezone, "now", lambda: AT)
    assert limits.holding(server, AT) is not None  # held, for 50 seconds: the server's pace
    client.force_login(team["coordinator"])
    assert 'id="held-by-limit"' not in client.get(reverse("web:outbox")).content.decode()


def test_saving_a_days_limit_lower_than_what_was_sent_today_says_nothing_more_will_go_until_when(
    client, team, monkeypatch
):
    server = sending_through()
    chasers_claimed(team["campaign"], 20, 12, AT - datetime.timedelta(hours=4, minutes=55), server)
    monkeypatch.setattr(timezone, "now", lambda: AT)
    client.force_login(team["coordinator"])
    client.post(PAGE, {"server": server, "messages_per_minute": "2", "recipients_per_day": "3"})
    page = client.get(PAGE).content.decode()
    assert (
        "12 recipients have been sent to in the last 24 hours, more than the new limit of 3:"
        " nothing more will go until about 14:05 tomorrow." in page
    )
    client.post(PAGE, {"server": server, "messages_per_minute": "2", "recipients_per_day": "100"})
    assert "have been sent to in the last 24 hours" not in client.get(PAGE).content.decode()
