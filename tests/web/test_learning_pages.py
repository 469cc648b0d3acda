"""The page "Start a campaign from letters": upload, the report, then create; and adding one letter."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from docket.campaigns.models import Campaign
from docket.requests.events import EventKind
from tests.letters.test_learning import SEEDS
from tests.web.conftest import person

pytestmark = pytest.mark.django_db
URL = "/campaigns/new/from-letters/"


def _files(paths=SEEDS):
    return [SimpleUploadedFile(path.name, path.read_bytes()) for path in paths]


def _upload(client, slug="vru-web", title="VRU from the web", paths=SEEDS):
    return client.post(URL, {"slug": slug, "title": title, "letters": _files(paths)})


@pytest.fixture
def editor(db):
    return person("editor@office.example", "editor")


def test_it_reports_what_the_seeds_share_and_writes_nothing(client, editor):
    client.force_login(editor)
    response = _upload(client)
    assert response.status_code == 200
    page = response.content.decode()
    assert "What 3 letters share" in page
    assert "Every letter is written again word for word" in page
    assert "fields." in page
    assert "Thames Valley" in page
    assert "Create the campaign" in page
    assert not Campaign.objects.filter(slug="vru-web").exists()


def test_it_says_the_letters_are_not_recorded_as_sent_and_they_are_not(client, editor):
    """The page does not promise a record of a mailing sent: the recipients' requests are drafts, and it says so."""
    from docket.requests.models import InfoRequest
    from docket.requests.states import RequestState

    client.force_login(editor)
    page = client.get(URL).content.decode()
    assert "mailing already sent" not in page
    assert "Docket does not record these letters as sent" in page
    report = _upload(client)
    assert "The letters you uploaded are not recorded as sent." in report.content.decode()
    done = client.post(URL, {"payload": report.context["payload"]}, follow=True)
    assert "Each recipient is a Draft: the letters are not recorded as sent." in done.content.decode()
    adding = client.get(reverse("web:add_letter", args=["vru-web"])).content.decode()
    assert "The recipient is added as a Draft: the letter is not recorded as sent." in adding
    assert done.context["campaign"].recipients.count() == 3
    assert not InfoRequest.objects.filter(campaign__slug="vru-web").exclude(state=RequestState.DRAFT).exists()


def test_it_creates_the_campaign_on_confirming_and_puts_its_maker_on_the_team(client, editor):
    client.force_login(editor)
    payload = _upload(client).context["payload"]
    response = client.post(URL, {"payload": payload})
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="vru-web")
    assert response["Location"] == reverse("web:campaign", args=["vru-web"])
    assert campaign.recipients.count() == 3
    assert campaign.team.filter(pk=editor.pk).exists()
    assert client.get(response["Location"]).status_code == 200
    events = list(campaign.events.order_by("at", "pk").values_list("kind", "actor_name", "note"))
    assert events[0] == (EventKind.CAMPAIGN_CREATED, editor.email, "Learned from 3 letters")
    added = [note for kind, who, note in events[1:] if kind == EventKind.RECIPIENT_ADDED and who == editor.email]
    names = campaign.recipients.values_list("contact__full_name", "contact__body__name")
    assert sorted(added) == sorted(f"{name}, {body} (learned from their letter)" for name, body in names)
    assert len(events) == 4


def test_a_tampered_report_is_refused(client, editor):
    client.force_login(editor)
    payload = _upload(client).context["payload"]
    response = client.post(URL, {"payload": payload[:-3] + "abc"}, follow=True)
    assert "upload the letters again" in response.content.decode()
    assert not Campaign.objects.exists()


