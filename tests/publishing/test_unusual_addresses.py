"""Addresses written in unusual forms (split over two lines, full-width, accented, with a zero-width space) are
redacted whole, in the reply's text and in a PDF's indexed text alike, on every public page, search, feed and export."""

import time
import unicodedata
from pathlib import Path

import pytest

from docket.evidence.models import Audience, SearchEntry
from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.publishing import actions
from docket.publishing.export import export_site
from docket.publishing.models import Publication
from docket.publishing.redaction import allow_list, find, redact
from docket.requests.actions import Actor
from tests.mailserver import sent_example
from tests.publishing.test_leaks import crawl, text_of
from tests.samples import compile_typst, reply

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor("test")
FULL_WIDTH = "ful" + "".join(chr(ord(c) + 0xFEE0) for c in "lwidth")  # full-width "lwidth": NFKC reads "fullwidth"
BODY = (
    "Our officers can be reached at split.line.leak@sec-\nret.example, at " + FULL_WIDTH + "@secret.example,\n"
    "at idn.leak@sécret.example and at zw.le\u200bak@secret.example. The figures are attached."
)
PDF = """#set text(font: "Liberation Sans")
The figures are from pdfsplit.leak\\@sec- \\
ret.example, who wrote the Response Strategy.
"""
# Every address and any piece of one that would show it was there.
FRAGMENTS = [
    "leak",
    "zw.le",
    "sec-",
    "ret.example",
    FULL_WIDTH[:4],
    "fullwidth",
    "sécret",
    "split.line",
    "pdfsplit",
    "idn.",
]


def leaked(text: str) -> list[str]:
    """The fragments in the text, read as it is and with full-width letters and invisible characters normalised."""
    readings = [text, "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf")]
    readings += [" ".join(reading.split()) for reading in readings]
    return [f for f in FRAGMENTS if any(f.lower() in reading.lower() for reading in readings)]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Write to split.line.leak@sec-\nret.example now.", "Write to [email address redacted] now."),
        (f"Write to {FULL_WIDTH}@secret.example now.", "Write to [email address redacted] now."),
        ("Write to idn.leak@sécret.example.", "Write to [email address redacted]."),
        ("Write to idn.leak@se\u0301cret.example now.", "Write to [email address redacted] now."),
        ("Write to zw.le\u200bak@secret.example now.", "Write to [email address redacted] now."),
        ("Write to zw.leak@sec\u2060ret.example now.", "Write to [email address redacted] now."),
        ("Write to jane@secret.\nexample now.", "Write to [email address redacted] now."),
        (
            "Ask foi@office.example or office@commissioner.example.",
            "Ask foi@office.example or office@commissioner.example.",
        ),
    ],
)
def test_the_whole_address_is_replaced(text: str, kept: str):
    assert redact(text, find(text, [], allow_list(["office@commissioner.example"], []))) == kept


def test_a_long_word_is_searched_in_time_proportional_to_it():
    text = "a" * 30000 + "@" + "b." * 15000 + "-\nb"  # no address: the regular expression tried each "a"
    started = time.monotonic()
    assert find(text, [], allow_list([], [])) == []
    assert time.monotonic() - started < 1


def test_unusual_addresses_are_public_nowhere(client, example, smtp_server, tmp_path: Path):
    requests = {r.recipient.contact.body.area: r for r in sent_example(example, smtp_server[1]).values()}
    hampshire = requests["Hampshire"]
    answer = ingest(
        reply(
            sender="pcc@hampshire-pcc.example",
            to=reply_address(hampshire.pk),
            body=BODY,
            attachments=[("figures.pdf", "application/pdf", compile_typst(PDF))],
        ),
        InboundMessage.Source.UPLOAD,
    ).message
    attachment = answer.attachments.get()
    assert "pdfsplit.leak@sec\ufffe" in attachment.text  # pdfium's mark of a hyphen it took for hyphenation
    for item in (
        actions.letter_publication(hampshire),
        actions.reply_publication(answer.pk, hampshire),
        actions.document_publication(attachment.pk, hampshire),
    ):
        actions.publish(actions.approve(item, ACTOR), ACTOR)

    document = Publication.objects.get(attachment=attachment)
    assert document.state == "published"
    assert document.redacted_pdf is not None
    assert "[email address redacted]" in document.redacted_text
    assert leaked(document.redacted_text) == []
    # What public search holds of the document is its redacted text, as the published PDF has it.
    rows = SearchEntry.objects.filter(audience=Audience.PUBLIC, publication=document)
    assert rows.exists()
    assert all(leaked(row.text) == [] for row in rows)
    assert leaked(text_of("figures.pdf", document.redacted_pdf.read())) == []

    pages = crawl(client)
    body = pages["/public/iasc-vru-2020/hampshire-police-and-crime-commissioner/"].decode()
    assert "reached at [email address redacted]" in body
    assert "0 results" not in client.get("/public/search/", {"q": "Response Strategy"}).content.decode()
    for query in ("leak", "secret", "ret", "example", "pdfsplit", "fullwidth", "Response Strategy", "reached"):
        found = client.get("/public/search/", {"q": query}).content.decode()
        # The page repeats the query: what else it shows is what was found.
        pages[f"search {query}"] = found.replace(query, "").encode()
    for url, content in pages.items():
        assert leaked(text_of(url, content)) == [], url
    out = tmp_path / "site"
    export_site(out)
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        assert leaked(text_of(str(path), path.read_bytes())) == [], path
