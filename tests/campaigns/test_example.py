import pytest

from docket.campaigns.examples import ExampleError, load_example
from docket.campaigns.models import Campaign, Recipient

pytestmark = pytest.mark.django_db


def test_it_loads_the_example_campaign_with_its_three_recipients():
    campaign, report = load_example("iasc-vru-2020")
    assert report.created == 3
    assert campaign.office.coordinator_name == "April McCoig"
    assert campaign.letter_date.isoformat() == "2020-10-13"
    assert campaign.references.count() == 5
    assert list(campaign.items.values_list("key", flat=True)) == [
        "problem_profile",
        "response_strategy",
        "delivery_updates",
    ]
    thames = Recipient.objects.get(contact__full_name="Anthony Stansfeld")
    assert thames.fields["mention_annual_report"] == "no"
    assert thames.fields["vru_work"].startswith("is supporting initiatives such as the DIVERT Programme")
    notts = Recipient.objects.get(contact__full_name="Paddy Tipping")
    states = {s.item.key: (s.state, s.title) for s in notts.item_states.all()}
    assert states == {
        "problem_profile": ("published", "Strategic Assessment"),
        "response_strategy": ("published", ""),
        "delivery_updates": ("ask", ""),
    }
    assert notts.contact.body.tags.get().name == "VRU area"


def test_loading_it_again_changes_nothing():
    load_example("iasc-vru-2020")
    assert load_example("iasc-vru-2020")[1] is None  # there already: left alone
    _, report = load_example("iasc-vru-2020", reset=True)
    assert report is not None
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert Campaign.objects.count() == 1
    assert Recipient.objects.count() == 3


def test_an_unknown_example_is_named():
    with pytest.raises(ExampleError, match="the examples are: iasc-vru-2020"):
        load_example("nope")
