from pathlib import Path

import pytest

from docket.campaigns.importing import blank_field_warnings, check_recipients, import_recipients
from docket.campaigns.models import Recipient, RecipientItem
from docket.importing import ImportFailed
from tests.factories import contact_row, write_csv


def recipient_row(number: int, **overrides: str) -> dict[str, str]:
    return (
        contact_row(number)
        | {
            "field:vru_work": f"is doing thing {number}",
            "item:strategy": "ask",
            "item:strategy:title": "",
            "item:strategy:url": "",
            "item:updates": "",
        }
        | overrides
    )


def test_it_stores_fields_and_item_states(campaign, tmp_path: Path):
    rows = [
        recipient_row(1),
        recipient_row(
            2,
            **{
                "item:strategy": "published",
                "item:strategy:title": "Strategic Assessment",
                "item:strategy:url": "https://body2.example/strategy",
                "item:updates": "n/a",
            },
        ),
    ]
    report = import_recipients(campaign, write_csv(tmp_path / "r.csv", rows))
    assert report.created == 2
    second = Recipient.objects.get(contact__email="person2@body2.example")
    assert second.fields == {"vru_work": "is doing thing 2"}
    states = {s.item.key: (s.state, s.title, s.url) for s in second.item_states.all()}
    assert states == {
        "strategy": ("published", "Strategic Assessment", "https://body2.example/strategy"),
        "updates": ("n/a", "", ""),
    }
    first = Recipient.objects.get(contact__email="person1@body1.example")
    assert set(first.item_states.values_list("state", flat=True)) == {RecipientItem.State.ASK}


def test_it_rejects_unknown_items_and_bad_states_and_writes_nothing(campaign, tmp_path: Path):
    rows = [recipient_row(1, **{"item:strategy": "maybe"}) | {"item:budget": "ask"}]
    with pytest.raises(ImportFailed) as failure:
        import_recipients(campaign, write_csv(tmp_path / "r.csv", rows))
    assert [(e.row, e.column) for e in failure.value.errors] == [(1, "item:budget")]
    rows = [recipient_row(1), recipient_row(2, **{"item:strategy": "maybe"})]
    with pytest.raises(ImportFailed) as failure:
        import_recipients(campaign, write_csv(tmp_path / "r.csv", rows))
    assert [(e.row, e.column) for e in failure.value.errors] == [(3, "item:strategy")]
    assert Recipient.objects.count() == 0


def test_it_refuses_a_url_for_an_item_that_is_asked_for(campaign, tmp_path: Path):
    rows = [recipient_row(1, **{"item:strategy:url": "https://body1.example/s"})]
    with pytest.raises(ImportFailed, match="only for an item that is published"):
        import_recipients(campaign, write_csv(tmp_path / "r.csv", rows))


def test_a_web_address_without_https_is_given_it_and_one_of_another_kind_is_refused(campaign, tmp_path: Path):
    """As on a request's page: "www.body1.example/s" is kept as "https://www.body1.example/s"; "ftp:" is not a
    web address a reader can open."""
    published = {"item:strategy": "published", "item:strategy:url": "www.body1.example/strategy"}
    import_recipients(campaign, write_csv(tmp_path / "r.csv", [recipient_row(1, **published)]))
    assert RecipientItem.objects.get(item__key="strategy").url == "https://www.body1.example/strategy"
    other = {"item:strategy": "published", "item:strategy:url": "ftp://body2.example/strategy"}
    with pytest.raises(ImportFailed, match="is not a web address"):
        import_recipients(campaign, write_csv(tmp_path / "s.csv", [recipient_row(2, **other)]))


