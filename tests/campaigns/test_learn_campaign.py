"""`docket learn-campaign`: the seeds become a campaign whose letters are the seeds, word for word."""

from __future__ import annotations

from docket.campaigns.letters import campaign_data, recipient_data, recipients_for_rendering
from docket.campaigns.models import Campaign
from docket.cli import main
from docket.letters import render
from tests.letters.normalise import words
from tests.letters.test_fidelity import differences, without_missing_letterhead
from tests.letters.test_learning import SEEDS


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
        assert differences(seed.body, ours.body) == []
        assert seed.footnotes == ours.footnotes
    assert "field vru (text):" in capsys.readouterr().out


def test_a_taken_slug_or_a_letter_that_cannot_be_read_is_a_plain_error(db, capsys, tmp_path):
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned"]) == 0
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned"]) == 1
    assert "already exists" in capsys.readouterr().err
    odd = tmp_path / "note.txt"
    odd.write_text("Just some words, no salutation.\n")
    assert main(["learn-campaign", str(odd), "--slug", "other"]) == 1
    assert "note.txt: no salutation found" in capsys.readouterr().err
