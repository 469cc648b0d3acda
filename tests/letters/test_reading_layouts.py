"""Reading a letter already written: the recipient's address is found below the date or above it, the two
common layouts of a UK letter (a tester's letters with the address above the date were refused)."""

from __future__ import annotations

import datetime

import pytest

from docket.letters.learning import learn
from docket.letters.reading import parse_letter

LETTERHEAD = "Older People's Commissioner for Wales\nCambrian Buildings, Cardiff CF10 5FL"
ADDRESS = "Dafydd Gibbard\nChief Executive\nGwynedd Council\nStryd y Jêl\nCaernarfon\nLL55 1SH"
BODY = (
    "Dear Dafydd Gibbard,\n\nI am writing to ask how Gwynedd Council supports older people who live alone.\n\n"
    "Yours sincerely,\n\nHelena Herklots CBE\nOlder People's Commissioner for Wales\n"
)


@pytest.mark.parametrize(
    "text",
    [
        f"{LETTERHEAD}\n\n14 March 2025\n\n{ADDRESS}\n\n{BODY}",  # the address below the date
        f"{LETTERHEAD}\n\n{ADDRESS}\n\n14 March 2025\n\n{BODY}",  # above it
        f"{LETTERHEAD}\n\n{ADDRESS}\n14 March 2025\n\n{BODY}",  # above it, with no blank line between
    ],
    ids=["below", "above", "above-no-gap"],
)
def test_the_address_is_found_below_the_date_or_above_it(text):
    letter = parse_letter("letter.txt", text)
    assert letter.letterhead == tuple(LETTERHEAD.splitlines())
    assert letter.address == tuple(ADDRESS.splitlines())
    assert letter.date == datetime.date(2025, 3, 14)
    assert letter.salutation == "Dafydd Gibbard"
    assert letter.paragraphs == ("I am writing to ask how Gwynedd Council supports older people who live alone.",)


def test_letters_with_the_address_above_the_date_are_learned():
    people = [
        ("Dafydd Gibbard", "Gwynedd Council", "LL55 1SH"),
        ("Will Bramble", "Pembrokeshire County Council", "SA61 1TP"),
        ("Paul Orders", "Cardiff Council", "CF10 4UW"),
    ]
    texts = [
        f"{LETTERHEAD}\n\n{name}\nChief Executive\n{body}\n1 High Street\nTown\n{postcode}\n\n14 March 2025\n\n"
        f"Dear {name},\n\nI am writing to ask how {body} supports older people who live alone.\n\n"
        "Yours sincerely,\n\nHelena Herklots CBE\nOlder People's Commissioner for Wales\n"
        for name, body, postcode in people
    ]
    learned = learn([parse_letter(f"letter{n}.txt", text) for n, text in enumerate(texts)])
    assert [(r.full_name, r.body, r.postcode) for r in learned.recipients] == people


def test_a_letterhead_above_the_date_with_no_address_is_not_taken_for_the_address():
    letter = parse_letter("letter.txt", f"{LETTERHEAD}\n\n14 March 2025\n\n{BODY}")
    assert letter.address == ()
    assert letter.letterhead == tuple(LETTERHEAD.splitlines())
