"""Home: one row per buyer, most urgent first, filtered and sorted in memory."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Static

from ...domain.interventions import owner_key
from ...store.views import PortfolioRow, spark_values
from .. import format as fmt
from ..widgets.keybar import KeyBar
from ..widgets.table import Column, VirtualTable
from .week_screen import WeekScreen

BANDS = ("all", "at_risk", "watch")
BAND_FILTER = {"all": "all bands", "at_risk": "at risk only", "watch": "watch + at risk"}


def _columns() -> list[Column[PortfolioRow]]:
    return [
        Column("name", "name", 12, lambda r: (r.name, ""), lambda r: r.name.casefold(), flex=True),
        Column(
            "health",
            "hlth",
            4,
            lambda r: (fmt.OVERRIDDEN * bool(r.override) + str(r.health), fmt.BAND_TONE[r.band]),
            lambda r: r.health,
            right=True,
        ),
        Column(
            "change",
            "Δ",
            3,
            lambda r: (fmt.signed(r.health_change), "bad" if r.health_change <= -5 else "dim"),
            lambda r: r.health_change,
            right=True,
        ),
        Column(
            "trend",
            "18 weeks",
            8,
            lambda r: (fmt.spark(spark_values(r), low=30), "accent"),
            lambda r: r.health_change,
            right=True,
            flex=True,
            max_width=18,
        ),
        Column(
            "revenue",
            "rev 13w",
            10,
            lambda r: (fmt.money(r.revenue_13w), ""),
            lambda r: r.revenue_13w,
            right=True,
        ),
        Column(
            "share",
            "share",
            7,
            lambda r: fmt.share(r.revenue_share, r.concentration),
            lambda r: r.revenue_share,
            right=True,
        ),
        Column(
            "warnings",
            "wrn",
            3,
            lambda r: (
                str(len(r.warnings) or "·") + ("*" if r.new_warnings else ""),
                "warn" if r.warnings else "dim",
            ),
            lambda r: len(r.warnings),
            right=True,
        ),
        Column(
            "trust",
            "trust",
            5,
            lambda r: (f"{r.trust_level}%", fmt.trust_tone(r.trust_level)),
            lambda r: r.trust_level,
            right=True,
        ),
        Column(
            "incidents",
            "inc",
            3,
            lambda r: (str(r.trust_incidents or "·"), ""),
            lambda r: r.trust_incidents,
            right=True,
        ),
        Column(
            "interventions",
            "int",
            3,
            lambda r: (
                (f"{r.interventions}!", fmt.TONE_STYLE["bad"])
                if r.overdue
                else (str(r.interventions or "·"), "")
            ),
            lambda r: (r.overdue, r.interventions),
            right=True,
        ),
        Column(
            "phase",
            "phase",
            11,
            lambda r: (fmt.PHASE_LABEL.get(r.phase, r.phase), "warn" if r.phase == "drift" else ""),
            lambda r: fmt.PHASE_ORDER.get(r.phase, 9),
        ),
        Column("owner", "owner", 6, lambda r: (r.owner, ""), lambda r: r.owner.casefold()),
        Column("buyer", "id", 5, lambda r: (r.buyer_id, "dim"), lambda r: r.buyer_id),
    ]


class PortfolioScreen(WeekScreen):
    """Every buyer of the as-of week; Enter opens the account under the cursor."""

    FOCUS = "#buyers"

    HELP_TITLE = "Portfolio keys"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", key_display="/", id="portfolio.filter"),
        Binding("b", "band", "Band", id="portfolio.band"),
        Binding("m", "mine", "Mine", id="portfolio.mine"),
        Binding("s", "sort(1)", "Sort", id="portfolio.sort_next"),
        Binding("S", "sort(-1)", "Sort back", show=False, id="portfolio.sort_previous"),
        Binding("R", "reverse", "Reverse", show=False, id="portfolio.reverse"),
        Binding("e", "export", "Export", id="portfolio.export"),
        Binding("u", "urgency", "Urgency order", show=False, id="portfolio.urgency"),
        Binding("escape", "clear", "Clear filters", show=False, id="portfolio.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.band = "all"
        self.mine = False

    def compose(self) -> ComposeResult:
        yield Static(id="summary", classes="summary")
        yield Static(id="state", classes="state")
        yield VirtualTable(
            _columns(), key=lambda r: r.buyer_id, id="buyers", empty="no buyer matches"
        )
        yield KeyBar()

    @property
    def table(self) -> VirtualTable[PortfolioRow]:
        return self.query_one("#buyers", VirtualTable)

    def show_week(self) -> None:
        """Redraw for the app's as-of week (the cursor stays on its buyer)."""
        data = self.app.data
        if data is None:
            self.query_one("#summary", Static).update(Content("Reading the portfolio…"))
            return
        self.shown_week = data.week
        self.query_one("#summary", Static).update(self._summary())
        self.apply()

    def visible(self) -> list[PortfolioRow]:
        """The as-of week's rows after the filters, in the chosen order."""
        data = self.app.data
        rows = data.rows if data is not None else []
        if self.text and data is not None:
            needle = self.text.casefold()
            rows = [r for r, text in zip(rows, data.search_text, strict=True) if needle in text]
        if self.band == "at_risk":
            rows = [r for r in rows if r.band == "at_risk"]
        elif self.band == "watch":
            rows = [r for r in rows if r.band != "healthy"]
        if self.mine:
            owner = owner_key(self.app.owner)
            rows = [r for r in rows if owner_key(r.owner) == owner]
        return self.table.ordered(rows)

    def apply(self) -> None:
        rows = self.visible()
        self.table.set_rows(rows)
        self.query_one("#state", Static).update(self._state(len(rows)))

    def _summary(self) -> Content:
        data = self.app.data
        assert data is not None
        rows = data.rows
        bands = {b: sum(r.band == b for r in rows) for b in fmt.BAND_TONE}
        alerts = [r for r in rows if r.concentration == "alert"]
        warns = [r for r in rows if r.concentration == "warn"]
        lines = self.app.config.concentration
        if alerts:
            state = (f"ALERT {len(alerts)} over {fmt.line(lines.alert)}", fmt.TONE_STYLE["bad"])
        elif warns:
            state = (f"warning {len(warns)} over {fmt.line(lines.warn)}", fmt.TONE_STYLE["warn"])
        else:
            state = ("ok", fmt.TONE_STYLE["good"])
        return Content.assemble(
            ("As of ", "$text-muted"),
            (self.app.week_label(), "bold"),
            ("  rev 13w ", "$text-muted"),
            fmt.money(sum(data.revenue.values())),
            ("  healthy ", "$text-muted"),
            (str(bands["healthy"]), fmt.TONE_STYLE["good"]),
            ("  watch ", "$text-muted"),
            (str(bands["watch"]), fmt.TONE_STYLE["warn"]),
            ("  at risk ", "$text-muted"),
            (str(bands["at_risk"]), fmt.TONE_STYLE["bad"]),
            (" (", "$text-muted"),
            (
                fmt.money(sum(r.revenue_13w for r in rows if r.band == "at_risk")),
                fmt.TONE_STYLE["bad"],
            ),
            (")", "$text-muted"),
            ("  NRR ", "$text-muted"),
            "—" if data.nrr is None else f"{data.nrr:.0%}",
            ("  concentration ", "$text-muted"),
            state,
        )

    def _state(self, shown: int) -> Content:
        total = len(self.app.data.rows) if self.app.data else 0
        table = self.table
        order = table.sort_key or "urgency"
        parts: list[str | tuple[str, str]] = [
            (f"{shown} of {total} shown", "bold"),
            ("  order ", "$text-muted"),
            order + (" (reversed)" if table.sort_reverse else ""),
            ("  band ", "$text-muted"),
            BAND_FILTER[self.band],
        ]
        if self.mine:
            parts += [("  owner ", "$text-muted"), self.app.owner or "(unknown: set owner)"]
        if self.text:
            parts += [("  filter ", "$text-muted"), (self.text, "$text-accent")]
        return Content.assemble(*parts)

    def _box(self) -> Input | None:
        """The filter box, mounted on first use (it is not needed to paint the list)."""
        found = self.query("#filter")
        return found.first(Input) if found else None

    async def action_filter(self) -> None:
        box = self._box()
        if box is None:
            box = Input(placeholder="filter by name, owner, vertical or id", id="filter")
            await self.mount(box)
        box.add_class("open")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.text = event.value.strip()
        self.apply()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self._close_filter()

    def _close_filter(self) -> None:
        box = self._box()
        if box is not None and not box.value:
            box.remove_class("open")
        self.table.focus()

    def action_clear(self) -> None:
        """Esc: leave the filter box; on the table, drop every filter and sort."""
        box = self._box()
        if box is not None and box.has_focus:
            self._close_filter()
            return
        if box is not None:
            box.value = ""
            box.remove_class("open")
        self.text, self.band, self.mine = "", "all", False
        self.action_urgency()

    def action_band(self) -> None:
        self.band = BANDS[(BANDS.index(self.band) + 1) % len(BANDS)]
        self.apply()

    def action_mine(self) -> None:
        self.mine = not self.mine
        self.apply()

    def action_sort(self, step: int) -> None:
        self.table.cycle_sort(step)
        self.apply()

    def action_reverse(self) -> None:
        self.table.sort_reverse = not self.table.sort_reverse
        self.apply()

    def action_export(self) -> None:
        from .review_summary import start_export

        start_export(self, self.app.week)

    def action_urgency(self) -> None:
        self.table.sort_key, self.table.sort_reverse = None, False
        self.apply()

    @on(VirtualTable.Selected, "#buyers")
    def _open(self, event: VirtualTable.Selected) -> None:
        self.app.open_account(event.row.buyer_id)
