"""The evidence ledger in the workspace: items set on the request page, the campaign's matrix and
its export, the bulk actions (chase, publish, embargo), the dashboard's totals, the public table."""

from __future__ import annotations

import csv
import datetime
import html
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from docket.campaigns import actions as ledger_actions
from docket.campaigns import ledger
from docket.campaigns.importing import import_recipients
from docket.campaigns.models import RecipientItem
from docket.mail.models import OutboxMessage
from docket.publishing import actions as publishing
from docket.publishing.models import Publication, PublicationState
from docket.requests import actions
from docket.requests.events import EventKind
from docket.requests.models import InfoRequest
from tests.factories import contact_row, write_csv
from tests.web.conftest import SOMEONE, sent
from tests.web.test_user_errors import error_summary

pytestmark = pytest.mark.django_db
Status = RecipientItem.Status


def cell(request: InfoRequest, position: int = 0) -> RecipientItem:
    return RecipientItem.objects.filter(recipient=request.recipient).order_by("item__position")[position]


def set_status(client, request: InfoRequest, key: str, **data: str):
    return client.post(reverse("web:item_status", args=[request.pk]), {"item": key, **data}, follow=True)


def test_each_item_is_set_from_the_request_page_and_a_missing_detail_is_an_error_summary(client, team, two_campaigns):
    ours = two_campaigns["ours"].sent
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:request", args=[ours.pk])).content.decode()
    assert "Record what the body did about the Problem Profile" in page
    response = set_status(client, ours, "problem_profile", status="published_online", url="")
    assert "Give the web address where the Problem Profile/Strategic Needs Assessment is published" in error_summary(
        response
    )
    set_status(client, ours, "problem_profile", status="published_online", url="https://pcc.example/profile")
    response = set_status(client, ours, "response_strategy", status="refused", note="It is exempt under section 31.")
    page = response.content.decode()
    assert 'href="https://pcc.example/profile"' in page
    assert '<blockquote class="docket-quote">It is exempt under section 31.</blockquote>' in page
    assert [(i.status, i.evidence_url) for i in RecipientItem.objects.filter(recipient=ours.recipient)][:2] == [
        (Status.PUBLISHED_ONLINE, "https://pcc.example/profile"),
        (Status.REFUSED, ""),
    ]
    ours.refresh_from_db()
    assert ours.state == "partially_answered"  # the delivery updates are still awaited
    response = set_status(
        client,
        ours,
        "delivery_updates",
        status="received",
        attachment=str(two_campaigns["ours"].attachment.pk),
        page="2",
    )
    ours.refresh_from_db()
    assert ours.state == "answered"
    assert "a.pdf</a>, page 2" in response.content.decode()


def test_an_attachment_of_another_campaign_is_not_evidence_here(client, team, two_campaigns):
    ours, theirs = two_campaigns["ours"], two_campaigns["theirs"]
    client.force_login(team["admin"])  # sees both campaigns
    url = reverse("web:item_status", args=[ours.sent.pk])
    response = client.post(url, {"item": "problem_profile", "status": "received", "attachment": theirs.attachment.pk})
    assert response.status_code == 404
    assert cell(ours.sent).status == Status.ASKED


def test_the_matrix_links_each_cell_to_its_evidence_in_a_fixed_number_of_queries(client, team, two_campaigns, tmp_path):
    ours = two_campaigns["ours"]
    ledger_actions.set_item_status(
        ours.sent,
        "problem_profile",
        Status.RECEIVED,
        SOMEONE,
        ledger_actions.Evidence(attachment=ours.attachment, page=3),
    )
    ledger_actions.set_item_status(
        ours.sent, "response_strategy", Status.REFUSED, SOMEONE, ledger_actions.Evidence(note="Exempt (s.31)")
    )
    client.force_login(team["viewer"])
    url = reverse("web:ledger", args=[ours.campaign.slug])
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    attachment_link = reverse("web:attachment", args=[ours.attachment.pk])
    assert f'href="{attachment_link}">a.pdf, p. 3</a>' in page
    assert "“Exempt (s.31)”" in page
    assert f"{reverse('web:request', args=[ours.sent.pk])}#ledger-response_strategy" in page
    assert "Of 3 items asked for in the letters sent: <strong>1 received</strong>" in page
    # 60 more bodies (after ours by name): the page shows 50 and asks the database no more than with 3.
    rows = [contact_row(number, body=f"Zeta body {number}") for number in range(10, 70)]
    import_recipients(ours.campaign, write_csv(tmp_path / "more.csv", rows))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert f'href="{attachment_link}">a.pdf, p. 3</a>' in page
    assert len(many) == len(few)
    assert "Bodies 1 to 50 of 63" in page
    assert "Bodies 51 to 63 of 63" in client.get(url + "?page=2").content.decode()


