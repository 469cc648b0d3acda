import datetime

import pytest
from django.utils import timezone

from docket.mail import chasing
from docket.mail.models import OutboxMessage
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.deadlines import add_working_days
from docket.requests.letters import chase
from docket.requests.models import InfoRequest
from tests.mailserver import send_all, sent_example

# The outbox writes from a thread of its own, which must see committed data.
pytestmark = pytest.mark.django_db(transaction=True)

ACTOR = Actor("test")


def test_overdue_requests_are_chased_once_per_interval_up_to_the_maximum(example, smtp_server):
    recorder, config = smtp_server
    requests = sent_example(example, config)
    due = requests["Michael Lane"].due_date
    assert due is not None  # set when it was sent
    assert chasing.requests_to_chase(None, due) == []  # due today: not overdue yet
    day_after = due + datetime.timedelta(days=1)
    assert {r.pk for r in chasing.requests_to_chase(None, day_after)} == {r.pk for r in requests.values()}

    actions.set_chasing(requests["Paddy Tipping"], False, ACTOR, "they rang to say it is coming")
    actions.mark_item_received(requests["Anthony Stansfeld"], "problem_profile", ACTOR)
    chasers = chase(None, ACTOR, today=day_after)
    assert len(chasers) == 2
    assert chase(None, ACTOR, today=day_after) == []  # already queued
    send_all(config)

    thames = next(
        r for r in recorder.received if r.message["Subject"].startswith("Reminder") and "thamesvalley" in r.rcpt_tos[0]
    )
    text = thames.message.get_body(("plain",)).get_content()
    # Its Problem Profile came: the chaser thanks the body and names only what is still outstanding.
    assert "Thank you for your reply. I have not yet received your Response Strategy and updates regarding" in text
    assert "A reply was due" not in text
    assert "Problem Profile" not in text  # received already
    assert (
        thames.message["In-Reply-To"]
        == OutboxMessage.objects.get(request=requests["Anthony Stansfeld"], kind="letter").message_id
    )
    assert any(p.get_content_type() == "application/pdf" for p in thames.message.iter_attachments())

    # As if that chaser went on day_after: the next waits for the interval (10 working days)...
    chased_at = timezone.make_aware(datetime.datetime.combine(day_after, datetime.time(12)))
    InfoRequest.objects.update(last_chased_at=chased_at)
    assert chase(None, ACTOR, today=add_working_days(day_after, 9)) == []
    assert len(chase(None, ACTOR, today=add_working_days(day_after, 10))) == 2
    # ... and there are at most two.
    InfoRequest.objects.update(last_chased_at=chased_at)
    assert chase(None, ACTOR, today=day_after + datetime.timedelta(days=60)) == []
    hampshire = InfoRequest.objects.get(pk=requests["Michael Lane"].pk)
    assert hampshire.chasers_sent == 2
    assert hampshire.events.filter(kind="chase").first().note.startswith("chaser 1")
