"""`docket learn-campaign`: the seeds become a campaign whose letters are the seeds, word for word."""

from __future__ import annotations

from docket.campaigns.letters import campaign_data, recipient_data, recipients_for_rendering
from docket.campaigns.models import Campaign, Office
from docket.cli import main
from docket.directory.models import Body
from docket.letters import render
from tests.letters.normalise import words
from tests.letters.test_fidelity import KNOWN_DIFFERENCES, differences, without_missing_letterhead
from tests.letters.test_learning import SEEDS, council_letter


def test_it_builds_a_campaign_that_renders_the_seeds(db, capsys):
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned", "--title", "VRU"]) == 0
    campaign = Campaign.objects.get(slug="vru-learned")
    assert campaign.references.count() == 5
    data = campaign_data(campaign)
    recipients = recipients_for_rendering(campaign)
    assert [r.contact.body.area for r in recipients] == ["Thames Valley", "Nottinghamshire", "Hampshire"]
    for path, recipient in zip(SEEDS, recipients, strict=True):
        seed = words(path.read_text(encoding="utf-8"))
        ours = words(render(data, recipient_data(recipient), "txt").decode())
        ours.body = without_missing_letterhead(seed.body, ours.body)
        # As the example campaign: word for word but for a seed's own conversion defect ("Act(2015").
        assert differences(seed.body, ours.body) == KNOWN_DIFFERENCES.get(path.name, [])
        assert seed.footnotes == ours.footnotes
    out = capsys.readouterr().out
    assert "field vru (text):" in out
    assert "field modern_slavery" not in out  # conversion debris is no field


def test_a_taken_slug_or_a_letter_that_cannot_be_read_is_a_plain_error(db, capsys, tmp_path):
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned"]) == 0
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned"]) == 1
    assert "already exists" in capsys.readouterr().err
    odd = tmp_path / "note.txt"
    odd.write_text("Just some words, no salutation.\n")
    assert main(["learn-campaign", str(odd), "--slug", "other"]) == 1
    assert "note.txt: no salutation found" in capsys.readouterr().err


def test_two_letters_to_one_person_are_a_plain_error_and_nothing_is_saved(db, capsys, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEEDS[0].read_bytes())
    assert main(["learn-campaign", str(SEEDS[0]), str(copy), str(SEEDS[1]), "--slug", "twice"]) == 1
    assert f"{SEEDS[0].name} and copy.txt are both to Anthony Stansfeld" in capsys.readouterr().err
    assert not Campaign.objects.exists()
    assert not Office.objects.exists()


def kent_letter() -> str:
    """The Hampshire seed rewritten for another commissioner, with other VRU work."""
    text = SEEDS[2].read_text(encoding="utf-8")
    for old, new in [
        ("Michael Lane", "Matthew Scott"),
        ("Dear Michael", "Dear Matthew"),
        ("Office of the Police Crime Commissioner for Hampshire", "Sessions House"),
        ("Hampshire", "Kent"),
        ("SO23 8AJ", "ME14 1XQ"),
        ("are examining police and social care data", "is mapping county lines"),
    ]:
        text = text.replace(old, new)
    return text


def test_add_letter_reads_a_letter_against_the_template_and_adds_its_recipient(db, capsys, tmp_path):
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned"]) == 0
    letter = tmp_path / "kent.md"
    letter.write_text(kent_letter(), encoding="utf-8")
    assert main(["add-letter", "vru-learned", str(letter)]) == 0
    assert "Matthew Scott (Kent Police and Crime Commissioner) added" in capsys.readouterr().out
    campaign = Campaign.objects.get(slug="vru-learned")
    recipient = campaign.recipients.get(contact__full_name="Matthew Scott")
    assert recipient.contact.body.area == "Kent"
    assert recipient.contact.postcode == "ME14 1XQ"
    assert recipient.fields["vru"].startswith("is mapping county lines")
    seed = words(letter.read_text(encoding="utf-8"))
    ours = words(render(campaign_data(campaign), recipient_data(recipient), "txt").decode())
    ours.body = without_missing_letterhead(seed.body, ours.body)
    assert differences(seed.body, ours.body) == []
    assert seed.footnotes == ours.footnotes


