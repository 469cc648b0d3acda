"""Publish part of the example campaign, then crawl everything public (live and exported) for leaks."""

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pypdfium2
import pytest

from docket.publishing import actions
from docket.publishing.export import export_site
from docket.publishing.models import Publication
from docket.requests.actions import Actor

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor("test")
SECRETS = {
    "unpublished reply": "NOTTS-SECRET-REPLY",
    "unpublished document": "PRIVATE-DOC-TEXT",
    "embargoed letter": "DIVERT Programme",  # only in the Thames Valley letter, under embargo
    "redacted name": "Jane Doe",
    "redacted email": "michael.private@gmail.example",
    "redacted phone": "07700 900123",
    "unpublished letter": "training programmes and employment placements",  # Nottinghamshire's letter
    "document of an unpublished letter": "NOTTS-DOCUMENT-OF-AN-UNPUBLISHED-LETTER",  # published, its letter not
    "unread binary": "UNREAD-BINARY-SCAN",  # approved, not checked by eye, so never published
}
STAFF_PATHS = re.compile(r"/(admin|campaigns|requests|sign-in|sign-out|outbox|holding-pen|users|office|attachments)/")


def text_of(path: str, content: bytes) -> str:
    if content.startswith(b"%PDF"):
        document = pypdfium2.PdfDocument(content)
        return " ".join(page.get_textpage().get_text_range() for page in document)
    return content.decode("utf-8", "replace")


def assert_clean(where: str, text: str) -> None:
    squashed = " ".join(text.split())
    for what, secret in SECRETS.items():
        assert secret.lower() not in squashed.lower(), f"{where} leaks the {what}"
    assert not STAFF_PATHS.search(text), f"{where} links to a staff page"


def crawl(client) -> dict[str, bytes]:
    seen: dict[str, bytes] = {}
    queue = ["/public/", "/public/feed.atom", "/public/data/requests.csv", "/public/data/requests.json"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response.content
        if response["Content-Type"].startswith("text/html"):
            for href in re.findall(r'href="([^"#]+)"', response.content.decode()):
                target = urlsplit(urljoin(url, href)).path
                if target.startswith("/public/"):
                    queue.append(target)
    return seen


def test_nothing_unpublished_or_redacted_is_public(client, published_in_part, tmp_path: Path):
    pages = crawl(client)
    assert any("/files/" in url for url in pages)  # the redacted PDFs were reached
    assert "Hampshire Police and Crime Commissioner" in pages["/public/iasc-vru-2020/"].decode()
    body = pages["/public/iasc-vru-2020/hampshire-police-and-crime-commissioner/"].decode()
    assert "[email address redacted]" in body
    assert "knife crime" in body  # the published letter is there
    # A Word and an Excel file: their text, redacted, on a page each; never the file itself.
    text_pages = {url: content.decode() for url, content in pages.items() if re.search(r"/files/[^/]+/[^/.]+/$", url)}
    assert len(text_pages) == 2, sorted(pages)
    assert "(its text, redacted)" in body
    assert "Only PDF files are published as files" in body
    figures = next(page for url, page in text_pages.items() if url.endswith("/figures/"))
    assert "Violence reduction figures 2020." in figures
    assert "Word document" in figures
    budget = next(page for url, page in text_pages.items() if url.endswith("/budget/"))
    assert "Outreach" in budget
    assert not any(url.endswith((".docx", ".xlsx")) for url in pages)
    for url, content in pages.items():
        assert_clean(url, text_of(url, content))

    out = tmp_path / "site"
    export_site(out)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert (out / "index.html").exists()
    assert (out / "data" / "requests.csv").exists()
    assert (out / "feed.atom").exists()
    assert any(p.suffix == ".pdf" for p in files)
    assert len(list((out / "files").glob("*/*/index.html"))) == 2  # the two text pages
    for path in files:
        assert_clean(str(path.relative_to(out)), text_of(str(path), path.read_bytes()))
    again = tmp_path / "again"
    export_site(again)
    assert [(p.relative_to(out), p.read_bytes()) for p in files] == [
        (p.relative_to(again), p.read_bytes()) for p in sorted(again.rglob("*")) if p.is_file()
    ]


def test_guessing_unpublished_addresses_finds_nothing(client, published_in_part):
    private = published_in_part["private"]
    assert client.get(f"/public/files/{private.token}/private.pdf").status_code == 404
    assert client.get("/public/iasc-vru-2020/nottinghamshire-police-and-crime-commissioner/").status_code == 404
    assert client.get("/public/iasc-vru-2020/thames-valley-police-and-crime-commissioner/").status_code == 404
    assert client.get("/public/no-such-campaign/").status_code == 404
    search = client.get("/public/search/", {"q": "NOTTS-SECRET-REPLY"}).content.decode()
    assert "0 results" in search
    published_without_its_letter = Publication.objects.get(attachment__filename="notts.pdf")
    assert published_without_its_letter.state == "published"  # published, yet public nowhere
    assert "0 results" in client.get("/public/search/", {"q": "NOTTS-DOCUMENT"}).content.decode()
    assert client.get(f"/public/files/{published_without_its_letter.token}/notts.pdf").status_code == 404
    assert "1 result" in client.get("/public/search/", {"q": "knife crime"}).content.decode()


def test_making_something_private_takes_effect_at_once(client, published_in_part):
    page = "/public/iasc-vru-2020/hampshire-police-and-crime-commissioner/"
    assert "Strategy attached" in client.get(page).content.decode()  # now in the page cache
    reply = Publication.objects.get(kind="reply")
    actions.make_private(reply, ACTOR, "the body withdrew its consent")
    assert "Strategy attached" not in client.get(page).content.decode()
