"""Every view, for every named actor: the public is sent to sign in, and each role gets exactly its rights."""

import pytest
from django.urls import get_resolver, reverse

from docket.web import urls as web_urls

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"
ACTORS = ["viewer", "editor", "coordinator", "admin", "outsider"]


def pages(team):
    """(url name, method, url, data, {actor: expected status})"""
    slug, req, recipient = team["campaign"].slug, team["request"], team["request"].recipient_id
    ok_all_on_team = {"viewer": 200, "editor": 200, "coordinator": 200, "admin": 200, "outsider": 404}
    return [
        ("dashboard", "get", reverse("web:dashboard"), None, dict.fromkeys(ACTORS, 200)),
        ("campaign", "get", reverse("web:campaign", args=[slug]), None, ok_all_on_team),
        ("editor", "get", reverse("web:editor", args=[slug]), None, ok_all_on_team),
        (
            "editor",
            "post",
            reverse("web:editor", args=[slug]),
            {"template_source": "Hi", "action": "save"},
            {"viewer": 403, "editor": 302, "coordinator": 302, "admin": 302, "outsider": 404},
        ),
        ("recipient", "get", reverse("web:recipient", args=[slug, recipient]), None, ok_all_on_team),
        (
            "learn_campaign",
            "get",
            reverse("web:learn_campaign"),
            None,
            {"viewer": 403, "editor": 200, "coordinator": 200, "admin": 200, "outsider": 200},
        ),
        (
            "add_letter",
            "get",
            reverse("web:add_letter", args=[slug]),
            None,
            {"viewer": 403, "editor": 200, "coordinator": 200, "admin": 200, "outsider": 404},
        ),
        (
            "recipient",
            "post",
            reverse("web:recipient", args=[slug, recipient]),
            {"contact-full_name": ""},
            {"viewer": 403, "editor": 200, "coordinator": 200, "admin": 200, "outsider": 404},
        ),
        ("letter_file", "get", reverse("web:letter_file", args=[slug, recipient, "pdf"]), None, ok_all_on_team),
        (
            "campaign_settings",
            "post",
            reverse("web:campaign_settings", args=[slug]),
            {"title": "New title"},
            {"viewer": 403, "editor": 302, "coordinator": 302, "admin": 302, "outsider": 404},
        ),
        (
            "campaign_bulk",
            "post",
            reverse("web:campaign_bulk", args=[slug]),
            {"action": "approve"},
            {"viewer": 403, "editor": 403, "coordinator": 302, "admin": 302, "outsider": 404},
        ),
        ("request", "get", reverse("web:request", args=[req.pk]), None, ok_all_on_team),
        (
            "frozen_letter",
            "get",
            reverse("web:frozen_letter", args=[req.pk]),
            None,
            ok_all_on_team | {"viewer": 404, "editor": 404, "coordinator": 404, "admin": 404},
        ),  # nothing sent yet
        (
            "request_action",
            "post",
            reverse("web:request_action", args=[req.pk, "approve"]),
            {},
            {"viewer": 403, "editor": 403, "coordinator": 302, "admin": 302, "outsider": 404},
        ),
        (
            "item_received",
            "post",
            reverse("web:item_received", args=[req.pk]),
            {"item": "x"},
            {"viewer": 403, "editor": 403, "coordinator": 302, "admin": 302, "outsider": 404},
        ),
        (
            "upload",
            "post",
            reverse("web:upload", args=[req.pk]),
            {},
            {"viewer": 403, "editor": 403, "coordinator": 302, "admin": 302, "outsider": 404},
        ),
        (
            "publication",
            "post",
            reverse("web:publication", args=[req.pk]),
            {"kind": "letter", "action": "approve"},
            {"viewer": 403, "editor": 403, "coordinator": 302, "admin": 302, "outsider": 404},
        ),
        ("attachment", "get", reverse("web:attachment", args=[999999]), None, dict.fromkeys(ACTORS, 404)),
        (
            "holding_pen",
            "get",
            reverse("web:holding_pen"),
            None,
            {"viewer": 403, "editor": 403, "coordinator": 200, "admin": 200, "outsider": 200},
        ),
        (
            "file_held",
            "post",
            reverse("web:file_held", args=[999999]),
            {"request": req.pk},
            {"viewer": 403, "editor": 403, "coordinator": 404, "admin": 404, "outsider": 404},
        ),
        (
            "outbox",
            "get",
            reverse("web:outbox"),
            None,
            {"viewer": 403, "editor": 403, "coordinator": 200, "admin": 200, "outsider": 200},
        ),
        (
            "settle",
            "post",
            reverse("web:settle", args=[999999, "resend"]),
            {},
            {"viewer": 403, "editor": 403, "coordinator": 404, "admin": 404, "outsider": 404},
        ),
        (
            "office",
            "get",
            reverse("web:office"),
            None,
            {"viewer": 403, "editor": 403, "coordinator": 403, "admin": 200, "outsider": 403},
        ),
        (
            "users",
            "get",
            reverse("web:users"),
            None,
            {"viewer": 403, "editor": 403, "coordinator": 403, "admin": 200, "outsider": 403},
        ),
        (
            "user_update",
            "post",
            reverse("web:user_update", args=[team["viewer"].pk]),
            {"role": "admin"},
            {"viewer": 403, "editor": 403, "coordinator": 403, "admin": 302, "outsider": 403},
        ),
    ]