def test_reimporting_updates_fields_without_duplicating(campaign, tmp_path: Path):
    import_recipients(campaign, write_csv(tmp_path / "a.csv", [recipient_row(1), recipient_row(2)]))
    changed = [recipient_row(1, **{"field:vru_work": "changed", "item:updates": "n/a"}), recipient_row(2)]
    report = import_recipients(campaign, write_csv(tmp_path / "b.csv", changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    first = Recipient.objects.get(contact__email="person1@body1.example")
    assert first.fields["vru_work"] == "changed"
    assert first.item_states.get(item__key="updates").state == "n/a"
    assert Recipient.objects.count() == 2


def test_it_rejects_a_field_name_a_template_cannot_use(campaign, tmp_path: Path):
    rows = [recipient_row(1) | {"field:vru work": "x"}]
    with pytest.raises(ImportFailed, match="field name uses letters"):
        import_recipients(campaign, write_csv(tmp_path / "r.csv", rows))


def test_cells_neither_database_can_store_are_named_and_nothing_is_written(campaign, tmp_path: Path):
    rows = [
        recipient_row(1, **{"field:vru_work": "has a NUL\x00 inside"}),
        recipient_row(2, **{"item:strategy": "published", "item:strategy:title": "T" * 400}),
        recipient_row(3, **{"item:strategy": "published", "item:strategy:url": "https://body3.example/" + "a" * 600}),
        recipient_row(4, full_name="Person\r\nBcc: everyone@example.org"),
    ]
    with pytest.raises(ImportFailed) as failure:
        import_recipients(campaign, write_csv(tmp_path / "r.csv", rows))
    found = {(error.row, error.column) for error in failure.value.errors}
    assert found == {
        (2, "field:vru_work"),
        (3, "item:strategy:title"),
        (4, "item:strategy:url"),
        (5, "full_name"),
    }
    assert "NUL" in str(failure.value)
    assert "line break" in str(failure.value)
    assert Recipient.objects.count() == 0


def test_a_csv_separated_by_semicolons_is_imported_with_its_fields(campaign, tmp_path: Path):
    rows = [recipient_row(n, **{"field:vru_work": f"runs 3,5 projects in area {n}"}) for n in (1, 2)]
    report = import_recipients(campaign, write_csv(tmp_path / "r.csv", rows, delimiter=";"))
    assert report.created == 2
    second = Recipient.objects.get(contact__email="person2@body2.example")
    assert second.fields == {"vru_work": "runs 3,5 projects in area 2"}


LETTER = "Dear {{ contact.salutation }}, {{ fields.vru_work }}.{% if fields.note %} {{ fields.note }}{% endif %}"


def test_a_blank_field_the_letter_uses_is_warned_of_by_row_and_the_rows_still_import(campaign, tmp_path: Path):
    campaign.template_source = LETTER
    campaign.save()
    rows = [
        recipient_row(1),
        recipient_row(2, body="Kent PCC", **{"field:vru_work": ""}) | {"field:note": ""},
        recipient_row(3, **{"field:vru_work": "  "}) | {"field:note": "x"},
    ]
    rows[0] |= {"field:note": ""}  # blank, but the letter only prints it when it is not
    check = check_recipients(campaign, write_csv(tmp_path / "r.csv", rows))
    warnings = blank_field_warnings(campaign, check)
    assert warnings.shown == [
        "Row 3 (Kent PCC): vru_work is blank, and the letter uses it: the letter cannot be made until it is "
        "filled in on the recipient's page.",
        "Row 4 (Body 3): vru_work is blank, and the letter uses it: the letter cannot be made until it is "
        "filled in on the recipient's page.",
    ]
    assert warnings.more == 0
    assert not check.errors
    assert import_recipients(campaign, write_csv(tmp_path / "r.csv", rows)).created == 3


def test_the_blank_field_warnings_name_the_first_rows_and_count_the_rest(campaign, tmp_path: Path):
    campaign.template_source = "{{ fields.vru_work }} {{ fields.area_sentence }}"
    campaign.save()
    rows = [recipient_row(n, **{"field:vru_work": ""}) | {"field:area_sentence": ""} for n in range(1, 8)]
    warnings = blank_field_warnings(campaign, check_recipients(campaign, write_csv(tmp_path / "r.csv", rows)), 5)
    assert len(warnings.shown) == 5
    assert warnings.more == 2
    assert warnings.shown[0] == (
        "Row 2 (Body 1): area_sentence and vru_work are blank, and the letter uses them: the letter cannot be made "
        "until they are filled in on the recipient's page."
    )