def test_letters_not_reproduced_need_create_anyway(client, editor, monkeypatch):
    from docket.letters.learning import Difference
    from docket.web import learning_pages

    monkeypatch.setattr(learning_pages, "check", lambda learned, texts: [Difference("x.txt", (("a", "b"),))])
    client.force_login(editor)
    first = _upload(client)
    assert "would not be written word for word" in first.content.decode()
    refused = client.post(URL, {"payload": first.context["payload"]})
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.content.decode()
    assert "Create it anyway" in refused.content.decode()
    assert not Campaign.objects.exists()
    assert client.post(URL, {"payload": first.context["payload"], "accept_differences": "yes"}).status_code == 302


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [
        ({"slug": "", "title": "T"}, None, "Enter a short name"),
        ({"slug": "!!!", "title": "T"}, None, "Enter a short name"),
        ({"slug": "ok", "title": ""}, None, "Enter the campaign"),
        ({"slug": "ok", "title": "T"}, [], "Choose the letters"),
        ({"slug": "ok", "title": "T"}, [SimpleUploadedFile("x.xlsx", b"PK")], "x.xlsx: Docket reads letters in"),
        ({"slug": "ok", "title": "T"}, [SimpleUploadedFile("l.txt", b"no greeting at all")], "l.txt: no salutation"),
        ({"slug": "ok", "title": "T"}, [SimpleUploadedFile("w.docx", b"not a zip")], "w.docx: not a Word document"),
    ],
)
def test_each_mistake_is_an_error_summary_in_plain_english(client, editor, data, files, message):
    client.force_login(editor)
    response = client.post(URL, {**data, "letters": _files() if files is None else files})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert not Campaign.objects.exists()


def test_a_short_name_typed_as_words_is_made_one(client, editor):
    client.force_login(editor)
    payload = _upload(client, slug="Unigrwydd 2026").context["payload"]
    assert client.post(URL, {"payload": payload})["Location"] == reverse("web:campaign", args=["unigrwydd-2026"])


def test_a_slug_in_use_is_an_error(client, editor, example):
    client.force_login(editor)
    response = _upload(client, slug=example.slug)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_a_viewer_cannot_create_and_the_public_is_sent_to_sign_in(client):
    assert client.get(URL)["Location"].startswith("/sign-in/")
    assert _upload(client).status_code == 302
    client.force_login(person("viewer@office.example", "viewer"))
    assert client.get(URL).status_code == 403
    assert _upload(client).status_code == 403
    assert not Campaign.objects.exists()


def test_the_dashboard_links_to_it_for_editors_only(client, editor):
    client.force_login(editor)
    assert URL in client.get("/").content.decode()
    client.force_login(person("viewer@office.example", "viewer"))
    assert URL not in client.get("/").content.decode()


def test_a_letter_is_added_to_a_campaign_only_as_written_unless_accepted(client, editor):
    client.force_login(editor)
    client.post(URL, {"payload": _upload(client, paths=SEEDS[:2]).context["payload"]})
    campaign = Campaign.objects.get(slug="vru-web")
    url = reverse("web:add_letter", args=["vru-web"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"letter": _files(SEEDS[2:])[0]})
    assert response.status_code == 400  # two letters teach less than three: the words that differ are shown
    assert "govuk-error-summary" in response.content.decode()
    assert "Words that differ" in response.content.decode()
    assert campaign.recipients.count() == 2
    accepted = client.post(url, {"letter": _files(SEEDS[2:])[0], "accept_differences": "yes"})
    assert accepted.status_code == 302
    assert campaign.recipients.count() == 3
    again = client.post(url, {"letter": _files(SEEDS[:1])[0], "accept_differences": "yes"})
    assert again.status_code == 400
    assert "already a recipient" in again.content.decode()


def test_adding_a_letter_needs_edit_and_the_team(client, example):
    url = reverse("web:add_letter", args=[example.slug])
    assert client.get(url)["Location"].startswith("/sign-in/")
    client.force_login(person("viewer@office.example", "viewer", example))
    assert client.post(url, {"letter": _files(SEEDS[:1])[0]}).status_code == 403
    client.force_login(person("outsider@office.example", "editor"))
    assert client.get(url).status_code == 404


def test_the_campaign_page_links_to_adding_a_letter_for_those_who_may(client, example):
    link = reverse("web:add_letter", args=[example.slug])
    page = reverse("web:campaign", args=[example.slug])
    client.force_login(person("editor@office.example", "editor", example))
    body = client.get(page).content.decode()
    assert f'href="{link}">Add a letter sent outside Docket</a>' in body
    client.force_login(person("viewer@office.example", "viewer", example))
    assert link not in client.get(page).content.decode()


def _copy_of_the_first_seed() -> list[SimpleUploadedFile]:
    first = SEEDS[0]
    return [*_files([first]), SimpleUploadedFile("copy.txt", first.read_bytes()), *_files(SEEDS[1:2])]


