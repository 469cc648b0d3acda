"""Two coders: how far they agree, theme by theme, and where they do not.

Agreement is Cohen's kappa on document-by-theme presence: for each theme, each document (a
reply's text, or an attachment) either coder has coded anything in counts once, as "the theme
is there" or not, for each coder. Kappa = (p_o - p_e) / (1 - p_e), p_o the share of documents
on which the two say the same, p_e the share expected by chance from how often each says yes.
When chance alone would give full agreement (both coders say the same of every document, all yes
or all no), kappa is not defined: ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docket.evidence.models import Passage, Theme

Unit = tuple[int, int | None, str]  # (message, attachment, file): one document


def cohen_kappa(first: Sequence[bool], second: Sequence[bool]) -> float | None:
    """Cohen's kappa of two coders' yes/no on the same units; None where it is not defined."""
    if len(first) != len(second):
        raise ValueError("the two coders must judge the same units")
    count = len(first)
    if count == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / count
    yes_first, yes_second = sum(first) / count, sum(second) / count
    expected = yes_first * yes_second + (1 - yes_first) * (1 - yes_second)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class ThemeAgreement:
    theme: Theme
    kappa: float | None
    documents: int  # coded by either coder
    agreed: int
    disagreements: list[Passage]  # the passages on documents where only one coder found the theme


def _unit(passage: Passage) -> Unit:
    return (passage.message_id, passage.attachment_id, passage.source_sha256)


def agreement(themes: Sequence[Theme], passages: Sequence[Passage], first: str, second: str) -> list[ThemeAgreement]:
    """Per theme, the agreement of coders ``first`` and ``second`` (coder names) over ``passages``."""
    units = sorted({_unit(p) for p in passages if p.coder_name in (first, second)}, key=str)
    found: dict[tuple[str, int], set[Unit]] = {}
    by_place: dict[tuple[str, int, Unit], list[Passage]] = {}
    for passage in passages:
        for theme in passage.themes.all():
            found.setdefault((passage.coder_name, theme.pk), set()).add(_unit(passage))
            by_place.setdefault((passage.coder_name, theme.pk, _unit(passage)), []).append(passage)
    out = []
    for theme in themes:
        a = [unit in found.get((first, theme.pk), set()) for unit in units]
        b = [unit in found.get((second, theme.pk), set()) for unit in units]
        differing = [unit for unit, x, y in zip(units, a, b, strict=True) if x != y]
        disagreements = [
            passage
            for unit in differing
            for coder in (first, second)
            for passage in by_place.get((coder, theme.pk, unit), [])
        ]
        agreed = len(units) - len(differing)
        out.append(ThemeAgreement(theme, cohen_kappa(a, b), len(units), agreed, disagreements))
    return out
