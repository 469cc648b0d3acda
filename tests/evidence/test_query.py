"""Reading what a person types: the tree it becomes, plain-English errors, and nothing typed reaching the
database's query syntax (tried against the database the run uses)."""

from __future__ import annotations

import re

import pytest

from docket.evidence.query import All, Any, Phrase, QueryError, Term, fts5, parse
from docket.evidence.search import search


def test_it_reads_words_phrases_prefixes_and_operators():
    assert parse("strategy") == Term("strategy")
    assert parse('"Response Strategy"') == Phrase(("response", "strategy"))
    assert parse("strat*") == Term("strat", prefix=True)
    assert parse("a b") == All((Term("a"), Term("b")))
    assert parse("a AND b") == All((Term("a"), Term("b")))
    assert parse("a OR b c") == Any((Term("a"), All((Term("b"), Term("c")))))
    assert parse("a NOT b") == All((Term("a"),), (Term("b"),))
    assert parse("a -b") == All((Term("a"),), (Term("b"),))
    assert parse("(a OR b) c") == All((Any((Term("a"), Term("b"))), Term("c")))
    assert parse("and or not") == All((Term("and"), Term("or"), Term("not")))  # lower case: words
    assert parse("knife-crime") == Phrase(("knife", "crime"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Enter the words to search for."),
        ("   ", "Enter the words to search for."),
        ('"unclosed phrase', "A phrase is missing its closing quotation mark"),
        ("(a OR b", "A bracket “(” is not closed."),
        ("a)", "closing bracket “)” without an opening one"),
        ("a OR", "“OR” needs words on both sides of it."),
        ("OR a", "“OR” needs words on both sides of it."),
        ("NOT a", "not only words to leave out"),
        ("a NOT", "“NOT” needs a word after it"),
        ("a AND", "“AND” needs a word after it."),
        ("()", "There is nothing between the brackets"),
        ('""', "There is nothing between the quotation marks."),
        ("!!! ???", "letters or numbers"),
        ("(" * 9 + "a" + ")" * 9, "at most 8 deep"),
        ("x" * 501, "at most 500 characters"),
        (" ".join(["w"] * 33), "at most 32 words"),
    ],
)
def test_a_query_that_cannot_be_read_says_why(query, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(query)


HOSTILE = [
    "NEAR(a b)",
    "text:secret",
    "a:*",
    "{text}: a",
    "^start",
    "a + b",
    "'; DROP TABLE evidence_searchentry; --",
    '"a" "b',
    "a & b | !c",
    "x <-> y",
    "*",
    "a*b*",
    "evidence_fts",
    "\x00\x02\x03",
    "rank:bm25",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_nothing_typed_is_read_as_the_databases_syntax(query):
    try:
        node = parse(query)
    except QueryError:
        return  # refused in words: fine
    rendered = fts5(node)
    # Only brackets, the three operators, and quoted letters and digits (a prefix's star after the quote).
    assert re.fullmatch(r'(\s|\(|\)|AND|OR|NOT|"[\w ]+"\*?)+', rendered), rendered


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_results_or_a_plain_error_on_the_database(query):
    try:
        search(query)
        search(query, public=True)
    except QueryError:
        pass
