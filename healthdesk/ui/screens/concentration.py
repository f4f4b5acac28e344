"""Revenue share per buyer against the configured warn and alert lines
(``concentration.warn``/``alert``, 20% and 25% by default), and "what if it left?"."""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from ...domain.concentration import WhatIf, state, top_share, what_if_leaves
from .. import format as fmt
from ..widgets.keybar import KeyBar
from ..widgets.table import Column, VirtualTable, safe
from .week_screen import WeekScreen

MUTED = "$text-muted"


class Share(NamedTuple):
    buyer_id: str
    name: str
    revenue: float
    share: float
    state: str
    after: float | None
    after_state: str | None


class ConcentrationScreen(WeekScreen):
    """Largest shares first; ``w`` on a buyer shows the portfolio without it, Enter
    opens its account."""

    HELP_TITLE = "Concentration keys"
    FOCUS = "#shares"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "what_if", "What if it left", id="concentration.what_if"),
        Binding("escape", "back", "Back", id="concentration.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.leaving: str | None = None
        self.what_if: WhatIf | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="concentration-summary", classes="summary")
        yield Static(id="what-if", classes="state")
        yield VirtualTable(self._columns(), key=lambda r: r.buyer_id, id="shares")
        yield KeyBar()

    def _columns(self) -> list[Column[Share]]:
        c = self.app.config.concentration
        lines = f"share of revenue  ┆{fmt.line(c.warn)}  ┃{fmt.line(c.alert)}"
        return [
            Column(
                "name",
                "buyer",
                14,
                lambda r: (r.name, "accent" if r.buyer_id == self.leaving else ""),
                flex=True,
                max_width=34,
            ),
            Column("revenue", "rev 13w", 10, lambda r: (fmt.money(r.revenue), ""), right=True),
            Column("share", "share", 7, lambda r: fmt.share(r.share, r.state), right=True),
            Column("bar", lines, 20, self._bar, flex=True, sized=True),
            Column("after", "if gone", 8, self._after, right=True),
        ]

    @property
    def table(self) -> VirtualTable[Share]:
        return self.query_one("#shares", VirtualTable)

    def _scale(self) -> float:
        rows = self.table.rows
        room = self.app.config.concentration.alert + 0.05  # the alert line never at the edge
        return max([room, *(r.share for r in rows), *(r.after or 0 for r in rows)])

    def _bar(self, row: Share, width: int) -> tuple[str, str]:
        scale = self._scale()
        warn, alert = self.app.config.concentration.warn, self.app.config.concentration.alert
        filled = round(row.share / scale * width)
        cells = ["█" if i < filled else " " for i in range(width)]
        for line, mark in ((warn, "┆"), (alert, "┃")):
            at = min(round(line / scale * width), width - 1)
            if at >= filled:
                cells[at] = mark
        return "".join(cells), fmt.STATE_TONE[row.state] or "accent"

    def _after(self, row: Share) -> tuple[str, str]:
        if row.after is None:
            return ("gone", "bad") if row.buyer_id == self.leaving else ("", "")
        text, tone = fmt.share(row.after, row.after_state or "ok")
        return text, tone or "dim"

    def show_week(self) -> None:
        data = self.app.data
        if data is None:
            return
        self.shown_week = data.week
        if self.leaving is not None and self.leaving not in data.revenue:
            self.leaving = None
        self._refresh_rows()

    def _refresh_rows(self) -> None:
        data = self.app.data
        assert data is not None
        c = self.app.config.concentration
        self.what_if = (
            None
            if self.leaving is None
            else what_if_leaves(data.revenue, self.leaving, c.warn, c.alert)
        )
        after = self.what_if.shares_after if self.what_if else {}
        rows = [
            Share(
                r.buyer_id,
                r.name,
                r.revenue_13w,
                r.revenue_share,
                r.concentration,
                after.get(r.buyer_id) if self.what_if else None,
                state(after[r.buyer_id], c.warn, c.alert) if r.buyer_id in after else None,
            )
            for r in data.rows
        ]
        rows.sort(key=lambda r: (-r.revenue, r.buyer_id))
        self.table.set_rows(rows)
        self._summarise()

    def _summarise(self) -> None:
        data = self.app.data
        assert data is not None
        rows = self.table.rows
        total = sum(data.revenue.values())
        over = [r for r in rows if r.state != "ok"]
        c = self.app.config.concentration
        self.query_one("#concentration-summary", Static).update(
            Content.assemble(
                ("As of ", MUTED),
                (self.app.week_label(), "bold"),
                ("  revenue 13w ", MUTED),
                fmt.money(total),
                ("  top 20% of buyers bring ", MUTED),
                fmt.pct(top_share(data.revenue)),
                (f"  over {fmt.line(c.warn)} ", MUTED),
                (str(len(over)), fmt.TONE_STYLE["warn" if over else ""]),
                (f"  over {fmt.line(c.alert)} ", MUTED),
                (str(sum(r.state == "alert" for r in rows)), fmt.TONE_STYLE["bad" if over else ""]),
            )
        )
        self.query_one("#what-if", Static).update(self._what_if_text())

    def _what_if_text(self) -> Content:
        w = self.what_if
        if w is None:
            return Content.styled(
                "w on a buyer: what if it left?  (w again or esc: back to now)", MUTED
            )
        name = next((r.name for r in self.table.rows if r.buyer_id == w.leaving), w.leaving)
        c = self.app.config.concentration
        crossed = (
            ", ".join(
                f"{b} → over {fmt.line(c.alert if s == 'alert' else c.warn)}"
                for b, s in sorted(w.crossed.items())
            )
            or "none"
        )
        return Content.assemble(
            ("If ", MUTED),
            (safe(name), "bold"),
            (" left: revenue 13w −", MUTED),
            (fmt.money(w.lost), "bold $text-error"),
            (f" ({fmt.pct(w.lost_fraction)})", MUTED),
            (" to ", MUTED),
            fmt.money(w.total_after),
            ("; top 20% bring ", MUTED),
            fmt.pct(w.top_share_after),
            ("; newly over a line: ", MUTED),
            (crossed, fmt.TONE_STYLE["warn" if w.crossed else ""]),
        )

    def action_what_if(self) -> None:
        row = self.table.row
        if row is None:
            return
        self.leaving = None if self.leaving == row.buyer_id else row.buyer_id
        self._refresh_rows()

    @on(VirtualTable.Selected, "#shares")
    def action_open(self) -> None:
        if self.table.row is not None:
            self.app.open_account(self.table.row.buyer_id)

    def action_back(self) -> None:
        if self.leaving is not None:
            self.leaving = None
            self._refresh_rows()
        else:
            self.app.pop_screen()
