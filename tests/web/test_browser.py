"""The workspace in a real browser (Debian's Chromium, driven by Playwright): the main flows,
accessibility (axe-core) and screenshots of the main pages (in test-artefacts/)."""

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage

from docket.mail.addresses import reply_address
from docket.requests.models import InfoRequest
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.samples import reply, text_pdf
from tests.web.conftest import person

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = REPO / "test-artefacts" / "screenshots"


# Chromium's console messages that tell of something the Content-Security-Policy blocked, by page.
CSP_REFUSALS: dict[object, list[str]] = {}


def signed_in(browser, live_server, user, **options):
    """A new page of a new browser context, signed in as this person, its CSP refusals recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, **options)
    page = context.new_page()
    refusals = CSP_REFUSALS.setdefault(page, [])

    def note_refusal(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refusals.append(message.text)

    page.on("console", note_refusal)
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


@pytest.fixture
def page(browser, live_server, example, smtp_server):
    coordinator = person("coordinator@office.example", "coordinator", example)
    page = signed_in(browser, live_server, coordinator)
    yield page
    CSP_REFUSALS.pop(page)
    page.context.close()


def check(page, name: str) -> None:
    """No serious or critical accessibility problem, nothing the CSP refused, and a screenshot for people."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_a_campaign_from_template_to_received_items(page, smtp_server, tmp_path: Path):
    recorder, _ = smtp_server
    check(page, "dashboard")
    page.get_by_role("link", name="Violence Reduction Units and modern slavery (October 2020)").click()
    page.get_by_role("table").wait_for()
    check(page, "campaign")

    page.get_by_role("link", name="Edit the letter").click()
    page.wait_for_load_state()  # htmx set up (a choice made before it is would not ask for the preview)
    assert "DIVERT Programme" in page.locator("#letter-preview").inner_text()  # the first recipient's
    page.get_by_label("Preview for").select_option(label="Hampshire Police and Crime Commissioner (Michael Lane)")
    page.locator("#letter-preview", has_text="knife crime").wait_for()  # no string eval: the CSP forbids it
    editor = page.get_by_label("Template")
    editor.press("Control+End")
    editor.type("\n\nA sentence added in the browser.")
    good = editor.input_value()
    page.locator("#letter-preview", has_text="added in the browser").wait_for()  # no string eval: the CSP forbids it
    check(page, "editor")
    editor.type(" {{ fields.no_such_field }}")
    page.locator("#preview-error").wait_for()
    assert "no_such_field" in page.locator("#preview-error").inner_text()
    editor.fill(good)
    page.get_by_role("button", name="Save the template").click()
    page.get_by_text("The letter template is saved.").wait_for()

    page.go_back()
    page.goto(page.url.split("/letter/")[0] + "/")
    page.get_by_label("Select Hampshire Police and Crime Commissioner").check()
    page.get_by_role("button", name="Approve and send selected").click()
    page.get_by_text("1 letter sent.").wait_for()  # on the job's page, once it has gone
    assert [r.rcpt_tos for r in recorder.received] == [["pcc@hampshire-pcc.example"]]
    assert "added in the browser" in recorder.received[0].message.get_body(("plain",)).get_content()
    page.get_by_role("link", name="Back to Violence Reduction Units and modern slavery (October 2020)").click()

    page.get_by_role("link", name="Hampshire Police and Crime Commissioner").click()
    assert page.locator("#request-state").inner_text() == "Sent"
    request = InfoRequest.objects.get(recipient__contact__full_name="Michael Lane")
    eml = tmp_path / "reply.eml"
    eml.write_bytes(
        reply(
            sender="pcc@hampshire-pcc.example",
            to=reply_address(request.pk),
            attachments=[("Response Strategy.pdf", "application/pdf", text_pdf("Hampshire Response Strategy 2020"))],
        )
    )
    page.get_by_label("File").set_input_files(str(eml))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("reply.eml is taken in.").wait_for()
    assert page.locator("#request-state").inner_text() == "Reply received"
    page.get_by_text("Response Strategy (suggested)").wait_for(state="attached")
    page.get_by_role("button", name="Mark as received").click()
    page.get_by_text("The item is marked as received.").wait_for()
    assert page.locator("#item-response_strategy").inner_text().startswith("Received")
    check(page, "request")


def test_the_letter_editor_works_without_javascript(browser, live_server, example):
    coordinator = person("editor@office.example", "editor", example)
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(coordinator.email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/campaigns/{example.slug}/letter/")
    page.get_by_label("Template").fill("Hello {{ contact.full_name }}, without JavaScript.")
    page.get_by_role("button", name="Preview").click()
    assert "Hello Anthony Stansfeld, without JavaScript." in page.locator("#letter-preview").inner_text()
    context.close()


def test_every_page_keeps_to_its_content_security_policy(browser, live_server, example):
    """Each workspace page as an admin, a reply's remote image among them: nothing refused, nothing fetched."""
    from email.message import EmailMessage
    from email.policy import SMTP

    from docket.mail.intake import ingest
    from docket.mail.models import InboundMessage
    from docket.requests import actions
    from docket.requests.actions import Actor

    request = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"), Actor("test"))
    mail = EmailMessage(policy=SMTP)
    mail["From"], mail["To"], mail["Subject"] = "pcc@hampshire-pcc.example", reply_address(request.pk), "Re: letter"
    mail.set_content('<p><img src="http://tracker.invalid/pixel.gif" alt="Hampshire logo"></p>', subtype="html")
    ingest(mail.as_bytes(), InboundMessage.Source.UPLOAD, "test", request=request)
    admin = person("admin@office.example", "admin")
    page = signed_in(browser, live_server, admin)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if not r.url.startswith(live_server.url) else None)
    pages = {
        "dashboard": "/",
        "campaign": f"/campaigns/{example.slug}/",
        "recipient": f"/campaigns/{example.slug}/recipients/{request.recipient_id}/",
        "request-remote-image": f"/requests/{request.pk}/",
        "holding-pen": "/holding-pen/",
        "outbox": "/outbox/",
        "office": "/office/",
        "users": "/users/",
        "public": "/public/",
    }
    for name, url in pages.items():
        page.goto(url)
        check(page, name)
    page.goto(f"/requests/{request.pk}/")
    assert page.get_by_text("A remote image was not loaded: Hampshire logo").is_visible()
    contact = request.recipient.contact
    for url in ["/admin/", f"/admin/directory/contact/{contact.pk}/change/"]:  # Django's own pages: CSP only
        page.goto(url)
        page.get_by_role("heading", level=1).first.wait_for()
        assert CSP_REFUSALS[page] == [], url

    page.goto(f"/campaigns/{example.slug}/letter/")  # htmx still previews as one types
    page.get_by_label("Template").fill("Dear {{ contact.full_name }}, typed under the policy.")
    page.locator("#letter-preview", has_text="under the policy").wait_for()  # no string eval: the CSP forbids it
    check(page, "editor-under-csp")
    assert fetched == []
    CSP_REFUSALS.pop(page)
    page.context.close()
