"""`docket search` prints one line a hit (request, body, document, page, snippet); `docket reindex` rebuilds."""

from __future__ import annotations

import pytest

from docket.cli import main
from docket.evidence.models import SearchEntry

pytestmark = pytest.mark.django_db


def test_it_prints_each_hit_with_its_page(replied, capsys):
    assert main(["search", "--campaign", replied.campaign.slug, '"mentoring', 'scheme"']) == 0
    out, err = capsys.readouterr()
    [line] = out.splitlines()
    request, body, document, page, snippet = line.split("\t")
    assert request == f"#{replied.request.pk}"
    assert body == "Hampshire Police and Crime Commissioner"
    assert (document, page) == ("Response Strategy.pdf", "3")
    assert "mentoring scheme for young people" in snippet
    assert "<mark>" not in snippet
    assert err.strip() == "1 found"


def test_a_query_it_cannot_read_is_told_in_words(replied, capsys):
    assert main(["search", '"unclosed']) == 1
    assert "docket search: A phrase is missing its closing quotation mark" in capsys.readouterr().err
    assert main(["search", "--campaign", "no-such", "x"]) == 1
    assert "no campaign 'no-such'" in capsys.readouterr().err


def test_reindex_rebuilds_the_index(replied, capsys):
    count = SearchEntry.objects.count()
    SearchEntry.objects.all().delete()
    assert main(["search", "mentoring"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["reindex"]) == 0
    assert capsys.readouterr().out == f"{count:,} pages indexed\n"
    assert main(["search", "mentoring"]) == 0
    assert "Response Strategy.pdf\t3\t" in capsys.readouterr().out