def _date_after_the_address(path) -> SimpleUploadedFile:
    """The letter with its recipient block above the date and no letterhead above that: the block might be the
    office's letterhead, so no recipient is read."""
    lines = path.read_text().split("\n")
    date_at = next(n for n, line in enumerate(lines) if line.strip() == "13 October 2020")
    dear_at = next(n for n, line in enumerate(lines) if line.startswith("Dear "))
    moved = [*lines[date_at + 1 : dear_at], lines[date_at], "", *lines[dear_at:]]
    return SimpleUploadedFile(path.name, "\n".join(moved).encode())


def test_two_letters_to_one_person_are_refused_naming_the_files_and_the_person(client, editor):
    client.force_login(editor)
    response = client.post(URL, {"slug": "twice", "title": "Twice", "letters": _copy_of_the_first_seed()})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert (
        f"{SEEDS[0].name} and copy.txt are both to Anthony Stansfeld, Thames Valley Police and Crime Commissioner: "
        "a campaign writes once to each person. Remove one of them."
    ) in page
    assert "Create the campaign" not in page
    assert not Campaign.objects.exists()


def test_letters_whose_recipient_is_not_read_are_refused_not_merged_into_one_empty_contact(client, editor):
    client.force_login(editor)
    files = [_date_after_the_address(path) for path in SEEDS]
    response = client.post(URL, {"slug": "unread", "title": "Unread", "letters": files})
    assert response.status_code == 400
    page = response.content.decode()
    names = f"{SEEDS[0].name}, {SEEDS[1].name} and {SEEDS[2].name}"
    assert f"{names}: Docket could not read whom these letters are to." in page
    assert "put the date above the address" in page
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("letters", ["to one person", "not read"])
def test_creating_anyway_is_refused_in_words_and_writes_nothing(client, editor, monkeypatch, letters):
    """What the upload refuses is refused again on "Create the campaign" (no 500, no half a campaign)."""
    from docket.directory.models import Body, Contact
    from docket.web import learning_pages

    monkeypatch.setattr(learning_pages, "recipient_problems", lambda learned: [])  # as a report made before
    client.force_login(editor)
    files = _copy_of_the_first_seed() if letters == "to one person" else [_date_after_the_address(p) for p in SEEDS]
    first = client.post(URL, {"slug": "anyway", "title": "Anyway", "letters": files})
    assert first.status_code == 200
    bodies, contacts = Body.objects.count(), Contact.objects.count()
    refused = client.post(URL, {"payload": first.context["payload"], "accept_differences": "yes"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "govuk-error-summary" in page
    assert ("are both to Anthony Stansfeld" if letters == "to one person" else "could not read whom") in page
    assert not Campaign.objects.exists()
    assert (Body.objects.count(), Contact.objects.count()) == (bodies, contacts)


def test_a_failure_half_way_through_saving_leaves_nothing_written(monkeypatch):
    """One transaction: a recipient that cannot be saved undoes the office, campaign, bodies and contacts."""
    from docket.campaigns import learning as saving
    from docket.campaigns.models import Office, Recipient
    from docket.directory.models import Body, Contact
    from docket.letters.learning import learn
    from docket.letters.reading import read_letter

    learned = learn([read_letter(path.name, path.read_bytes()) for path in SEEDS])
    made = []

    def items_then_fail(recipient, items, states):
        made.append(recipient)
        if len(made) == 2:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(saving, "_item_states", items_then_fail)
    with pytest.raises(RuntimeError):
        saving.save_learned(learned, "half", "Half")
    assert len(made) == 2
    assert not Campaign.objects.exists()
    assert (Office.objects.count(), Body.objects.count(), Contact.objects.count(), Recipient.objects.count()) == (
        0,
        0,
        0,
        0,
    )


def test_a_letter_with_template_syntax_in_its_words_is_learned_and_the_campaign_created(client, editor):
    client.force_login(editor)
    files = _files()
    text = SEEDS[1].read_text().replace("Dear Paddy,\n", "Dear Paddy,\n\nOur form said {% if %} and {{ name }}.\n", 1)
    files[1] = SimpleUploadedFile(SEEDS[1].name, text.encode())
    first = client.post(URL, {"slug": "braces", "title": "Braces", "letters": files})
    assert first.status_code == 200, first.content.decode()
    assert "Every letter is written again word for word" in first.content.decode()
    assert client.post(URL, {"payload": first.context["payload"]}).status_code == 302
    campaign = Campaign.objects.get(slug="braces")
    assert '{{ "{" }}% if %\\} and {{ "{" }}{{ "{" }} name \\}\\}' in campaign.template_source


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_works_in_a_browser_without_accessibility_problems(browser, live_server, tmp_path):
    """The flow in Chromium: the empty form's errors, the seeds' report, the campaign created."""
    from pathlib import Path

    from tests.browser import axe_violations
    from tests.web.test_browser import CSP_REFUSALS, signed_in

    shots = Path("/tmp/shots-learn")  # noqa: S108  # where the brief asked for them, for people to look at
    shots.mkdir(exist_ok=True)
    page = signed_in(browser, live_server, person("editor@office.example", "editor"))

    def look(name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        assert axe_violations(page) == [], name
        assert CSP_REFUSALS.get(page, []) == [], name

    page.get_by_role("link", name="Start a campaign from letters").click()
    look("1-form")
    page.get_by_role("button", name="Read the letters").click()
    page.locator(".govuk-error-summary").wait_for()
    look("2-errors")
    page.get_by_label("Short name").fill("vru-browser")
    page.get_by_label("Title").fill("VRU letters")
    page.get_by_label("Letters").set_input_files([str(path) for path in SEEDS])
    page.get_by_role("button", name="Read the letters").click()
    page.get_by_role("heading", name="What 3 letters share").wait_for()
    look("3-report")
    page.get_by_role("button", name="Create the campaign").click()
    page.wait_for_url("**/campaigns/vru-browser/")
    look("4-campaign")
    page.goto("/campaigns/vru-browser/add-letter/")
    page.get_by_label("Letter", exact=True).set_input_files(str(SEEDS[0]))
    page.get_by_role("button", name="Add the letter").click()
    page.locator(".govuk-error-summary").wait_for()
    look("5-add-letter-error")
    page.context.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_letters_to_one_person_are_refused_and_template_syntax_is_learned(browser, live_server, tmp_path):
    """The two refusals (one person twice; recipients not read) in the error summary, then letters whose
    words look like template syntax learned and created."""
    from tests.web.test_browser import check, signed_in

    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEEDS[0].read_bytes())
    unread = tmp_path / "unread"
    unread.mkdir()
    for path in SEEDS:
        (unread / path.name).write_bytes(_date_after_the_address(path).read())
    braces = tmp_path / "braces"
    braces.mkdir()
    for path in SEEDS:
        (braces / path.name).write_bytes(path.read_bytes())
    second = braces / SEEDS[1].name
    second.write_text(second.read_text().replace("Dear Paddy,\n", "Dear Paddy,\n\nOur form said {% if %}.\n", 1))
    page = signed_in(browser, live_server, person("editor@office.example", "editor"))

    def upload(slug: str, files: list[Path]) -> None:
        page.goto(URL)
        page.get_by_label("Short name").fill(slug)
        page.get_by_label("Title").fill("Letters")
        page.get_by_label("Letters").set_input_files([str(path) for path in files])
        page.get_by_role("button", name="Read the letters").click()

    upload("twice", [SEEDS[0], copy, SEEDS[1]])
    page.locator(".govuk-error-summary").get_by_text("are both to Anthony Stansfeld").wait_for()
    check(page, "learn-one-person-twice")
    upload("unread", sorted(unread.iterdir()))
    page.locator(".govuk-error-summary").get_by_text("could not read whom these letters are to").wait_for()
    check(page, "learn-recipients-not-read")
    upload("braces", sorted(braces.iterdir()))
    page.get_by_text("Every letter is written again word for word").wait_for()
    check(page, "learn-template-syntax-report")
    page.get_by_role("button", name="Create the campaign").click()
    page.wait_for_url("**/campaigns/braces/")
    assert not Campaign.objects.filter(slug__in=["twice", "unread"]).exists()
    page.context.close()


def test_councils_named_in_full_are_bodies_and_no_area_is_made_up_for_the_directory(client, editor, monkeypatch):
    """ "Bristol City Council" in the letters is the body's name: not an area "Bristol City" saved to the Directory."""
    from docket.directory.models import Body
    from tests.letters import test_learning

    councils = [
        ("Ms Carys Ellis", "Chief Executive", "Bristol City Council", "City Hall, College Green", "Bristol"),
        ("Mr Tom Riordan", "Chief Executive", "Leeds City Council", "Civic Hall", "Leeds"),
        ("Dr Chris Llewelyn", "Director of Social Services", "Cardiff Council", "County Hall", "Cardiff"),
        ("Ms Ann Lloyd", "Chief Executive", "Wrexham County Borough Council", "Guildhall", "Wrexham"),
    ]
    monkeypatch.setattr(test_learning, "COUNCILS", councils)
    monkeypatch.setattr(test_learning, "POSTCODES", ["BS1 5TR", "LS1 1UR", "CF10 4UW", "LL11 1AY"])

    def letter(n):
        text = test_learning.council_letter(n, "Cambrian Buildings, Cardiff CF10 5FL")
        body = councils[n][2]
        thanks = f"I thank {body}'s staff, and {body}. Loneliness"  # the name with punctuation after it
        return SimpleUploadedFile(f"letter{n}.txt", text.replace("Loneliness", thanks, 1).encode())

    client.force_login(editor)
    report = client.post(URL, {"slug": "councils", "title": "Councils", "letters": [letter(n) for n in range(3)]})
    template = report.context["learned"].template
    assert "ask how {{ contact.body }} supports" in template
    assert "I thank {{ contact.body }}'s staff, and {{ contact.body }}. Loneliness" in template
    assert "contact.area" not in template
    assert not report.context["differences"]
    assert client.post(URL, {"payload": report.context["payload"]}).status_code == 302
    added = client.post(reverse("web:add_letter", args=["councils"]), {"letter": letter(3)})
    assert added.status_code == 302  # a fourth council's letter is read back word for word
    assert sorted(Body.objects.values_list("name", "area")) == [
        ("Bristol City Council", ""),
        ("Cardiff Council", ""),
        ("Leeds City Council", ""),
        ("Wrexham County Borough Council", ""),
    ]


def test_adding_a_letter_against_a_template_line_it_cannot_read_says_which_and_what_to_do(client, editor):
    client.force_login(editor)
    client.post(URL, {"payload": _upload(client, paths=SEEDS[:2]).context["payload"]})
    campaign = Campaign.objects.get(slug="vru-web")
    source = "Dear all,\n\n{{ fields.vru | upper }}\n" + campaign.template_source
    Campaign.objects.filter(pk=campaign.pk).update(template_source=source)
    response = client.post(reverse("web:add_letter", args=["vru-web"]), {"letter": _files(SEEDS[2:])[0]})
    assert response.status_code == 400
    body = response.content.decode()
    summary = body[body.index("govuk-error-summary") : body.index("</h1>")]
    said = (
        "Line 3 of the campaign&#x27;s template prints {{ fields.vru | upper }}, which Docket cannot read back "
        "from a letter"
    )
    assert said in summary
    assert said in body[body.index('id="letter-error"') :]
    assert "or simplify that line of the template." in summary
    assert "extraction" not in body
    assert campaign.recipients.count() == 2


def test_letters_from_another_office_are_said_to_take_the_workspaces_letterhead_and_signature(client, editor):
    """A tester's letters were signed by another commissioner; the campaign quietly carried the workspace's own
    office and signatory. The report says so before anything is created, and names both."""
    from tests.factories import make_office

    office = make_office(name="Office of the Test Commissioner", signatory_name="Alex Example")
    client.force_login(editor)
    page = _upload(client).content.decode()
    said = " ".join(page[page.index('id="other-office"') :].split("</strong>")[0].split())
    assert "These letters are from" in said
    assert "Sara Thornton" in said  # who signed the seeds
    assert f"will carry your office's letterhead, {office.name}, and be signed by Alex Example" in said
    assert reverse("web:office") in said
    office.name, office.signatory_name = "Independent Anti-Slavery Commissioner", "Dame Sara Thornton"
    office.save()
    assert 'id="other-office"' not in _upload(client).content.decode()
