"""Cohen's kappa, checked against worked values, and per theme over two coders' passages."""

from __future__ import annotations

import pytest

from docket.evidence import actions
from docket.evidence.agreement import agreement, cohen_kappa
from docket.evidence.models import Passage
from docket.requests.actions import Actor


def test_kappa_matches_worked_examples():
    # 50 units: both yes 20, first only 5, second only 10, both no 15 (Wikipedia's worked example): 0.4
    first = [True] * 20 + [True] * 5 + [False] * 10 + [False] * 15
    second = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa([True, False, True, False], [True, False, True, False]) == pytest.approx(1.0)
    assert cohen_kappa([True, False], [False, True]) == pytest.approx(-1.0)
    assert cohen_kappa([True, True], [True, True]) is None  # chance alone agrees: not defined
    assert cohen_kappa([], []) is None
    with pytest.raises(ValueError, match="same units"):
        cohen_kappa([True], [True, False])


@pytest.mark.django_db
def test_agreement_per_theme_and_the_passages_to_reconcile(replied):
    ann, bob = Actor("ann@office.example"), Actor("bob@office.example")
    prevention = actions.add_theme(replied.campaign, "Prevention", ann)
    funding = actions.add_theme(replied.campaign, "Funding", ann)
    doc, message = replied.strategy, replied.message
    actions.code_passage(message, doc, "mentoring scheme", [prevention], ann, page=3)
    actions.code_passage(message, doc, "young people", [prevention], bob, page=3)
    actions.code_passage(message, doc, "funding", [funding], ann, page=2)
    only_ann = actions.code_passage(message, None, "knife crime work", [funding], ann)
    actions.code_passage(message, None, "Jane Doe", [prevention], bob)
    actions.code_passage(message, doc, "funding", [funding], bob, page=2)
    passages = list(Passage.objects.prefetch_related("themes"))
    results = {r.theme.name: r for r in agreement([prevention, funding], passages, ann.name, bob.name)}
    # Documents: the strategy, the reply. Prevention: ann (strategy), bob (strategy, reply). Funding: both, ann only.
    assert results["Prevention"].documents == 2
    assert results["Prevention"].agreed == 1
    assert results["Prevention"].kappa == pytest.approx(0.0)  # p_o 0.5, p_e 0.5
    assert [p.quote for p in results["Prevention"].disagreements] == ["Jane Doe"]
    assert results["Funding"].disagreements == [only_ann]
