"""A campaign's codebook, passages coded on the page they are on, found again after a re-extraction, and
passages suggested from search for a person to accept or dismiss."""

from __future__ import annotations

import pytest

from docket.evidence import actions
from docket.evidence.actions import CodingError
from docket.evidence.models import Passage, Suggestion
from docket.evidence.suggestions import suggest
from docket.mail.intake import process
from docket.requests.actions import Actor
from docket.requests.models import Event

pytestmark = pytest.mark.django_db
ACTOR = Actor("coder@office.example")


@pytest.fixture
def themes(replied):
    prevention = actions.add_theme(replied.campaign, "Prevention", ACTOR, description="Stopping harm early")
    mentoring = actions.add_theme(
        replied.campaign, "Mentoring", ACTOR, parent=prevention, colour="#00703C", keywords="mentoring, role models"
    )
    return prevention, mentoring


def test_a_codebook_nests_one_level(replied, themes):
    prevention, mentoring = themes
    assert str(mentoring) == "Prevention / Mentoring"
    assert mentoring.colour == "#00703c"
    with pytest.raises(CodingError, match="themes go one level deep"):
        actions.add_theme(replied.campaign, "Peer mentors", ACTOR, parent=mentoring)
    with pytest.raises(CodingError, match="already has a theme called “Prevention”"):
        actions.add_theme(replied.campaign, " Prevention ", ACTOR)
    with pytest.raises(CodingError, match="written like #1d70b8"):
        actions.add_theme(replied.campaign, "Funding", ACTOR, colour="red")
    with pytest.raises(CodingError, match="has themes under it"):
        actions.change_theme(
            prevention, ACTOR, name="Prevention", description="", colour="#1d70b8", keywords="", parent=mentoring
        )


def test_a_passage_is_coded_where_it_is(replied, themes):
    _, mentoring = themes
    quote = "mentoring   scheme\nfor young people"  # as selected in a browser: the spaces are not the text's
    passage = actions.code_passage(
        replied.message, replied.strategy, quote, [mentoring], ACTOR, memo="Universal", page=3
    )
    assert passage.page == 3
    assert passage.quote == "mentoring scheme for young people"
    assert replied.strategy.text[passage.start : passage.end] == passage.quote
    assert passage.coder_name == "coder@office.example"
    event = Event.objects.filter(request=replied.request, kind="passage_coded").get()
    assert "mentoring scheme for young people" in event.note
    assert "page 3" in event.note

    with pytest.raises(CodingError, match=r"These words are not on page 2 of Response Strategy\.pdf"):
        actions.code_passage(replied.message, replied.strategy, quote, [mentoring], ACTOR, page=2)
    with pytest.raises(CodingError, match="Choose at least one theme"):
        actions.code_passage(replied.message, replied.strategy, quote, [], ACTOR, page=3)
    reply = actions.code_passage(replied.message, None, "knife crime work", [mentoring], ACTOR)
    assert (reply.page, reply.attachment, reply.source_name) == (0, None, "Reply: Re: Violence Reduction Units")


def test_a_passage_survives_a_re_extraction(replied, themes):
    _, mentoring = themes
    kept = actions.code_passage(replied.message, replied.strategy, "mentoring scheme", [mentoring], ACTOR, page=3)
    moved = actions.code_passage(
        replied.message, replied.strategy, "Governance and funding", [mentoring], ACTOR, page=2
    )
    gone = actions.code_passage(replied.message, replied.strategy, "partnership board", [mentoring], ACTOR, page=2)
    where = (kept.start, kept.end)
    Passage.objects.filter(pk=moved.pk).update(start=0, end=5)  # its offsets wrong: it is found by its words
    Passage.objects.filter(pk=gone.pk).update(quote="words no page has")
    process(replied.message)  # read again: new attachment rows, new offsets
    new = replied.message.attachments.get()
    assert new.pk != replied.strategy.pk
    kept.refresh_from_db()
    moved.refresh_from_db()
    gone.refresh_from_db()
    assert (kept.attachment, kept.page, (kept.start, kept.end), kept.anchored) == (new, 3, where, True)
    assert new.text[moved.start : moved.end] == "Governance and funding"
    assert (moved.attachment, moved.page, moved.anchored) == (new, 2, True)
    assert (gone.attachment, gone.anchored) == (new, False)
    assert list(kept.themes.all()) == [mentoring]


