"""The public letter: HTML with real footnotes; the tagged PDF that was sent, when nothing was redacted."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from docket.publishing import actions
from docket.publishing.html_redaction import redact_html, text_of
from docket.publishing.models import RedactionRule
from docket.publishing.pdf_redaction import RedactionFailed
from docket.publishing.redaction import AllowList, Rule, find
from docket.requests import actions as request_actions
from docket.requests.actions import Actor
from docket.requests.models import FrozenLetter
from tests.web.conftest import sent

pytestmark = pytest.mark.django_db
ACTOR = Actor("test")


def pdfinfo(data: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def published_letter(example, name: str):
    request = sent(request_actions.request_for(example.recipients.get(contact__full_name=name)))
    return request, actions.publish(actions.approve(actions.letter_publication(request), ACTOR), ACTOR)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed")
def test_a_letter_with_nothing_to_redact_is_published_as_the_tagged_pdf_that_was_sent(example, client, tmp_path):
    request, letter = published_letter(example, "Michael Lane")
    assert letter.redactions == 0
    sent_pdf = bytes(FrozenLetter.objects.get(request=request).pdf)
    assert letter.redacted_pdf.read() == sent_pdf
    assert letter.pdf_tagged
    assert "Tagged:          yes" in pdfinfo(letter.redacted_pdf.read(), tmp_path)

    page = client.get(f"/public/{example.slug}/{request.recipient.contact.body.slug}/").content.decode()
    assert '<footer class="letter__footnotes"' in page  # real footnotes, linked both ways
    assert 'href="#letter-fn1"' in page
    assert 'id="letter-fn1"' in page
    assert "[1]" not in page
    assert "&lt;http" not in page
    assert "the tagged PDF that was sent" in page
    assert "not tagged" not in page


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed")
def test_a_redacted_letter_says_its_pdf_is_not_tagged(example, client, tmp_path):
    RedactionRule.objects.create(pattern="Michael Lane", reason="a name")
    request, letter = published_letter(example, "Michael Lane")
    assert letter.redactions > 0
    assert not letter.pdf_tagged
    assert "Tagged:          no" in pdfinfo(letter.redacted_pdf.read(), tmp_path)
    page = client.get(f"/public/{example.slug}/{request.recipient.contact.body.slug}/").content.decode()
    assert "Michael Lane" not in page
    assert "[redacted]" in page
    assert '<footer class="letter__footnotes"' in page
    assert "it is not tagged" in page


def test_a_letter_whose_template_changed_since_it_went_shows_the_text_that_was_sent(example, client):
    request = sent(request_actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    example.template_source += "\n\nA paragraph added after the letter went.\n"
    example.save(update_fields=["template_source"])
    letter = actions.publish(actions.approve(actions.letter_publication(request), ACTOR), ACTOR)
    assert letter.redacted_html == ""
    page = client.get(f"/public/{example.slug}/{request.recipient.contact.body.slug}/").content.decode()
    assert "added after the letter went" not in page
    assert '<div class="docket-letter govuk-body">' in page


RULES = [Rule("Jane Doe", "a name")]
NOTHING_ALLOWED = AllowList()


def spans(text: str):
    return find(text, RULES, NOTHING_ALLOWED)


def test_html_redaction_finds_a_name_split_by_markup_and_keeps_the_structure():
    html = '<p>Our lead is <em>Jane</em> Doe.</p><p><a href="mailto:jane.doe@x.example">write</a> &amp; more</p>'
    out, count = redact_html(html, spans)
    assert text_of(out) == "Our lead is [redacted].write & more"
    assert "mailto" not in out  # an attribute a rule matches is dropped
    assert out.startswith("<p>Our lead is <em>[redacted]</em>.</p>")
    assert count == 2


def test_html_redaction_fails_closed_when_something_remains():
    # A finder that finds something in the redacted text that it did not find before (as a rule would if the
    # HTML hid part of a name from the first reading): what the rules still find is not published.
    readings: list[str] = []

    def stubborn(text: str):
        readings.append(text)
        rules = [Rule("Jane", "name")] if len(readings) == 1 else [Rule("lead", "found only in the redacted text")]
        return find(text, rules, NOTHING_ALLOWED)

    with pytest.raises(RedactionFailed):
        redact_html("<p>Our lead is Jane</p>", stubborn)


def test_docket_s_own_replacement_is_not_taken_for_a_leftover():
    """A rule for a word of a replacement ("email", of "[email address redacted]") or inside one ("ted", of
    "[redacted]") does not stop the letter's HTML being published: redaction put those words there."""

    def rules(text: str):
        return find(text, [Rule("Jane", "name"), Rule("email", "a word"), Rule("redacted", "a word")], NOTHING_ALLOWED)

    out, count = redact_html("<p>Jane wrote from jane@home.example about the email.</p>", rules)
    assert text_of(out) == "[redacted] wrote from [email address redacted] about the [redacted]."
    assert count == 3
