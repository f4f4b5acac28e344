"""One buyer: everything that explains its score, as of the app's week.

The stored weekly row shows at once; the records (invoices, incidents, contacts,
touchpoints, history) and the full explanation (``engine.buyer_report``, which
reads one buyer's rows) arrive from two thread workers when ready.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ...store import records as store_records
from ...store import views
from ..messages import AccountRecords, ExplanationLoaded, LoadFailed, RecordsLoaded
from ..widgets.audit import AuditTrail
from ..widgets.chart import WeekChart
from ..widgets.hanging import Block, Hanging, line
from ..widgets.keybar import KeyBar
from . import account_text as text
from .week_screen import WeekScreen

HISTORY_WEEKS = 104


class AccountScreen(WeekScreen):
    """A buyer's account; Esc goes back to the list it was opened from."""

    HELP_TITLE = "Account keys"
    FOCUS = "#account-body"
    OWN_READS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="account.back"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="account.down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="account.up"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="account.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="account.page_up"),
    ]

    def __init__(self, buyer_id: str) -> None:
        super().__init__()
        self.buyer_id = buyer_id
        self.records: AccountRecords | None = None
        self.report: object | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="account-title", classes="summary")
        with VerticalScroll(id="account-body"):
            yield Static(id="headline", classes="section")
            yield Hanging(id="components", classes="section")
            yield Static(id="changes", classes="section")
            yield Hanging(id="warnings", classes="section")
            yield WeekChart("Health", id="health-chart")
            yield Static(id="component-history", classes="section")
            yield WeekChart("Leads per week", height=4, top=None, id="volume-chart")
            yield Static(id="money", classes="section")
            yield Static(id="lifecycle", classes="section")
            yield Static(id="invoices", classes="section")
            yield Static(id="incidents", classes="section")
            yield Static(id="contacts", classes="section")
            yield Static(id="touchpoints", classes="section")
            yield AuditTrail(self.buyer_id, id="audit")
        yield KeyBar()

    @property
    def row(self) -> views.PortfolioRow | None:
        data = self.app.data
        return data.by_id.get(self.buyer_id) if data is not None else None

    def show_week(self) -> None:
        """Show the stored row of the as-of week now; read the rest in workers."""
        week = self.app.week
        if week is None or self.app.data is None or self.app.data.week != week:
            return
        self.shown_week = week
        self.records = None
        self.report = None
        row = self.row
        self._set("#account-title", text.title(self.buyer_id, row, self.app.week_label()))
        self._set("#headline", text.headline(row))
        self._blocks("#components", text.components(row, None, self.app.config.bands))
        self._blocks("#warnings", [line(text.loading("warnings"))])
        for part in ("#changes", "#money"):
            self._set(part, text.loading(part[1:]))
        for part in ("#component-history", "#lifecycle", "#invoices", "#incidents",
                     "#contacts", "#touchpoints"):  # fmt: skip
            self._set(part, text.loading(part[1:]))
        if row is None:
            self._set("#changes", Content(""))
        else:
            self.load_explanation(week)
        self.call_after_refresh(self._read, week)

    def _read(self, week: int) -> None:
        """Read the records once the stored row is on screen: they fill seven sections,
        and a worker building them while the screen first paints takes the GIL from
        the paint. The explanation, wanted first and short, starts at once."""
        if week != self.shown_week:
            return
        self.load_records(week)

    def _set(self, selector: str, content: Content) -> None:
        self.query_one(selector, Static).update(content)

    def _blocks(self, selector: str, blocks: list[Block]) -> None:
        self.query_one(selector, Hanging).update(blocks)

    @work(thread=True, exclusive=True, group="records", exit_on_error=False)
    def load_records(self, week: int) -> None:
        try:
            conn = views.connect(self.app.db_path)
            try:
                b = self.buyer_id
                started, checkins = store_records.checkins(conn, b, week)
                records = AccountRecords(
                    buyer_id=b,
                    week=week,
                    history=views.history(conn, b, week - HISTORY_WEEKS + 1, week),
                    invoices=store_records.invoices(conn, b, week),
                    incidents=store_records.incidents(conn, week, b),
                    contacts=store_records.contacts(conn, b, week),
                    touchpoints=store_records.touchpoints(conn, b, week),
                    started_on=started,
                    checkins=checkins,
                )
            finally:
                conn.close()
        except Exception as exc:  # shown on screen: a bad read must not end the console
            self.post_message(LoadFailed(f"{self.buyer_id}'s records", str(exc)))
            return
        self.post_message(RecordsLoaded(records))

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def load_explanation(self, week: int) -> None:
        """The full explanation: ``engine.buyer_report`` reads this buyer's rows and the
        stored portfolio totals (tens of ms at 5,000 buyers), so a thread will do."""
        from ... import engine
        from ...store.db import open_db

        try:
            db = open_db(self.app.db_path)
            try:
                report = engine.buyer_report(db, self.app.config, self.buyer_id, week)
            except KeyError:
                report = None
            finally:
                db.close()
        except Exception as exc:  # shown on screen, see load_records
            self.post_message(LoadFailed(f"{self.buyer_id}'s explanation", str(exc)))
            return
        self.post_message(ExplanationLoaded(self.buyer_id, week, report))

    @on(RecordsLoaded)
    def _records(self, message: RecordsLoaded) -> None:
        r = message.records
        if r.buyer_id != self.buyer_id or r.week != self.shown_week:
            return
        self.records = r
        weeks = list(range(r.week - HISTORY_WEEKS + 1, r.week + 1))
        by_week = {h[0]: h for h in r.history}
        first = next((w for w in weeks if w in by_week), r.week)
        weeks = weeks[weeks.index(first) :]
        health = [by_week[w][1] if w in by_week else None for w in weeks]
        leads = [by_week[w][-1] if w in by_week else None for w in weeks]
        self.query_one("#health-chart", WeekChart).set_data(weeks, health)
        self.query_one("#volume-chart", WeekChart).set_data(weeks, leads)
        self._set("#component-history", text.component_history(weeks, by_week))
        self._set("#invoices", text.invoices(r.invoices, self.app.config.payment.late_days))
        self._set("#incidents", text.incidents(r.incidents, self.row, self.app.config))
        self._set("#contacts", text.contacts(r.contacts, r.week))
        self._set("#touchpoints", text.touchpoints(r.touchpoints))
        self._set("#lifecycle", text.lifecycle(self.row, r, self.app.config))

    @on(ExplanationLoaded)
    def _explained(self, message: ExplanationLoaded) -> None:
        if message.buyer_id != self.buyer_id or message.week != self.shown_week:
            return
        self.report = message.report
        self._blocks(
            "#components", text.components(self.row, message.report, self.app.config.bands)
        )
        self._set("#changes", text.changes(message.report))
        self._blocks("#warnings", text.warnings(message.report))
        self._set("#money", text.money(message.report))

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.notify(f"Could not read {message.what}: {message.error}", severity="error")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#account-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self, direction: int) -> None:
        body = self.query_one("#account-body", VerticalScroll)
        body.scroll_relative(y=direction * max(body.size.height - 2, 1), animate=False)
