"""A published document that is not a PDF: its redacted text on a page of its own, never its file; one
with no text says so plainly on the body's page."""

import pytest

from docket.publishing import actions
from docket.publishing.models import Publication
from docket.publishing.site import text_path
from docket.requests.actions import Actor

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor("test")
BODY_PAGE = "/public/iasc-vru-2020/hampshire-police-and-crime-commissioner/"


def test_text_pages_exist_only_for_public_documents_that_are_not_pdfs(client, published_in_part):
    figures = Publication.objects.get(attachment__filename="figures.docx")
    assert client.get(f"/public/{text_path(figures)}").status_code == 200
    assert client.get(f"/public/files/{figures.token}/another-name/").status_code == 404
    strategy = Publication.objects.get(attachment__filename="strategy.pdf")  # a PDF: its file, not a text page
    assert client.get(f"/public/{text_path(strategy)}").status_code == 404
    private = published_in_part["private"]  # approved, never published
    assert client.get(f"/public/files/{private.token}/private/").status_code == 404
    actions.make_private(figures, ACTOR, "the body asked")
    assert client.get(f"/public/{text_path(figures)}").status_code == 404
    assert "figures.docx" not in client.get(BODY_PAGE).content.decode()


def test_a_document_with_no_text_checked_by_eye_says_why_it_is_not_online(client, published_in_part):
    scan = Publication.objects.get(attachment__filename="UNREAD-BINARY-SCAN.bin")
    actions.publish(actions.confirm_checked_by_eye(scan, ACTOR, "a photo of a leaflet"), ACTOR)
    page = client.get(BODY_PAGE).content.decode()
    assert "UNREAD-BINARY-SCAN.bin (not online: see below)" in page
    assert "has no text that could be read from it" in page
    assert client.get(f"/public/{text_path(scan)}").status_code == 404