def test_every_view_is_in_the_table(team):
    named = {p.name for p in get_resolver(web_urls).url_patterns} - {"login", "logout"}
    assert named == {name for name, *_ in pages(team)}


def test_the_anonymous_public_is_sent_to_sign_in(client, team):
    for name, method, url, data, _ in pages(team):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302, name
        assert response["Location"].startswith(SIGN_IN), name


@pytest.mark.parametrize("actor", ACTORS)
def test_each_role_gets_exactly_its_rights(client, team, actor):
    for name, method, url, data, expected in pages(team):
        client.force_login(team[actor])
        response = getattr(client, method)(url, data or {})
        assert response.status_code == expected[actor], f"{actor} {method.upper()} {name}: {response.status_code}"


def test_guessing_the_id_of_another_campaigns_request_finds_nothing(client, team):
    client.force_login(team["outsider"])
    for pk in range(max(1, team["request"].pk - 2), team["request"].pk + 3):
        assert client.get(reverse("web:request", args=[pk])).status_code == 404


def test_repeated_failed_sign_ins_lock_the_account(client, team):
    for _ in range(5):
        client.post(SIGN_IN, {"username": "viewer@office.example", "password": "wrong"})
    response = client.post(SIGN_IN, {"username": "viewer@office.example", "password": "a-long-test-password"})
    assert response.status_code == 429


def test_a_coordinator_publishes_with_an_embargo_and_consent(client, team):
    from django.utils import timezone

    from docket.mail.dispatch import queue
    from docket.publishing.models import Publication
    from docket.requests import actions
    from docket.requests.actions import Actor

    request = actions.approve(team["request"], Actor("test"))
    queue(request, Actor("test"))
    actions.mark_sent(request, Actor("test"), timezone.now())
    client.force_login(team["coordinator"])
    url = reverse("web:publication", args=[request.pk])
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    data = {"kind": "letter", "object": 0, "action": "publish", "embargo_until": tomorrow, "consent": "Not needed"}
    assert client.post(url, data).status_code == 302
    publication = Publication.objects.get(kind="letter")
    assert (publication.state, publication.embargo_until.isoformat(), publication.consent) == (
        "published",
        tomorrow,
        "Not needed",
    )
    assert client.get("/public/").content.decode().count("iasc-vru-2020") == 0  # embargoed until tomorrow
    bad = client.post(url, {"kind": "letter", "object": 0, "action": "private", "embargo_until": "soon"}, follow=True)
    assert "Invalid isoformat" in bad.content.decode() or "soon" in bad.content.decode()


@pytest.fixture
def held(team):
    """Held mail: one the matcher found may answer the team's request, one it found nothing for; each with a file."""
    from docket.documents.models import Attachment, store
    from docket.mail.models import InboundMessage

    def message(subject: str) -> InboundMessage:
        raw = f"From: x@unknown.example\r\nSubject: {subject}\r\n\r\nbody".encode()
        made = InboundMessage.objects.create(
            blob=store(raw), source="upload", subject=subject, status="holding", holding_reason="held"
        )
        Attachment.objects.create(message=made, blob=store(subject.encode() + b" attached"), filename="a.pdf")
        return made

    ours, nobodys = message("For the team campaign"), message("For no campaign")
    ours.candidates.add(team["request"])
    return {"ours": ours, "nobodys": nobodys}


@pytest.mark.parametrize(
    ("actor", "sees"),
    [("coordinator", {"ours"}), ("admin", {"ours", "nobodys"}), ("outsider", set())],
)
def test_held_mail_is_read_only_by_admins_and_its_campaigns_coordinators(client, team, held, actor, sees):
    client.force_login(team[actor])
    page = client.get(reverse("web:holding_pen")).content.decode()
    for name, message in held.items():
        assert (message.subject in page) == (name in sees), f"{actor} and the holding pen: {name}"
        attachment = message.attachments.get()
        response = client.get(reverse("web:attachment", args=[attachment.pk]))
        assert response.status_code == (200 if name in sees else 404), f"{actor} and {name}'s attachment"


def test_a_coordinator_on_no_campaign_cannot_file_held_mail(client, team, held):
    client.force_login(team["outsider"])
    response = client.post(reverse("web:file_held", args=[held["ours"].pk]), {"request": team["request"].pk})
    assert response.status_code == 404
    held["ours"].refresh_from_db()
    assert held["ours"].status == "holding"
