"""Setting a campaign up in the workspace: references, items, recipients, fields, item states, the activity log."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.http.response import HttpResponseBase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from docket.campaigns import actions
from docket.campaigns.importing import check_recipients, import_recipients
from docket.campaigns.models import Campaign, Office, Recipient, RecipientItem
from docket.directory.models import Body, Contact, Tag
from docket.requests import actions as requests
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.models import Event, InfoRequest
from tests.factories import contact_row, write_csv
from tests.web.conftest import Team, sent, shown_file

pytestmark = pytest.mark.django_db
SOMEONE = Actor("test")


def page_of(response: HttpResponseBase) -> str:
    return bytes(getattr(response, "content", b"")).decode()


def test_removing_a_reference_the_letter_cites_is_refused_naming_the_line(client, team: Team):
    campaign = team["campaign"]
    cited = campaign.references.get(key="vru_funding")
    line = next(n for n, text in enumerate(campaign.template_source.splitlines(), 1) if 'cite("vru_funding")' in text)
    client.force_login(team["editor"])
    url = reverse("web:reference", args=[campaign.slug, cited.pk])
    page = page_of(client.post(url, {"action": "remove"}, follow=True))
    assert "govuk-error-summary" in page
    assert f"still cites the reference &#x27;vru_funding&#x27; on line {line}" in page
    assert campaign.references.filter(pk=cited.pk).exists()
    assert not Event.objects.filter(kind=EventKind.REFERENCE_REMOVED).exists()


def test_a_reference_is_added_edited_and_removed_each_logged(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    data = {"key": "new_report", "author": "Home Office", "year": "2021", "title": "A report", "url": ""}
    assert client.post(reverse("web:references", args=[campaign.slug]), data).status_code == 302
    added = campaign.references.get(key="new_report")
    url = reverse("web:reference", args=[campaign.slug, added.pk])
    client.post(url, data | {"title": "A better title", "action": "save"})
    added.refresh_from_db()
    assert added.title == "A better title"
    client.post(url, {"action": "remove"})
    assert not campaign.references.filter(key="new_report").exists()
    kinds = list(campaign.events.filter(kind__startswith="reference").values_list("kind", "actor_name"))
    assert kinds == [
        (EventKind.REFERENCE_ADDED, "editor@office.example"),
        (EventKind.REFERENCE_CHANGED, "editor@office.example"),
        (EventKind.REFERENCE_REMOVED, "editor@office.example"),
    ]


def test_an_item_is_added_for_every_recipient_reordered_and_kept_once_a_letter_asked_for_it(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    client.post(reverse("web:items", args=[campaign.slug]), {"key": "budget", "label": "your budget", "action": "add"})
    budget = campaign.items.get(key="budget")
    assert budget.recipient_states.filter(state=RecipientItem.State.ASK).count() == campaign.recipients.count()
    client.post(reverse("web:items", args=[campaign.slug]), {"action": "up", "item": budget.pk})
    keys = list(campaign.items.order_by("position").values_list("key", flat=True))
    assert keys[-2] == "budget"
    sent(team["request"])  # a letter asking for budget has gone
    page = page_of(client.post(reverse("web:item", args=[campaign.slug, budget.pk]), {"action": "remove"}, follow=True))
    assert "1 letter has already gone asking for" in page
    assert campaign.items.filter(key="budget").exists()


def test_every_body_with_a_tag_is_added_in_one_step_with_the_chosen_contact(client, team: Team, office):
    campaign = Campaign.objects.create(slug="fresh", title="Fresh", office=team["campaign"].office)
    campaign.team.add(team["editor"])
    tag = Tag.objects.create(name="Pilot area")
    bodies = [Body.objects.create(name=f"Pilot body {n}") for n in range(3)]
    for body in bodies:
        body.tags.add(tag)
        Contact.objects.create(body=body, full_name=f"Chief of {body.name}", email=f"chief{body.pk}@pilot.example")
    deputy = Contact.objects.create(body=bodies[0], full_name="Deputy", email="deputy@pilot.example")
    Body.objects.create(name="Untagged body").contacts.create(full_name="Someone", email="someone@x.example")
    client.force_login(team["editor"])
    url = reverse("web:add_recipients", args=[campaign.slug])
    page = page_of(client.get(url, {"tag": "Pilot area"}))
    assert page.count('name="body"') == 3
    assert f'name="contact-{bodies[0].pk}"' in page
    assert "Untagged body" not in page
    data = {"body": [str(b.pk) for b in bodies], f"contact-{bodies[0].pk}": str(deputy.pk)}
    assert client.post(url, data).status_code == 302
    added = set(campaign.recipients.values_list("contact__full_name", flat=True))
    assert added == {"Deputy", "Chief of Pilot body 1", "Chief of Pilot body 2"}
    assert campaign.events.filter(kind=EventKind.RECIPIENT_ADDED).count() == 3


def test_a_recipient_is_removed_until_its_letter_has_gone(client, team: Team):
    campaign = team["campaign"]
    draft = team["request"].recipient
    other = campaign.recipients.exclude(pk=draft.pk).first()
    assert other is not None
    sent(requests.request_for(other))
    client.force_login(team["editor"])
    client.post(reverse("web:remove_recipient", args=[campaign.slug, draft.pk]))
    assert not Recipient.objects.filter(pk=draft.pk).exists()
    page = page_of(client.post(reverse("web:remove_recipient", args=[campaign.slug, other.pk]), follow=True))
    assert "the letter is sent, so the recipient stays" in page
    assert Recipient.objects.filter(pk=other.pk).exists()
    removed = campaign.events.get(kind=EventKind.RECIPIENT_REMOVED)
    assert removed.request is None
    assert "Michael Lane" in removed.note
    assert campaign.events.filter(kind=EventKind.CREATE, request__isnull=True).exists()  # its history stays


def test_the_fields_grid_adds_a_field_for_everyone_renames_one_and_marks_blanks(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    url = reverse("web:fields", args=[campaign.slug])
    client.post(url, {"action": "add_field", "name": "budget_year", "value": ""})
    assert all(r.fields["budget_year"] == "" for r in campaign.recipients.all())
    page = page_of(client.get(url))
    assert page.count("docket-blank") >= campaign.recipients.count()
    one = campaign.recipients.order_by("contact__body__name", "pk")[0]
    client.post(url, {"action": "save", "row": [one.pk], f"f-{one.pk}-budget_year": "2021/22"})
    one.refresh_from_db()
    assert one.fields["budget_year"] == "2021/22"
    client.post(url, {"action": "rename", "old": "budget_year", "new": "year"})
    one.refresh_from_db()
    assert one.fields["year"] == "2021/22"
    assert "budget_year" not in one.fields
    kinds = set(campaign.events.values_list("kind", flat=True))
    assert {EventKind.FIELD_ADDED, EventKind.FIELDS_CHANGED, EventKind.FIELD_RENAMED} <= kinds


def test_an_item_set_to_not_applicable_completes_the_request_on_its_timeline(client, team: Team):
    request = sent(team["request"])
    recipient = request.recipient
    states = list(recipient.item_states.filter(state=RecipientItem.State.ASK).select_related("item"))
    assert len(states) >= 2
    for state in states[:-1]:
        requests.mark_item_received(request, state.item.key, SOMEONE)
    request.refresh_from_db()
    assert request.state == "partially_answered"
    last = states[-1]
    client.force_login(team["editor"])
    url = reverse("web:recipient", args=[team["campaign"].slug, recipient.pk])
    form = client.get(url).context
    data = {f"contact-{name}": value for name, value in form["contact_form"].initial.items() if value is not None}
    data |= {name: value for name, value in recipient.fields.items()}
    for state, item_form in form["item_forms"]:
        new_state = "n/a" if state.pk == last.pk else state.state
        data |= {f"{item_form.prefix}-state": new_state, f"{item_form.prefix}-title": state.title}
        data |= {f"{item_form.prefix}-url": state.url}
    assert client.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.state == "answered"
    event = request.events.get(kind=EventKind.ITEM_STATES_CHANGED)
    assert (event.from_state, event.to_state, event.actor_name) == (
        "partially_answered",
        "answered",
        "editor@office.example",
    )
    assert f"{last.item.key}: Ask for it → Not applicable" in event.note


def test_saving_the_template_and_the_settings_are_logged_and_shown_on_the_activity_page(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    client.post(reverse("web:editor", args=[campaign.slug]), {"template_source": "Hello.", "action": "save"})
    data = {
        "title": "Renamed campaign",
        "office": campaign.office.pk,
        "response_working_days": 20,
        "very_overdue_working_days": 20,
        "max_chasers": 2,
        "chase_interval_working_days": 10,
        "letter_date_day": "13",
        "letter_date_month": "10",
        "letter_date_year": "2020",
    }
    client.post(reverse("web:campaign_settings", args=[campaign.slug]), data)
    settings_event = campaign.events.get(kind=EventKind.SETTINGS_CHANGED)
    assert "title: 'Independent Anti-Slavery Commissioner" not in settings_event.note  # only what changed
    assert "→ 'Renamed campaign'" in settings_event.note
    client.force_login(team["viewer"])
    page = page_of(client.get(reverse("web:activity", args=[campaign.slug])))
    assert "Letter template saved" in page
    assert "Settings changed" in page
    assert page.count("editor@office.example") >= 2


def test_the_recipients_import_in_the_browser_writes_nothing_before_confirming(client, team: Team, tmp_path: Path):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    url = reverse("web:import_recipients", args=[campaign.slug])
    rows = [contact_row(n) | {"field:vru_work": f"works {n}", "item:problem_profile": ""} for n in (1, 2)]
    rows.append(contact_row(3, email="not an email") | {"field:vru_work": "x", "item:problem_profile": "maybe"})
    path = write_csv(tmp_path / "people.csv", rows)
    before = campaign.recipients.count()
    with path.open("rb") as handle:
        assert client.post(url, {"file": handle}).status_code == 302
    page = page_of(client.get(url))
    assert "people.csv has 2 problems in 1 row" in page
    assert "Enter a valid email address" in page
    assert "is not one of: ask, published, n/a" in page
    assert campaign.recipients.count() == before
    client.post(url, {"action": "import", "skip_invalid": "yes"} | shown_file(page))
    assert campaign.recipients.count() == before + 2
    assert campaign.events.filter(kind=EventKind.RECIPIENTS_IMPORTED, note__startswith="people.csv").exists()


def test_the_recipients_import_warns_of_rows_with_no_email_address(client, team: Team, tmp_path: Path):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    url = reverse("web:import_recipients", args=[campaign.slug])
    rows = [contact_row(n) | {"field:vru_work": f"works {n}"} for n in (1, 2, 3)]
    rows[1]["email"] = rows[2]["email"] = ""
    with write_csv(tmp_path / "people.csv", rows).open("rb") as handle:
        client.post(url, {"file": handle})
    page = page_of(client.get(url))
    assert "2 rows give no email address." in page
    assert "Import 3 rows" in page  # a warning only: an address may be added in the directory later


def _campaign_of(size: int, office: Office) -> Campaign:
    campaign = Campaign.objects.create(slug=f"size-{size}", title=f"{size} recipients", office=office)
    bodies = Body.objects.bulk_create(Body(name=f"Body {size}-{n}", slug=f"body-{size}-{n}") for n in range(size))
    contacts = Contact.objects.bulk_create(Contact(body=b, full_name=f"Person {b.name}") for b in bodies)
    actions.add_recipients(campaign, contacts, SOMEONE)
    for recipient in campaign.recipients.all()[: size // 2]:
        request = requests.request_for(recipient, SOMEONE)
        requests.approve(request, SOMEONE)
    return campaign


def test_the_campaign_pages_queries_do_not_grow_with_its_recipients(client, team: Team):
    client.force_login(team["coordinator"])
    counts = []
    for size in (20, 200):
        campaign = _campaign_of(size, team["campaign"].office)
        campaign.team.add(team["coordinator"])
        for name in ("web:campaign", "web:editor"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=[campaign.slug])).status_code == 200
            counts.append((name, len(queries)))
    assert counts[:2] == counts[2:], counts


def test_a_recipients_import_runs_the_same_statements_for_ten_rows_as_for_a_hundred(campaign, tmp_path: Path):
    counts = []
    for size, offset in ((5, 5000), (10, 0), (100, 1000)):  # the first makes the tag the others find
        rows = [contact_row(offset + n) | {"field:x": "y", "item:strategy": "n/a"} for n in range(size)]
        path = write_csv(tmp_path / f"{size}.csv", rows)
        with CaptureQueriesContext(connection) as queries:
            report = import_recipients(campaign, path)
        assert report.created == size
        counts.append(len(queries))
    assert counts[1] == counts[2], counts
    assert campaign.recipients.get(contact__email="person1005@body1005.example").item_states.get(
        item__key="strategy"
    ).state == ("n/a")


def test_an_event_of_a_campaign_needs_no_request_and_a_requests_event_is_its_campaigns(team: Team):
    event = actions.log(team["campaign"], SOMEONE, EventKind.TEMPLATE_SAVED, "note")
    assert (event.request, event.from_state) == (None, "")
    created = InfoRequest.objects.get(pk=team["request"].pk).events.get(kind=EventKind.CREATE)
    assert created.campaign == team["campaign"]
    assert timezone.now() >= created.at


NONSENSE = {
    "key": "\x00",
    "author": "a\x00",
    "title": "x" * 5000,
    "label": "\x00",
    "name": "\x00",
    "value": "\x00",
    "old": "nope",
    "new": "Bad Name",
    "action": "??",
    "item": "1e9",
    "body": ["x", "99999999999999", "-1"],
    "row": ["\x00", "1e9"],
    "file": "notafile",
    "skip_invalid": "yes",
}


def test_no_setup_page_answers_nonsense_with_a_500(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["admin"])
    reference, item, recipient = campaign.references.first(), campaign.items.first(), team["request"].recipient
    assert reference is not None
    assert item is not None
    pages: list[tuple[str, list[object]]] = [
        ("references", [campaign.slug]),
        ("reference", [campaign.slug, reference.pk]),
        ("items", [campaign.slug]),
        ("item", [campaign.slug, item.pk]),
        ("fields", [campaign.slug]),
        ("add_recipients", [campaign.slug]),
        ("import_recipients", [campaign.slug]),
        ("remove_recipient", [campaign.slug, 99999999]),
    ]
    for name, args in pages:
        for action in ("??", "save", "add_field", "rename", "up", "remove", "import", "cancel"):
            response = client.post(reverse(f"web:{name}", args=args), NONSENSE | {"action": action})
            assert response.status_code < 500, (name, action)
    queries = {
        "campaign": ["?page=-1", "?q=%00", "?q=" + "a" * 5000, "?state=nope&sort=nope", "?page=99999"],
        "editor": ["?recipient=%00", "?find=%00", "?recipient=99999999999999999999"],
        "add_recipients": ["?tag=nope&kind=%00", "?q=%00"],
        "fields": ["?page=-1", "?page=abc"],
        "activity": ["?page=99999", "?setup=%00"],
    }
    for name, tried in queries.items():
        for query in tried:
            assert client.get(reverse(f"web:{name}", args=[campaign.slug]) + query).status_code == 200, query
    assert campaign.recipients.filter(pk=recipient.pk).exists()


def test_saving_the_fields_grid_writes_only_the_cells_changed_and_never_cuts_a_long_value(client, team: Team):
    campaign = team["campaign"]
    first, second = campaign.recipients.select_related("contact__body").order_by("contact__body__name", "pk")[:2]
    long = "x" * (actions.FIELD_CHARS + 3000)
    actions.set_fields({first: {"notes": "one\ntwo"}}, SOMEONE)
    Recipient.objects.filter(pk=first.pk).update(fields={**first.fields, "region": long})  # an import of before
    actions.set_fields({second: {"region": "", "notes": ""}}, SOMEONE)
    client.force_login(team["editor"])
    url = reverse("web:fields", args=[campaign.slug])
    shown = client.get(url)
    page = page_of(shown)
    assert f"{actions.FIELD_CHARS + 3000:,} characters, more than the {actions.FIELD_CHARS:,} a field holds" in page
    assert f'name="f-{first.pk}-region"' not in page  # no box that would cut it
    cells = {cell["name"]: cell for cell in dict(shown.context["rows"])[first]}
    data = {"action": "save", "row": [first.pk, second.pk], f"f-{second.pk}-region": "North"}
    data |= {f"f-{first.pk}-notes": "one\r\ntwo", f"shown-{first.pk}-notes": cells["notes"]["shown"]}
    Recipient.objects.filter(pk=first.pk).update(fields={"region": long, "notes": "changed since"})
    response = client.post(url, data, follow=True)
    assert "1 recipient changed" in page_of(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.fields == {"region": long, "notes": "changed since"}  # nothing shown was touched, nothing written
    assert second.fields["region"] == "North"


def test_a_field_longer_than_the_grid_holds_is_refused_by_the_import_and_the_grid(client, team: Team, tmp_path):
    campaign = team["campaign"]
    too_long = "y" * (actions.FIELD_CHARS + 1)
    check = check_recipients(campaign, write_csv(tmp_path / "r.csv", [contact_row(1) | {"field:region": too_long}]))
    assert [error.reason for error in check.errors] == [
        f"{actions.FIELD_CHARS + 1:,} characters: a field holds at most {actions.FIELD_CHARS:,}"
    ]
    one = campaign.recipients.select_related("contact__body").first()
    actions.add_field(campaign, "region", "", SOMEONE)
    client.force_login(team["editor"])
    url = reverse("web:fields", args=[campaign.slug])
    response = client.post(url, {"action": "save", "row": [one.pk], f"f-{one.pk}-region": too_long}, follow=True)
    assert f"region has {actions.FIELD_CHARS + 1:,} characters: a field holds at most 2,000" in page_of(response)
    one.refresh_from_db()
    assert one.fields["region"] == ""
    assert f'maxlength="{actions.FIELD_CHARS}"' in page_of(client.get(url))


@pytest.mark.parametrize("year", ["twenty", "20", "202", "20200", "2020 ", "\uff12\uff10\uff12\uff10", "2019-", "nd"])
def test_a_reference_year_that_is_not_one_is_refused_at_the_field(client, team: Team, year: str):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    data = {"key": "new_report", "author": "Home Office", "year": year, "title": "A report", "url": ""}
    response = client.post(reverse("web:references", args=[campaign.slug]), data)
    if year == "2020 ":  # the spaces around it are not a mistake
        assert campaign.references.get(key="new_report").year == "2020"
        return
    page = page_of(response)
    said = "Enter the year as 4 digits, for example 2020, or a range like 2019-2021, or n.d. if it has no date"
    assert f'<a href="#id_year">{said}</a>' in page  # in the error summary, linked to the field
    assert f'<span class="govuk-visually-hidden">Error:</span> {said}</p>' in page  # and at the field
    assert f'name="year" type="text" value="{year}"' in page  # as typed
    assert not campaign.references.filter(key="new_report").exists()


@pytest.mark.parametrize("year", ["2020", "2020a", "2019-2021", "2021/22", "2019\u201320", "n.d.", ""])
def test_the_years_letters_use_are_kept(client, team: Team, year: str):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    data = {"key": "new_report", "author": "Home Office", "year": year, "title": "A report", "url": ""}
    assert client.post(reverse("web:references", args=[campaign.slug]), data).status_code == 302
    assert campaign.references.get(key="new_report").year == year


def recipient_form(client, url: str, **changes: str) -> dict[str, str]:
    """The recipient page's form as it is shown, with ``changes`` (by the boxes' names)."""
    shown = client.get(url).context
    data = {f"contact-{name}": value for name, value in shown["contact_form"].initial.items() if value is not None}
    for state, item_form in shown["item_forms"]:
        data |= {f"{item_form.prefix}-state": state.state, f"{item_form.prefix}-title": state.title}
        data |= {f"{item_form.prefix}-url": state.url}
    return data | changes


def test_a_recipient_whose_letter_has_gone_is_not_offered_for_removal_and_the_page_says_why(client, team: Team):
    campaign = team["campaign"]
    draft = team["request"].recipient
    other = campaign.recipients.exclude(pk=draft.pk).first()
    assert other is not None
    sent(requests.request_for(other))
    client.force_login(team["editor"])
    page = page_of(client.get(reverse("web:recipient", args=[campaign.slug, other.pk])))
    assert reverse("web:remove_recipient", args=[campaign.slug, other.pk]) not in page
    assert f"Remove {other.contact.body.name}" not in page
    assert f"{other.contact.body.name} cannot be removed from the campaign: the letter is sent." in page
    page = page_of(client.get(reverse("web:recipient", args=[campaign.slug, draft.pk])))
    assert reverse("web:remove_recipient", args=[campaign.slug, draft.pk]) in page
    assert "cannot be removed from the campaign" not in page


def test_a_bad_email_on_a_recipients_page_is_in_the_error_summary_and_the_web_address_is_named_so(client, team):
    recipient = team["request"].recipient
    client.force_login(team["editor"])
    url = reverse("web:recipient", args=[team["campaign"].slug, recipient.pk])
    page = page_of(client.get(url))
    assert ">Web address</label>" in page
    assert ">Url</label>" not in page
    response = client.post(url, recipient_form(client, url, **{"contact-email": "not an address"}))
    assert response.status_code == 200
    page = page_of(response)
    said = "Enter an email address in the correct format, like name@example.com"
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "There is a problem" in summary
    assert f'<a href="#id_contact-email">{said}</a>' in summary
    assert f'<span class="govuk-visually-hidden">Error:</span> {said}</p>' in page  # at the field too
    assert 'value="not an address"' in page
    assert "<title>Error: " in page
