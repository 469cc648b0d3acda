"""The acceptance tests of search, on whichever database the run uses (SQLite, or PostgreSQL by
DOCKET_DATABASE_URL): a page found by its phrase, redaction and publication respected, the index
following a re-extraction and a deletion."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from docket.evidence.indexing import reindex
from docket.evidence.models import SearchEntry
from docket.evidence.search import Filters, search
from docket.mail.intake import process
from docket.publishing import actions as publishing
from docket.publishing.models import RedactionRule
from docket.requests.actions import Actor
from tests.evidence.conftest import pdf_of_pages, reply_to

pytestmark = pytest.mark.django_db
ACTOR = Actor("test")


def wheres(query: str, **options) -> list[str]:
    return [hit.where for hit in search(query, **options).hits]


def test_it_finds_a_phrase_on_the_page_it_is_on(replied):
    results = search('"mentoring scheme for young people"')
    assert [hit.where for hit in results.hits] == ["page 3 of Response Strategy.pdf"]
    hit = results.hits[0]
    assert hit.entry.attachment == replied.strategy
    assert hit.entry.request == replied.request
    assert re.search(r"<mark>[^<]*mentoring", hit.snippet)  # FTS5 marks the phrase, PostgreSQL each word
    assert wheres('"young mentoring"') == []  # the words, not side by side


def test_it_combines_words(replied):
    documents = Filters(kind="document")
    assert set(wheres("partnership", filters=documents)) == {
        "page 1 of Response Strategy.pdf",
        "page 2 of Response Strategy.pdf",
    }
    assert wheres("partnership NOT board", filters=documents) == ["page 1 of Response Strategy.pdf"]
    assert wheres("partnership -board", filters=documents) == ["page 1 of Response Strategy.pdf"]
    assert set(wheres("governance OR mentoring", filters=documents)) == {
        "page 2 of Response Strategy.pdf",
        "page 3 of Response Strategy.pdf",
    }
    assert wheres("mentor*") == ["page 3 of Response Strategy.pdf"]
    assert wheres("(knife OR mentoring) AND Doe", filters=Filters(kind="reply")) == ["Re: Violence Reduction Units"]
    assert wheres("knife crime", filters=Filters(kind="reply")) == ["Re: Violence Reduction Units"]
    assert "Letter to Hampshire Police and Crime Commissioner" in wheres("knife")  # the letter sent asks about it


def test_it_ranks_the_page_that_says_most_first(replied):
    reply_to(
        replied.request,
        "See the plan.",
        [
            (
                "Plan.pdf",
                "application/pdf",
                pdf_of_pages(["A word on mentoring.", "Mentoring, mentoring and more mentoring."]),
            )
        ],
    )
    ranked = wheres("mentoring", filters=Filters(kind="document"))
    assert ranked[0] == "page 2 of Plan.pdf"
    assert set(ranked) == {"page 2 of Plan.pdf", "page 3 of Response Strategy.pdf", "page 1 of Plan.pdf"}


def test_filters_keep_to_what_is_asked(replied, other_campaign):
    everywhere = Filters(campaigns=(replied.campaign.pk,))
    assert wheres("mentoring", filters=everywhere) == ["page 3 of Response Strategy.pdf"]
    assert wheres("mentoring", filters=Filters(campaigns=(other_campaign.pk,))) == []
    assert wheres("mentoring", filters=Filters(kind="letter")) == []
    body = replied.request.recipient.contact.body_id
    assert wheres("mentoring", filters=Filters(body=body)) == ["page 3 of Response Strategy.pdf"]
    assert wheres("mentoring", filters=Filters(body=body + 1000)) == []
    received = replied.strategy.message.received_at.date()
    assert wheres("mentoring", filters=Filters(since=received, until=received)) != []
    assert wheres("mentoring", filters=Filters(until=received.replace(year=received.year - 1))) == []
    item = replied.campaign.items.get(key="response_strategy")
    assert wheres("mentoring", filters=Filters(item=item.pk)) == []
    from docket.mail.intake import mark_attachment_fulfils

    mark_attachment_fulfils(replied.strategy, "response_strategy", ACTOR)
    assert wheres("mentoring", filters=Filters(item=item.pk)) == ["page 3 of Response Strategy.pdf"]


def publish(publication):
    return publishing.publish(publishing.approve(publication, ACTOR), ACTOR)


def test_a_redacted_word_is_never_public(replied):
    RedactionRule.objects.create(pattern="Jane Doe", reason="an officer's name")
    publish(publishing.letter_publication(replied.request))
    publish(publishing.reply_publication(replied.message.pk, replied.request))
    publish(publishing.document_publication(replied.strategy.pk, replied.request))

    assert "page 3 of Response Strategy.pdf" in wheres("Doe")  # staff see the text as received
    assert wheres("Doe", public=True) == []
    assert wheres('"Jane Doe"', public=True) == []
    public_hits = search("mentoring OR knife OR strategy OR contact", public=True, limit=100).hits
    assert {hit.where for hit in public_hits} >= {
        "page 3 of Response Strategy.pdf",
        "Reply from Hampshire Police and Crime Commissioner",
    }
    for hit in public_hits:
        assert "doe" not in hit.snippet.lower()
        assert "doe" not in hit.entry.text.lower()
    page = next(hit for hit in public_hits if hit.entry.page == 3)
    assert "[redacted]" in page.entry.text


def test_an_unpublished_reply_is_found_by_staff_only(replied):
    assert wheres('"knife crime work"', public=True) == []
    publication = publishing.reply_publication(replied.message.pk, replied.request)
    publish(publishing.letter_publication(replied.request))
    publish(publication)
    assert wheres('"knife crime work"', public=True) == ["Reply from Hampshire Police and Crime Commissioner"]
    publishing.make_private(publication, ACTOR, "published by mistake")
    assert wheres('"knife crime work"', public=True) == []
    assert wheres('"knife crime work"') == ["Re: Violence Reduction Units"]


def fts_rows() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM evidence_fts WHERE evidence_fts MATCH 'mentoring'")
        else:
            cursor.execute(
                "SELECT count(*) FROM evidence_searchentry WHERE vector @@ to_tsquery('english', 'mentoring')"
            )
        return int(cursor.fetchone()[0])


def test_the_index_follows_a_re_extraction_and_a_deletion(replied):
    before = SearchEntry.objects.count()
    old = replied.strategy.pk
    process(replied.message)  # read again: its attachments are made afresh
    [hit] = search("mentoring").hits
    assert hit.entry.attachment_id != old
    assert hit.entry.attachment.message == replied.message
    assert SearchEntry.objects.count() == before
    assert fts_rows() == 1

    hit.entry.attachment.delete()
    assert search("mentoring").hits == []
    assert fts_rows() == 0
    assert wheres("knife crime", filters=Filters(kind="reply")) == ["Re: Violence Reduction Units"]


def test_reindex_rebuilds_the_same_index(replied):
    publish(publishing.letter_publication(replied.request))
    publish(publishing.reply_publication(replied.message.pk, replied.request))
    before = sorted(SearchEntry.objects.values_list("audience", "kind", "page", "text"))
    SearchEntry.objects.all().delete()
    assert search("mentoring").hits == []
    assert reindex() == len(before)
    assert sorted(SearchEntry.objects.values_list("audience", "kind", "page", "text")) == before
    assert wheres("mentoring") == ["page 3 of Response Strategy.pdf"]
    assert wheres('"knife crime work"', public=True) == ["Reply from Hampshire Police and Crime Commissioner"]


def test_a_message_moved_to_another_request_is_found_there(replied, example):
    from docket.mail.actions import move_message
    from docket.requests import actions
    from tests.web.conftest import sent

    other = sent(actions.request_for(example.recipients.get(contact__full_name="Paddy Tipping")))
    move_message(replied.message, other, ACTOR)
    [hit] = search("mentoring").hits
    assert hit.entry.request == other
    assert hit.entry.body == other.recipient.contact.body


def test_sqlite_ranks_the_same_with_or_without_its_shortcut(replied, monkeypatch):
    from docket.evidence import search as searching

    if connection.vendor != "sqlite":
        pytest.skip("the shortcut is SQLite's")
    queries = ["partnership", "mentoring OR knife OR governance", '"young people"']
    quick = [wheres(query, filters=Filters(kind="document")) for query in queries]
    snippets = [[str(hit.snippet) for hit in search(query).hits] for query in queries]
    monkeypatch.setattr(searching, "MAX_POOL", 0)  # straight to the join of every match
    assert [wheres(query, filters=Filters(kind="document")) for query in queries] == quick
    assert [[str(hit.snippet) for hit in search(query).hits] for query in queries] == snippets
    assert quick[1]


def test_an_embargoed_reply_is_not_public_until_its_day(replied):
    import datetime

    from django.utils import timezone

    publish(publishing.letter_publication(replied.request))
    publication = publish(publishing.reply_publication(replied.message.pk, replied.request))
    assert wheres('"knife crime work"', public=True) == ["Reply from Hampshire Police and Crime Commissioner"]
    publishing.set_embargo(publication, timezone.localdate() + datetime.timedelta(days=7), ACTOR)
    assert wheres('"knife crime work"', public=True) == []  # published, its rows kept, but not public yet
    publishing.set_embargo(publication, None, ACTOR)
    assert wheres('"knife crime work"', public=True) == ["Reply from Hampshire Police and Crime Commissioner"]


def test_a_long_text_is_indexed_in_parts_each_found_and_quoted(replied):
    """A text file or Word document is one page however long: it is indexed in parts of at most
    PART_CHARS characters (a snippet reads its whole row; PostgreSQL refuses a tsvector over 1 MB)."""
    from docket.evidence.indexing import PART_CHARS, parts

    words = [f"word{n}" for n in range(60_000)]  # about 600,000 characters
    words[10] = "firstneedle"
    words[59_990] = "lastneedle"
    long = " ".join(words)
    assert "".join(parts(long)) == long  # nothing lost or added at the cuts
    assert all(len(part) <= PART_CHARS for part in parts(long))
    assert not any(part.endswith("word") for part in parts(long))  # cut between words
    message = reply_to(replied.request, "The notes are attached.", [("notes.txt", "text/plain", long.encode())])
    rows = SearchEntry.objects.filter(attachment__message=message)
    assert rows.count() == len(list(parts(long))) > 20
    assert max(len(text) for text in rows.values_list("text", flat=True)) <= PART_CHARS
    for needle in ("firstneedle", "lastneedle"):
        hits = search(needle).hits
        assert [hit.where for hit in hits] == ["page 1 of notes.txt"]
        assert "<mark>" in hits[0].snippet