def test_the_ledger_is_exported_as_csv_and_excel_with_formulas_kept_as_text(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    ledger_actions.set_item_status(
        ours.sent, "response_strategy", Status.REFUSED, SOMEONE, ledger_actions.Evidence(note="=HYPERLINK(1)")
    )
    client.force_login(team["viewer"])
    response = client.get(reverse("web:ledger_export", args=[ours.campaign.slug, "csv"]))
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:7] == [
        "body",
        "contact",
        "request",
        "request state",
        "due",
        "Problem Profile/Strategic Needs Assessment",
        "Problem Profile/Strategic Needs Assessment: evidence",
    ]
    row = next(r for r in table if r[2] == str(ours.sent.pk))
    assert row[7:9] == ["Refused", "“=HYPERLINK(1)”"]
    assert len(table) == 1 + ours.campaign.recipients.count()
    response = client.get(reverse("web:ledger_export", args=[ours.campaign.slug, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == table[0]
    excel_row = next(r for r in rows if r[2] == ours.sent.pk)
    assert excel_row[7:9] == ["Refused", "“=HYPERLINK(1)”"]
    formula = next(c for r in sheet.iter_rows() for c in r if c.value == "“=HYPERLINK(1)”")
    assert formula.data_type == "s"


def test_chasing_the_selected_shows_who_and_when_and_sends_none_the_day_a_letter_went(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    today = ours.sent  # its letter went today
    earlier = sent(actions.request_for(ours.recipient))  # the draft, sent too, then dated a month back
    month_ago = timezone.now() - datetime.timedelta(days=30)
    InfoRequest.objects.filter(pk=earlier.pk).update(sent_at=month_ago, due_date=month_ago.date())
    OutboxMessage.objects.filter(request=earlier).update(sent_at=month_ago)
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_chase", args=[ours.campaign.slug])
    page = client.post(url, {"recipient": [today.recipient_id, earlier.recipient_id]}).content.decode()
    assert "Chase the selected bodies?" in page
    assert "The letter went today: a chaser can be sent from" in page
    assert timezone.localtime(month_ago).strftime("%-d %B %Y") in page
    assert OutboxMessage.objects.filter(kind="chaser").count() == 0  # nothing yet: it asks first
    response = client.post(
        url, {"recipient": [today.recipient_id, earlier.recipient_id], "confirm": "yes"}, follow=True
    )
    assert list(OutboxMessage.objects.filter(kind="chaser").values_list("request", flat=True)) == [earlier.pk]
    assert "1 chaser queued for sending." in response.content.decode()
    assert "1 not chased" in response.content.decode()
    assert earlier.events.filter(kind=EventKind.CHASE).count() == 1


def test_chasing_says_which_selected_bodies_were_never_written_to(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    InfoRequest.objects.filter(pk=ours.draft.pk).delete()  # a body of the campaign with no request yet
    never = ours.recipient.contact.body.name
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_chase", args=[ours.campaign.slug])
    page = client.post(url, {"recipient": [ours.sent.recipient_id, ours.recipient.pk]}).content.decode()
    assert f"Not chased, as no letter has gone to it yet: {never}." in html.unescape(page)
    alone = client.post(url, {"recipient": [ours.recipient.pk]}, follow=True)
    assert "No letter has gone to the selected bodies yet: only a body written to can be chased." in error_summary(
        alone
    )


def test_publishing_the_selected_items_asks_first_then_publishes_them_and_their_letters(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    ledger_actions.set_item_status(
        ours.sent, "problem_profile", Status.RECEIVED, SOMEONE, ledger_actions.Evidence(attachment=ours.attachment)
    )
    theirs_cell = cell(two_campaigns["theirs"].sent)
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_publish", args=[ours.campaign.slug])
    chosen = [cell(ours.sent).pk, theirs_cell.pk]  # one of theirs, posted by hand: not ours, ignored
    page = client.post(url, {"cell": chosen}).content.decode()
    assert "Publish the selected items?" in page
    assert "a.pdf</a> (0 redactions)" in page
    assert not Publication.objects.filter(attachment=ours.attachment).exists()
    # a.pdf has no text Docket could read: refused, and left private, until a person has checked it by eye.
    refused = client.post(url, {"cell": chosen, "confirm": "yes", "letters": "yes"}, follow=True).content.decode()
    assert "read it by eye" in refused
    document = Publication.objects.get(attachment=ours.attachment)
    assert document.state == PublicationState.PRIVATE
    publishing.confirm_checked_by_eye(document, SOMEONE, "a blank test page")
    client.post(url, {"cell": chosen, "confirm": "yes", "letters": "yes"})
    document.refresh_from_db()
    letter = Publication.objects.get(request=ours.sent, kind="letter")
    assert (document.state, letter.state) == (PublicationState.PUBLISHED, PublicationState.PUBLISHED)
    assert not Publication.objects.filter(request=two_campaigns["theirs"].sent, state="published").exists()


def test_the_publish_confirmation_searches_a_bounded_part_of_long_texts_and_says_so(
    client, team, two_campaigns, monkeypatch
):
    """An attacker's reply held tens of millions of characters: the confirmation page searched them all on every
    load. It searches at most PREVIEW_CHARS of its texts together, as the request page does, and says a count
    is of the start only."""
    from docket.web import ledger_pages

    ours = two_campaigns["ours"]
    ours.attachment.text = "x" * 5_000 + " jane.doe@private.example"
    ours.attachment.save(update_fields=["text"])
    ledger_actions.set_item_status(
        ours.sent, "problem_profile", Status.RECEIVED, SOMEONE, ledger_actions.Evidence(attachment=ours.attachment)
    )
    from docket.publishing.rules import spans_in

    searched: list[int] = []

    def counted(text: str, req):
        searched.append(len(text))
        return spans_in(text, req)

    monkeypatch.setattr(ledger_pages, "spans_in", counted)
    monkeypatch.setattr(ledger_pages, "PREVIEW_CHARS", 3_000)
    client.force_login(team["coordinator"])
    page = client.post(reverse("web:ledger_publish", args=[ours.campaign.slug]), {"cell": [cell(ours.sent).pk]})
    assert "a.pdf</a> (at least 0 redactions: only the start of the text is counted here)" in page.content.decode()
    assert sum(searched) <= 3_000
    monkeypatch.setattr(ledger_pages, "PREVIEW_CHARS", 1_000_000)
    page = client.post(reverse("web:ledger_publish", args=[ours.campaign.slug]), {"cell": [cell(ours.sent).pk]})
    assert "a.pdf</a> (1 redaction)" in page.content.decode()


def test_an_embargo_is_set_on_what_the_selection_covers(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_embargo", args=[ours.campaign.slug])
    response = client.post(url, {"recipient": ours.sent.recipient_id, "embargo_until": ""}, follow=True)
    assert "Give the day the embargo ends" in error_summary(response)
    client.post(url, {"recipient": ours.sent.recipient_id, "embargo_until": "2031-01-31"})
    letter = Publication.objects.get(request=ours.sent, kind="letter")
    assert letter.embargo_until == datetime.date(2031, 1, 31)
    assert ours.sent.events.filter(kind=EventKind.PUBLICATION_EMBARGO, note="Letter: until 2031-01-31").count() == 1


def test_an_embargo_date_that_is_not_a_day_is_said_at_the_date_boxes_and_kept_as_typed(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_embargo", args=[ours.campaign.slug])
    typed = {"embargo_until_day": "30", "embargo_until_month": "2", "embargo_until_year": "2031"}
    response = client.post(url, {"recipient": ours.sent.recipient_id, **typed})
    summary = error_summary(response)
    assert '<a href="#embargo_until-selected-day">The embargo date must be a real date' in summary
    page = response.content.decode()
    boxes = page[page.index('id="embargo_until-selected-error"') :]
    assert "The embargo date must be a real date" in boxes[:300]  # the message at the boxes themselves
    assert 'id="embargo_until-selected-day" name="embargo_until_day" type="text" inputmode="numeric" value="30"' in (
        boxes
    )
    assert 'name="embargo_until_month" type="text" inputmode="numeric" value="2"' in boxes
    assert 'name="embargo_until_year" type="text" inputmode="numeric" value="2031"' in boxes
    assert f'name="recipient" type="checkbox" value="{ours.sent.recipient_id}" checked' in page  # still ticked
    assert not Publication.objects.filter(request=ours.sent, embargo_until__isnull=False).exists()


def test_a_web_address_without_https_is_taken_not_blocked_by_the_browser(client, team, two_campaigns):
    ours = two_campaigns["ours"].sent
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:request", args=[ours.pk])).content.decode()
    assert f'<form method="post" action="{reverse("web:item_status", args=[ours.pk])}" novalidate>' in page
    set_status(client, ours, "problem_profile", status="published_online", url="www.pcc.example/profile")
    assert cell(ours).evidence_url == "https://www.pcc.example/profile"
    response = set_status(client, ours, "problem_profile", status="published_online", url="the PCC's website")
    said = "Enter the web address where the Problem Profile/Strategic Needs Assessment is published, starting with"
    assert said in error_summary(response)


def test_the_dashboard_shows_each_campaigns_ledger_totals(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    ledger_actions.set_item_status(
        ours.sent, "response_strategy", Status.REFUSED, SOMEONE, ledger_actions.Evidence(note="no")
    )
    ledger_actions.set_item_status(
        ours.sent, "problem_profile", Status.RECEIVED, SOMEONE, ledger_actions.Evidence(note="by post")
    )
    InfoRequest.objects.filter(pk=ours.sent.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(team["viewer"])
    page = client.get(reverse("web:dashboard")).content.decode()
    cell_html = page[page.index(f'id="ledger-{ours.campaign.slug}"') :][:800]
    assert "<strong>1 of 3</strong> received" in cell_html
    assert "1 refused" in cell_html
    assert "1 overdue" in cell_html  # the delivery updates, of a request past its due date


def test_the_public_table_counts_from_the_ledger_and_no_yes_contradicts_it(client, two_campaigns):
    from docket.publishing import actions as publishing

    ours = two_campaigns["ours"]
    publishing.publish(ours.publication, SOMEONE)  # the letter: approved in the fixture
    evidence = ledger_actions.Evidence
    ledger_actions.set_item_status(ours.sent, "problem_profile", Status.RECEIVED, SOMEONE, evidence(note="by post"))
    ledger_actions.set_item_status(
        ours.sent, "response_strategy", Status.PUBLISHED_ONLINE, SOMEONE, evidence(url="https://pcc.example/s")
    )
    page = client.get(f"/public/{ours.campaign.slug}/").content.decode()
    row = page[page.index('data-body="') : page.index("</tr>", page.index('data-body="'))]
    assert '<td class="govuk-table__cell" data-column="received">1 of 3</td>' in row
    assert 'data-column="published_online">1</td>' in row
    assert 'data-column="refused">0</td>' in row
    assert 'data-column="awaited">1</td>' in row
    assert "Answered" not in page
    assert ">Yes<" not in page
    ledger_actions.set_item_status(ours.sent, "delivery_updates", Status.REFUSED, SOMEONE, evidence(note="exempt"))
    page = client.get(f"/public/{ours.campaign.slug}/").content.decode()
    assert 'data-column="refused">1</td>' in page
    assert 'data-column="awaited">None</td>' in page
    body = client.get(f"/public/{ours.campaign.slug}/{ours.sent.recipient.contact.body.slug}/").content.decode()
    link = '<a class="govuk-link govuk-!-text-break-word" href="https://pcc.example/s"'
    assert f"Response Strategy: published online: {link}" in body  # the address, not "published online (online)"
    assert "exempt" not in body  # the reason is the body's reply: public only when that is published


def test_the_public_table_puts_an_item_not_held_in_its_own_column_as_the_note_says(client, two_campaigns):
    """A body with one item received, one awaited and one not held: the not held item is not in
    "Refused" nor beside "Still awaited", but in a column of its own, counted as the workspace counts it."""
    ours = two_campaigns["ours"]
    publishing.publish(ours.publication, SOMEONE)
    evidence = ledger_actions.Evidence
    ledger_actions.set_item_status(ours.sent, "problem_profile", Status.RECEIVED, SOMEONE, evidence(note="by post"))
    ledger_actions.set_item_status(ours.sent, "response_strategy", Status.NOT_HELD, SOMEONE, evidence(note="none"))
    page = client.get(f"/public/{ours.campaign.slug}/").content.decode()
    row = page[page.index('data-body="') : page.index("</tr>", page.index('data-body="'))]
    assert 'data-column="refused">0</td>' in row
    assert 'data-column="not_held">1</td>' in row
    assert 'data-column="awaited">1</td>' in row
    assert ">Not held</th>" in page
    assert "not held (the body says it does not hold it)" in page
    totals = ledger.request_totals(ours.sent.recipient.item_states.all())
    assert (totals.refused, totals.not_held, totals.awaited) == (0, 1, 1)


def test_the_ledger_and_the_campaign_page_link_to_the_public_pages_and_say_what_is_public(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    slug = ours.campaign.slug
    ledger_actions.set_item_status(
        ours.sent, "problem_profile", Status.RECEIVED, SOMEONE, ledger_actions.Evidence(attachment=ours.attachment)
    )
    client.force_login(team["coordinator"])
    ledger_url = reverse("web:ledger", args=[slug])
    before = client.get(ledger_url).content.decode()
    assert "Nothing of this campaign is public yet" in before
    assert 'data-public="' not in before
    assert "/public/" not in client.get(reverse("web:campaign", args=[slug])).content.decode()

    document = publishing.document_publication(ours.attachment.pk, ours.sent)
    publishing.confirm_checked_by_eye(document, SOMEONE, "a blank test page")
    publishing.publish(publishing.approve(document, SOMEONE), SOMEONE)
    waiting = client.get(ledger_url).content.decode()  # the document is published, its letter not yet
    assert '<span class="govuk-body-s" data-public="document">Published, not public until its letter is</span>' in (
        waiting
    )

    response = client.post(
        reverse("web:ledger_publish", args=[slug]),
        {"cell": [cell(ours.sent).pk], "confirm": "yes", "letters": "yes"},
        follow=True,
    )
    page = response.content.decode()
    assert "2 published." in page  # the letter, and the document (published already)
    public_page = reverse("public:campaign", args=[slug])
    body_page = reverse("public:body", args=[slug, ours.sent.recipient.contact.body.slug])
    assert f'<a class="govuk-link" href="{public_page}">The public page</a> of this campaign' in page
    assert f'data-public="body">Public: <a class="govuk-link" href="{body_page}">the letter, 1 document<' in page
    assert '<span class="govuk-body-s" data-public="document">Public</span>' in page
    campaign_page = client.get(reverse("web:campaign", args=[slug])).content.decode()
    assert f'<a class="govuk-link" href="{public_page}" id="public-page">Its public page</a>' in campaign_page
    assert client.get(public_page).status_code == 200
    assert client.get(body_page).status_code == 200


def test_an_item_of_a_letter_not_sent_reads_to_ask_not_asked(client, team, two_campaigns):
    """A tester saw every cell of a body whose letter had not gone say "Asked"."""
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:ledger", args=[ours.campaign.slug])).content.decode()
    draft_row = page[page.index(f'id="ledger-row-{ours.draft.recipient_id}"') :].split("</tr>")[0]
    sent_row = page[page.index(f'id="ledger-row-{ours.sent.recipient_id}"') :].split("</tr>")[0]
    assert 'To ask</strong> <span class="govuk-body-s">(the letter is not sent)' in draft_row
    assert ">Asked<" not in draft_row
    assert ">Asked<" in sent_row
    assert "To ask" not in sent_row
