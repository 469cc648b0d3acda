import datetime

import pytest

from docket.letters import LetterError, build_letter, render
from docket.letters.wording import english_list, long_date
from tests.letters.data import campaign, recipient


def body_text(letter) -> list[str]:
    return ["".join(run.text or f"[{run.note}]" for run in block.runs) for block in letter.blocks]


def test_it_personalises_and_numbers_citations_in_order_of_first_use():
    letter = build_letter(campaign(), recipient())
    assert body_text(letter) == [
        "Thank you for your work in Testshire[1].",
        "Please send your Plan. A note[2] and again[1].",
    ]
    assert [("".join(r.text for r in note.runs)) for note in letter.footnotes] == [
        "Home Office (2019) A report",
        "The Commissioner (2020) A blog post",
    ]
    assert letter.footnotes[0].runs[1].href == "https://www.gov.uk/report"
    assert letter.salutation == "Dear Jo,"
    assert letter.closing == "Yours sincerely,"
    assert letter.date_text == "13 October 2020"


def test_an_impersonal_salutation_closes_yours_faithfully():
    letter = build_letter(campaign(), recipient(salutation=""))
    assert (letter.salutation, letter.closing) == ("Dear Sir or Madam,", "Yours faithfully,")


def test_a_missing_field_is_an_error_naming_campaign_recipient_and_line():
    template = "Line one.\n\nLine two {{ fields.no_such_field }}.\n"
    with pytest.raises(LetterError) as error:
        build_letter(campaign(template), recipient())
    assert error.value.line == 3
    assert "campaign 'test-campaign', recipient 'Jo Bloggs' (#7), template line 3" in str(error.value)
    assert "no_such_field" in str(error.value)


def test_an_unknown_citation_is_an_error_with_its_line():
    with pytest.raises(LetterError, match=r"template line 2: cite\('nope'\): no reference") as error:
        build_letter(campaign("Fine.\nNot fine{{ cite('nope') }}\n"), recipient())
    assert "the keys are: blog, report" in str(error.value)


def test_a_syntax_error_names_its_line():
    with pytest.raises(LetterError) as error:
        build_letter(campaign("One\n\n{% if %}\n"), recipient())
    assert error.value.line == 3


def test_the_sandbox_refuses_to_reach_python_internals():
    with pytest.raises(LetterError, match=r"unsafe|not safely callable|access"):
        build_letter(campaign("{{ ''.__class__.__mro__[1].__subclasses__() }}"), recipient())
    with pytest.raises(LetterError):
        build_letter(campaign("{{ cite.__globals__ }}"), recipient())


HOSTILE = "{{ 7*7 }} <script>alert(1)</script> **bold** [x](javascript:alert(1)) #1 $5 @x // _y_"


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx", "pdf"])
def test_recipient_data_comes_out_literally_in_every_format(fmt):
    data = recipient(fields={"note": HOSTILE}, full_name="<b>Jo</b> & {{ name }}")
    output = render(campaign(), data, fmt)
    text = extract_text(fmt, output)
    squashed = " ".join(text.split())
    assert "{{ 7*7 }}" in squashed
    assert "49" not in squashed
    assert "<script>alert(1)</script>" in squashed
    assert "**bold** [x](javascript:alert(1)) #1 $5 @x // _y_" in squashed
    assert "<b>Jo</b> & {{ name }}" in squashed
    if fmt == "html":
        assert b"<script>" not in output
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in output
        assert b'href="javascript' not in output


def extract_text(fmt: str, output: bytes) -> str:
    if fmt == "pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(output)
        return " ".join(page.get_textpage().get_text_range() for page in pdf)
    if fmt == "docx":
        import io

        import docx

        document = docx.Document(io.BytesIO(output))
        return " ".join(paragraph.text for paragraph in document.paragraphs)
    if fmt in {"md", "html"}:
        import html
        import re

        from markdown_it import MarkdownIt

        page = output.decode() if fmt == "html" else MarkdownIt("commonmark", {"html": False}).render(output.decode())
        return html.unescape(re.sub(r"<[^>]+>", " ", page))
    return output.decode()


def test_english_lists_and_long_dates():
    assert english_list([]) == ""
    assert english_list(["A"]) == "A"
    assert english_list(["A", "B"]) == "A and B"
    assert english_list(["A", "B", "C"]) == "A, B and C"
    assert long_date(datetime.date(2020, 10, 3)) == "3 October 2020"


@pytest.mark.parametrize("written", ["Dear Ms Patel", "dear Ms Patel,", "Ms Patel"])
def test_a_salutation_written_with_its_dear_gets_one_dear(written: str):
    assert build_letter(campaign(), recipient(salutation=written)).salutation == "Dear Ms Patel,"


def test_dear_sir_or_madam_written_whole_is_still_impersonal():
    letter = build_letter(campaign(), recipient(salutation="Dear Sir or Madam"))
    assert (letter.salutation, letter.closing) == ("Dear Sir or Madam,", "Yours faithfully,")