def test_suggested_passages_are_accepted_or_dismissed(replied, themes):
    _, mentoring = themes
    assert suggest(mentoring) == 1
    assert suggest(mentoring) == 0  # a place is suggested once
    suggestion = Suggestion.objects.get()
    assert (suggestion.page, suggestion.source_name) == (3, "Response Strategy.pdf")
    assert suggestion.quote == "Our mentoring scheme for young people reaches every secondary school."
    passage = actions.accept_suggestion(suggestion, ACTOR)
    assert passage.quote == suggestion.quote
    assert (passage.page, list(passage.themes.all())) == (3, [mentoring])
    assert Event.objects.filter(request=replied.request, kind="suggestion_accepted").count() == 1
    with pytest.raises(CodingError, match="accepted already"):
        actions.dismiss_suggestion(suggestion, ACTOR)

    prevention = actions.add_theme(replied.campaign, "Knife crime", ACTOR, keywords="knife crime")
    assert suggest(prevention) == 1
    other = Suggestion.objects.get(theme=prevention)
    assert other.page == 0
    assert "knife crime work" in other.quote
    actions.dismiss_suggestion(other, ACTOR)
    assert Suggestion.objects.get(pk=other.pk).state == "dismissed"
    assert Event.objects.filter(request=replied.request, kind="suggestion_dismissed").count() == 1


def test_a_passage_is_changed_and_removed_with_events(replied, themes):
    prevention, mentoring = themes
    passage = actions.code_passage(replied.message, replied.strategy, "mentoring scheme", [mentoring], ACTOR, page=3)
    actions.change_passage(passage, [prevention, mentoring], "  both  ", ACTOR)
    passage.refresh_from_db()
    assert passage.memo == "both"
    assert set(passage.themes.all()) == {prevention, mentoring}
    other = actions.add_theme(replied.campaign, "Other", ACTOR)
    other.campaign_id = 0  # as a theme of another campaign would be
    with pytest.raises(CodingError, match="own campaign's themes"):
        actions.change_passage(passage, [other], "", ACTOR)
    with pytest.raises(CodingError, match="is on 1 coded passage"):
        actions.remove_theme(mentoring, ACTOR)
    actions.remove_passage(passage, ACTOR)
    assert not Passage.objects.exists()
    kinds = list(
        Event.objects.filter(request=replied.request, kind__startswith="passage_").values_list("kind", flat=True)
    )
    assert kinds == ["passage_coded", "passage_changed", "passage_removed"]
    actions.remove_theme(mentoring, ACTOR)
    actions.add_theme(replied.campaign, "Under", ACTOR, parent=prevention)
    with pytest.raises(CodingError, match="has themes under it"):
        actions.remove_theme(prevention, ACTOR)


def test_codebook_changes_are_on_the_campaigns_log(replied, themes):
    prevention, mentoring = themes
    actions.change_theme(
        mentoring, ACTOR, name="Mentors", description="", colour="#00703c", keywords="mentoring", parent=prevention
    )
    actions.change_theme(
        mentoring, ACTOR, name="Mentors", description="", colour="#00703c", keywords="mentoring", parent=prevention
    )  # nothing changed: nothing logged
    actions.remove_theme(mentoring, ACTOR)
    logged = Event.objects.filter(campaign=replied.campaign, kind__startswith="theme_").order_by("pk")
    assert [(e.kind, e.note, e.request_id) for e in logged] == [
        ("theme_added", "“Prevention”", None),
        ("theme_added", "“Prevention / Mentoring”", None),
        ("theme_changed", "“Mentoring”: name, keywords", None),
        ("theme_removed", "“Prevention / Mentors”", None),
    ]
    with pytest.raises(CodingError, match="already has a theme"):
        actions.add_theme(replied.campaign, "Prevention", ACTOR)  # a refused change logs nothing
    assert Event.objects.filter(campaign=replied.campaign, kind__startswith="theme_").count() == 4
