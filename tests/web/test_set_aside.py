"""Set aside: held mail that is not a reply (spam, a newsletter, mail about something else) leaves the holding
pen with who, when and why, is never deleted, and can be returned; the counts of held mail no longer count it.
Refused in words when the message is no longer held (filed or set aside by someone else meanwhile)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from docket.errors import DocketError
from docket.mail import actions as mail_actions
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.actions import Actor, TransitionError
from docket.web.access import held_messages
from tests.samples import reply
from tests.web.conftest import Team, sent
from tests.web.test_user_errors import error_summary

pytestmark = pytest.mark.django_db
SOMEONE = Actor("Case worker")
OTHER = Actor("Another case worker")
HOLDING, SET_ASIDE, FILED = (
    InboundMessage.Status.HOLDING,
    InboundMessage.Status.SET_ASIDE,
    InboundMessage.Status.FILED,
)


def held(subject: str) -> InboundMessage:
    message = ingest(
        reply(sender="offers@spam.example", to="office@x.example", subject=subject), InboundMessage.Source.UPLOAD
    ).message
    assert message.status == HOLDING
    return message


def a_request(team: Team):
    return sent(actions.request_for(team["campaign"].recipients.get(contact__full_name="Michael Lane")))


def test_a_held_message_is_set_aside_with_who_when_and_why_and_returned(team):
    message = held("Cheap printer ink")
    mail_actions.set_aside(message, SOMEONE, "  Spam or   advertising ")
    stored = InboundMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.set_aside_by, stored.set_aside_reason) == (
        SET_ASIDE,
        "Case worker",
        "Spam or advertising",
    )
    assert stored.set_aside_at is not None
    assert not held_messages(team["admin"]).filter(pk=message.pk).exists()
    mail_actions.return_to_pen(stored, OTHER)
    back = InboundMessage.objects.get(pk=message.pk)
    assert back.status == HOLDING
    assert "set aside by Case worker on " in back.holding_reason
    assert "(Spam or advertising), returned by Another case worker" in back.holding_reason
    assert held_messages(team["admin"]).filter(pk=message.pk).exists()


def test_setting_aside_needs_a_reason(team):
    message = held("Newsletter")
    with pytest.raises(DocketError, match=r"Say why the message is set aside\."):
        mail_actions.set_aside(message, SOMEONE, "   ")
    assert InboundMessage.objects.get(pk=message.pk).status == HOLDING


def test_a_filed_message_is_not_set_aside_and_a_held_one_is_not_returned(team):
    message = held("Re: your letter")
    with pytest.raises(TransitionError, match="cannot be returned to the holding pen"):
        mail_actions.return_to_pen(message, SOMEONE)
    mail_actions.file_held(message, a_request(team), SOMEONE)
    with pytest.raises(TransitionError, match="was filed to a request meanwhile, so it cannot be set aside"):
        mail_actions.set_aside(message, SOMEONE, "Spam")
    assert InboundMessage.objects.get(pk=message.pk).status == FILED


def test_a_message_filed_by_someone_else_meanwhile_is_not_set_aside(team):
    """Two people on the page at once: the row in the database decides, not the copy loaded earlier."""
    mine = held("Re: your letter")
    theirs = InboundMessage.objects.get(pk=mine.pk)
    mail_actions.file_held(theirs, a_request(team), OTHER)
    assert mine.status == HOLDING  # loaded before the other filed it
    with pytest.raises(TransitionError, match="was filed to a request meanwhile"):
        mail_actions.set_aside(mine, SOMEONE, "Spam")
    stored = InboundMessage.objects.get(pk=mine.pk)
    assert (stored.status, stored.set_aside_by, stored.request) == (FILED, "", theirs.request)


def test_a_message_set_aside_by_someone_else_meanwhile_is_not_filed(team):
    mine = held("Ink")
    mail_actions.set_aside(InboundMessage.objects.get(pk=mine.pk), OTHER, "Spam")
    said = (
        "“Ink” was set aside (by Another case worker) before you filed it, so it was not filed. It is listed under "
        "“Set aside” below; return it to the holding pen to file it."
    )
    with pytest.raises(TransitionError) as refused:
        mail_actions.file_held(mine, a_request(team), SOMEONE)
    assert str(refused.value) == said
    stored = InboundMessage.objects.get(pk=mine.pk)
    assert (stored.status, stored.request) == (SET_ASIDE, None)


@pytest.mark.parametrize(("mine", "by"), [(True, "you"), (False, "Another case worker")])
def test_filing_a_message_set_aside_in_another_tab_says_who_set_it_aside_and_where_it_is(client, team, mine, by):
    """The page the refusal shows on is already reloaded: it says where the message is, not "reload the page"."""
    message = held("Cheap printer ink")
    client.force_login(team["admin"])
    if mine:  # in another tab
        client.post(reverse("web:set_aside_held", args=[message.pk]), {"reason": "spam"})
    else:
        mail_actions.set_aside(InboundMessage.objects.get(pk=message.pk), OTHER, "Spam")
    posted = {"request": a_request(team).pk}
    summary = error_summary(client.post(reverse("web:file_held", args=[message.pk]), posted, follow=True))
    assert (
        f"“Cheap printer ink” was set aside (by {by}) before you filed it, so it was not filed. It is listed under "
        "“Set aside” below; return it to the holding pen to file it."
    ) in summary
    assert "Reload" not in summary
    assert InboundMessage.objects.get(pk=message.pk).status == SET_ASIDE


def held_count(client) -> str:
    page = client.get(reverse("web:dashboard")).content.decode()
    found = re.search(r"(\d+) messages? in the holding pen", page)
    return found.group(1) if found else "0"


def test_setting_aside_on_the_page_empties_the_pen_and_the_dashboard_count(client, team):
    spam, newsletter = held("Cheap printer ink"), held("Our autumn newsletter")
    client.force_login(team["admin"])
    assert held_count(client) == "2"
    url = reverse("web:set_aside_held", args=[spam.pk])
    response = client.post(url, {"reason": "spam"}, follow=True)
    page = response.content.decode()
    assert "The message “Cheap printer ink” is set aside." in page
    assert "Set aside (1)" in page
    assert "Set aside by admin@office.example on " in page
    assert ": Spam or advertising" in page
    assert held_count(client) == "1"
    other = {"reason": "other", "note": "A council's newsletter"}
    client.post(reverse("web:set_aside_held", args=[newsletter.pk]), other)
    assert held_count(client) == "0"
    assert InboundMessage.objects.get(pk=newsletter.pk).set_aside_reason == "A council's newsletter"
    page = client.get(reverse("web:holding_pen")).content.decode()
    assert "The holding pen is empty." in page
    assert "Set aside (2)" in page
    back = client.post(reverse("web:return_to_pen", args=[spam.pk]), follow=True).content.decode()
    assert "The message “Cheap printer ink” is back in the holding pen." in back
    assert held_count(client) == "1"


CHOOSE = "Choose why the message is set aside (for your own words, “Other”)."


@pytest.mark.parametrize(
    ("posted", "field", "said"),
    [
        ({}, "aside-{}", CHOOSE),
        ({"reason": "nonsense"}, "aside-{}", CHOOSE),
        ({"note": "A newsletter"}, "aside-{}", CHOOSE),  # words, but "Other" not chosen: kept in the box
        ({"reason": "other", "note": "  "}, "aside-other-{}", "Say why the message is set aside."),
        ({"reason": "other", "note": "x" * 301}, "aside-other-{}", "Say why in 300 characters or fewer."),
    ],
)
def test_setting_aside_with_no_reason_is_refused_at_the_field(client, team, posted, field, said):
    message = held("Cheap printer ink")
    client.force_login(team["admin"])
    response = client.post(reverse("web:set_aside_held", args=[message.pk]), posted)
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('class="govuk-error-summary"') : page.index("<h1")]
    assert f'href="#{field.format(message.pk)}">{said}</a>' in summary
    assert f'id="aside-{message.pk}-error"' in page
    assert f'id="{field.format(message.pk)}"' in page
    if posted.get("note", "").strip():
        assert f'value="{posted["note"][:1000]}"' in page
    assert InboundMessage.objects.get(pk=message.pk).status == HOLDING
    assert held_count(client) == "1"


def test_a_message_filed_meanwhile_is_refused_in_words_on_the_page(client, team):
    message = held("Re: your letter")
    mail_actions.file_held(InboundMessage.objects.get(pk=message.pk), a_request(team), OTHER)
    client.force_login(team["admin"])
    response = client.post(reverse("web:set_aside_held", args=[message.pk]), {"reason": "spam"}, follow=True)
    summary = error_summary(response)
    assert "“Re: your letter” was filed to a request meanwhile, so it cannot be set aside." in summary
    assert InboundMessage.objects.get(pk=message.pk).status == FILED
    response = client.post(reverse("web:return_to_pen", args=[message.pk]), follow=True)
    assert "cannot be returned to the holding pen" in error_summary(response)


def test_a_coordinator_sets_aside_only_what_they_may_file(client, team):
    message = held("Ink")
    client.force_login(team["coordinator"])  # no candidate of their campaign: only an admin sees it
    assert client.post(reverse("web:set_aside_held", args=[message.pk]), {"reason": "spam"}).status_code == 404
    message.candidates.add(a_request(team))
    assert client.post(reverse("web:set_aside_held", args=[message.pk]), {"reason": "spam"}).status_code == 302
    client.force_login(team["outsider"])
    assert client.post(reverse("web:return_to_pen", args=[message.pk])).status_code == 404
    assert InboundMessage.objects.get(pk=message.pk).status == SET_ASIDE
    client.force_login(team["viewer"])
    assert client.post(reverse("web:return_to_pen", args=[message.pk])).status_code == 403
    client.force_login(team["coordinator"])
    assert "Set aside (1)" in client.get(reverse("web:holding_pen")).content.decode()
    assert client.post(reverse("web:return_to_pen", args=[message.pk])).status_code == 302
    assert InboundMessage.objects.get(pk=message.pk).status == HOLDING
