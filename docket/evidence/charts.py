"""The report's charts, drawn by matplotlib (no display: the Agg backend) as SVG for pages and PDFs and PNG for
Word, each with a text alternative that says what it shows. The numbers are always in a table beside it."""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docket.letters.pdf import FONTS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MOST_HEAT_ROWS = 400  # beyond, the heat map shows the first; the table has them all


@functools.cache
def _set_up() -> None:
    """matplotlib made ready on the first chart drawn, not when this module is imported: importing it and
    reading the fonts takes a second or more, which every process that loads the URLs (each command, each
    web worker as it starts) would otherwise pay, to draw a chart that few of them ever draw."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    for font in sorted(FONTS.glob("*.ttf")):
        font_manager.fontManager.addfont(str(font))
    matplotlib.rcParams["svg.fonttype"] = "path"  # drawn the same in any browser or PDF (the words are in the alt)
    matplotlib.rcParams["svg.hashsalt"] = "docket"  # the same chart gives the same bytes
    matplotlib.rcParams["font.family"] = "Liberation Sans"


@dataclass(frozen=True)
class Chart:
    svg: str
    png: bytes
    alt: str

    @property
    def data_uri(self) -> str:
        """The SVG as an image's address (a page shows it in an ``img`` with the alternative text)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _drawn(figure: Figure, alt: str, *, tight: bool = True) -> Chart:
    import matplotlib.pyplot as plt

    svg, png = io.StringIO(), io.BytesIO()
    bbox = "tight" if tight else None
    figure.savefig(svg, format="svg", bbox_inches=bbox, metadata={"Date": None})
    figure.savefig(png, format="png", dpi=110, bbox_inches=bbox)
    plt.close(figure)
    return Chart(svg.getvalue(), png.getvalue(), alt)


def response_chart(curve: Sequence[tuple[int, int, int]], *, small: bool = False) -> Chart:
    """Replies and documents received so far, by working day since the letters went."""
    _set_up()
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    days = [day for day, _, _ in curve]
    figure, axes = plt.subplots(figsize=(2.4, 0.9) if small else (7, 3.2))
    if curve:
        replies, documents = [r for _, r, _ in curve], [d for _, _, d in curve]
        axes.step(days, replies, where="post", label="Replies", color="#1d70b8", linewidth=2, marker="o", markersize=3)
        axes.step(
            days, documents, where="post", label="Documents", color="#d4351c", linestyle="--", marker="s", markersize=3
        )
        axes.set_xlim(-0.5, max(days[-1], 5) + 0.5)
        axes.set_ylim(0, max(max(replies), max(documents), 1) * 1.1)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if small:
        axes.set_xticks([])
        axes.set_yticks([])
        axes.spines[["top", "right"]].set_visible(False)
        figure.subplots_adjust(left=0.03, right=0.97, top=0.95, bottom=0.08)
    else:
        axes.set_xlabel("Working days since the letter was sent")
        axes.set_ylabel("Received so far")
        axes.legend(loc="lower right", frameon=False)
        axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    if curve:
        last_day, replied, documented = curve[-1]
        alt = (
            f"A line chart of replies and documents received by working day since sending: "
            f"{replied} replies and {documented} documents by working day {last_day}."
        )
        for mark in (5, 10, 20):
            if mark < last_day:
                alt += f" By day {mark}: {curve[mark][1]} replies, {curve[mark][2]} documents."
    else:
        alt = "A line chart of replies received by working day since sending: no letter has been sent yet."
    return _drawn(figure, alt, tight=not small)


def heat_map(themes: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]], passages: int | None = None) -> Chart:
    """Bodies by themes, each cell shaded by its number of coded passages; ``passages``: how many passages the
    map holds, each once (a passage is in more than one cell when coded with two themes, or with a theme
    under another, whose column counts it too); else the sum of the cells."""
    _set_up()
    import matplotlib.pyplot as plt

    shown = list(rows)[:MOST_HEAT_ROWS]
    height = min(2 + 0.18 * len(shown), 60)
    figure, axes = plt.subplots(figsize=(max(4, 1 + 0.9 * len(themes)), height))
    if themes and shown:
        values = [list(counts) for _, counts in shown]
        image = axes.imshow(values, aspect="auto", cmap="Blues", interpolation="nearest", vmin=0)
        axes.set_xticks(
            range(len(themes)), [t if len(t) <= 40 else t[:39] + "…" for t in themes], rotation=40, ha="right"
        )
        axes.set_yticks(range(len(shown)), [name[:40] for name, _ in shown], fontsize=7 if len(shown) < 80 else 4)
        figure.colorbar(image, ax=axes, label="Passages coded", shrink=0.5)
    else:
        axes.set_axis_off()
    total = sum(sum(counts) for _, counts in rows) if passages is None else passages
    bodies = sum(1 for _, counts in rows if any(counts))
    per_theme = [sum(counts[i] for _, counts in rows) for i in range(len(themes))]
    most = sorted(zip(per_theme, themes, strict=True), reverse=True)[:3]
    alt = (
        f"A heat map of {len(rows)} bodies by {len(themes)} themes, darker where more passages are coded: "
        f"{total} passages from {bodies} bodies."
    )
    if most:
        alt += " Most coded: " + ", ".join(f"{name} ({count})" for count, name in most) + "."
    if len(rows) > len(shown):
        alt += f" The map shows the first {len(shown)} bodies; the table has them all."
    return _drawn(figure, alt)