def test_add_letter_names_the_words_it_cannot_write_and_saves_nothing(db, capsys, tmp_path):
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned"]) == 0
    letter = tmp_path / "kent.txt"
    letter.write_text(kent_letter().replace("knife crime", "car crime").replace("transparency", "openness"))
    capsys.readouterr()
    assert main(["add-letter", "vru-learned", str(letter)]) == 1
    err = capsys.readouterr().err
    # "car crime" is in the VRU field, so it is that field's value; "openness" is the template's word.
    assert [line for line in err.splitlines() if line.startswith("differs")] == [
        "differs: “openness,” became “transparency,”"
    ]
    assert "not reproduced word for word; nothing saved" in err
    campaign = Campaign.objects.get(slug="vru-learned")
    assert campaign.recipients.count() == 3
    assert main(["add-letter", "vru-learned", str(letter), "--accept-differences"]) == 0
    assert campaign.recipients.count() == 4
    assert main(["add-letter", "vru-learned", str(letter), "--accept-differences"]) == 1
    assert "is already a recipient" in capsys.readouterr().err
    assert main(["add-letter", "no-such-campaign", str(letter)]) == 1


def test_one_letter_makes_a_campaign_with_no_fields_that_writes_it(db, capsys):
    assert main(["learn-campaign", str(SEEDS[1]), "--slug", "one"]) == 0
    campaign = Campaign.objects.get(slug="one")
    assert "fields." not in campaign.template_source
    first = campaign.events.order_by("at", "pk").values_list("kind", "actor_name", "note")[0]
    assert first == ("campaign_created", "docket learn-campaign", "Learned from 1 letter")
    (recipient,) = recipients_for_rendering(campaign)
    seed = words(SEEDS[1].read_text(encoding="utf-8"))
    ours = words(render(campaign_data(campaign), recipient_data(recipient), "txt").decode())
    ours.body = without_missing_letterhead(seed.body, ours.body)
    assert differences(seed.body, ours.body) == []


def test_add_letter_reads_the_already_published_variant_and_the_bodys_own_title(db, capsys, tmp_path):
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned"]) == 0
    text = SEEDS[1].read_text(encoding="utf-8")
    for old, new in [
        ("Paddy Tipping", "Pat Lee"),
        ("Dear Paddy", "Dear Pat"),
        ("Nottinghamshire", "Derbyshire"),
        ("NG5 6LU", "DE4 3AG"),
        ("Strategic Assessment", "Violence Profile"),
    ]:
        text = text.replace(old, new)
    letter = tmp_path / "derbyshire.md"
    letter.write_text(text, encoding="utf-8")
    assert main(["add-letter", "vru-learned", str(letter)]) == 0
    out = capsys.readouterr().out
    assert "item problem_profile_strategic: published (Violence Profile)" in out
    assert "item response_strategy: published" in out
    recipient = Campaign.objects.get(slug="vru-learned").recipients.get(contact__full_name="Pat Lee")
    states = {s.item.key: (s.state, s.title) for s in recipient.item_states.all()}
    assert states == {
        "problem_profile_strategic": ("published", "Violence Profile"),
        "response_strategy": ("published", ""),
    }


def council_letters(tmp_path) -> list[str]:
    """Letters in the common UK shape: name, job title, organisation, address (tests/letters/test_learning.py)."""
    paths = []
    for n in range(3):
        path = tmp_path / f"council{n}.txt"
        path.write_text(council_letter(n, "Cambrian Buildings, Cardiff CF10 5FL"), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_letters_to_a_job_title_at_a_council_make_the_council_the_body(db, tmp_path):
    assert main(["learn-campaign", *council_letters(tmp_path), "--slug", "loneliness"]) == 0
    recipients = recipients_for_rendering(Campaign.objects.get(slug="loneliness"))
    assert [(r.contact.role, r.contact.body.name, r.contact.body.kind, r.contact.body.area) for r in recipients] == [
        ("Chief Executive", "Gwynedd Council", "Council", ""),  # no area the letters do not print alone
        ("Chief Executive", "Pembrokeshire County Council", "Council", ""),  # not "Pembrokeshire County"
        ("Director of Social Services", "Cardiff Council", "Council", ""),
    ]
    assert not Body.objects.filter(name="Chief Executive").exists()
    office = Office.objects.get()
    assert (office.name, office.signatory_name) == ("Older People's Commissioner for Wales", "Helena Herklots CBE")


def test_learned_letters_use_the_workspaces_only_office_rather_than_make_a_second(db, tmp_path):
    existing = Office.objects.create(name="Older People's Commissioner", signatory_name="Helena Herklots")
    assert main(["learn-campaign", *council_letters(tmp_path), "--slug", "loneliness"]) == 0
    assert list(Office.objects.all()) == [existing]
    assert Campaign.objects.get(slug="loneliness").office == existing
    Office.objects.create(name="Another office")
    assert main(["learn-campaign", *council_letters(tmp_path), "--slug", "loneliness-2"]) == 0
    assert Campaign.objects.get(slug="loneliness-2").office.name == "Older People's Commissioner for Wales"
