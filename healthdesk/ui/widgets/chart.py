"""A week-per-column bar chart in block characters, sized to the widget's width.

Drawn as text (one cell per week, eighth-block resolution), so it reads the same
in any terminal; the newest weeks stay when the chart is narrower than the data.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widget import Widget

from ...domain.weeks import label

EIGHTHS = " ▁▂▃▄▅▆▇█"


def bars(values: Sequence[float | None], height: int, top: float) -> list[str]:
    """Rows of block characters (top row first) for ``values`` on a 0..``top`` scale."""
    top = top or 1
    levels = [None if v is None else round(min(max(v, 0), top) / top * height * 8) for v in values]
    rows = []
    for r in range(height):
        floor = (height - 1 - r) * 8
        rows.append(
            "".join(" " if n is None else EIGHTHS[min(max(n - floor, 0), 8)] for n in levels)
        )
    return rows


class WeekChart(Widget):
    """``values`` per week, oldest first, with the scale on the left."""

    DEFAULT_CSS = """
    WeekChart { height: auto; color: $text-accent; }
    """

    def __init__(
        self,
        title: str,
        *,
        height: int = 5,
        top: float | None = 100,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.title = title
        self.rows_high = height
        self.top = top
        self.values: list[float | None] = []
        self.weeks: list[int] = []

    def set_data(self, weeks: list[int], values: list[float | None]) -> None:
        """One value per week (None: no score that week), oldest first."""
        self.weeks, self.values = weeks, values
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return self.rows_high + 2

    def render(self) -> Content:
        axis = 6
        width = max(self.size.width - axis, 1)
        values = self.values[-width:]
        known = [v for v in values if v is not None]
        top = self.top if self.top is not None else max(known, default=0)
        scale = f"{top:,.0f}" if top < 100_000 else f"{top / 1000:,.0f}k"
        title = Content.assemble(
            (self.title, "bold $foreground"), (f"  ({len(values)} weeks)", "$text-muted")
        )
        lines = [title]
        for r, row in enumerate(bars(values, self.rows_high, top or 1)):
            tick = scale if r == 0 else "0" if r == self.rows_high - 1 else ""
            lines.append(
                Content.assemble((tick.rjust(axis - 1)[: axis - 1] + "│", "$text-muted"), row)
            )
        weeks = self.weeks[-width:]
        if weeks:
            first, last = label(weeks[0]), label(weeks[-1])
            span = max(len(values) - len(first) - len(last), 1)
            lines.append(Content.styled(" " * axis + first + " " * span + last, "$text-muted"))
        else:
            lines.append(Content.styled(" " * axis + "no stored weeks", "$text-muted"))
        return Content("\n").join(lines)
