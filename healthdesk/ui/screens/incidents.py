"""The portfolio's incident log as of the week, each with its buyer's trust level."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from ...store import records, views
from ...store.records import Incident
from .. import format as fmt
from ..messages import IncidentsLoaded, LoadFailed
from ..reading import last_data_day
from ..widgets.keybar import KeyBar
from ..widgets.table import Column, VirtualTable
from .week_screen import WeekScreen

STATUSES = ("all", "open", "unconfirmed", "confirmed")
STATUS_TONE = {"open": "bad", "unconfirmed": "warn", "confirmed": "dim"}
MUTED = "$text-muted"


def _trust(i: Incident) -> tuple[str, str]:
    if i.trust_level is None:
        return "—", "dim"
    return f"{i.trust_level}%", fmt.trust_tone(i.trust_level)


COLUMNS: list[Column[Incident]] = [
    Column("opened", "opened", 10, lambda i: (i.opened_on, ""), lambda i: i.opened_on),
    Column(
        "status",
        "status",
        11,
        lambda i: (i.status, STATUS_TONE[i.status]),
        lambda i: STATUSES.index(i.status),
    ),
    Column(
        "name",
        "buyer",
        12,
        lambda i: (i.name, ""),
        lambda i: i.name.casefold(),
        flex=True,
        max_width=30,
    ),
    Column(
        "trust",
        "trust",
        5,
        _trust,
        lambda i: -1 if i.trust_level is None else i.trust_level,
        right=True,
    ),
    Column(
        "counted",
        "inc",
        3,
        lambda i: (str(i.trust_incidents if i.trust_incidents is not None else "—"), ""),
        lambda i: i.trust_incidents or 0,
        right=True,
    ),
    Column("category", "category", 10, lambda i: (i.category, ""), lambda i: i.category),
    Column(
        "severity",
        "sev",
        6,
        lambda i: (i.severity, "bad" if i.severity == "high" else ""),
        lambda i: (
            ("low", "medium", "high").index(i.severity)
            if i.severity in ("low", "medium", "high")
            else -1
        ),
    ),
    Column(
        "summary",
        "summary",
        12,
        lambda i: (i.summary, "dim"),
        lambda i: i.summary.casefold(),
        flex=True,
    ),
    Column("id", "id", 9, lambda i: (i.incident_id, "dim"), lambda i: i.incident_id),
]


class IncidentsScreen(WeekScreen):
    """Newest first; ``f`` cycles the status shown, Enter opens the buyer."""

    HELP_TITLE = "Incident log keys"
    FOCUS = "#incident-log"
    OWN_READS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "status", "Status", id="incidents.status"),
        Binding("v", "confirm", "Confirm fix", id="incidents.confirm"),
        Binding("s", "sort(1)", "Sort", id="incidents.sort_next"),
        Binding("S", "sort(-1)", "Sort back", show=False, id="incidents.sort_previous"),
        Binding("r", "reverse", "Reverse", show=False, id="incidents.reverse"),
        Binding("escape", "back", "Back", id="incidents.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status = "all"
        self.incidents: list[Incident] = []

    def compose(self) -> ComposeResult:
        yield Static(id="incidents-summary", classes="summary")
        yield Static(id="incidents-state", classes="state")
        yield VirtualTable(
            COLUMNS, key=lambda i: i.incident_id, id="incident-log", empty="no incidents"
        )
        yield KeyBar()

    @property
    def table(self) -> VirtualTable[Incident]:
        return self.query_one("#incident-log", VirtualTable)

    def show_week(self) -> None:
        week = self.app.week
        if week is None:
            return
        self.shown_week = week
        self.query_one("#incidents-summary", Static).update(
            Content.assemble(
                ("As of ", MUTED), (self.app.week_label(), "bold"), ("  reading incidents…", MUTED)
            )
        )
        self.load(week)

    @work(thread=True, exclusive=True, group="incidents", exit_on_error=False)
    def load(self, week: int) -> None:
        try:
            conn = views.connect(self.app.db_path)
            try:
                rows = records.incidents(conn, week)
            finally:
                conn.close()
        except Exception as exc:  # shown on screen: a bad read must not end the console
            self.post_message(LoadFailed("incidents", str(exc)))
            return
        self.post_message(IncidentsLoaded(week, rows))

    @on(IncidentsLoaded)
    def _loaded(self, message: IncidentsLoaded) -> None:
        if message.week != self.shown_week:
            return
        self.incidents = message.incidents
        counts = {s: sum(i.status == s for i in self.incidents) for s in STATUSES[1:]}
        self.query_one("#incidents-summary", Static).update(
            Content.assemble(
                ("As of ", MUTED),
                (self.app.week_label(), "bold"),
                ("  incidents ", MUTED),
                str(len(self.incidents)),
                ("  open ", MUTED),
                (str(counts["open"]), fmt.TONE_STYLE["bad"]),
                ("  unconfirmed ", MUTED),
                (str(counts["unconfirmed"]), fmt.TONE_STYLE["warn"]),
                ("  confirmed ", MUTED),
                str(counts["confirmed"]),
            )
        )
        self.apply()

    def apply(self) -> None:
        rows = self.incidents
        if self.status != "all":
            rows = [i for i in rows if i.status == self.status]
        table = self.table
        table.set_rows(table.ordered(rows))
        order = table.sort_key or "newest first"
        self.query_one("#incidents-state", Static).update(
            Content.assemble(
                (f"{len(rows)} shown", "bold"),
                ("  status ", MUTED),
                self.status,
                ("  order ", MUTED),
                order + (" (reversed)" if table.sort_reverse else ""),
            )
        )

    def action_status(self) -> None:
        self.status = STATUSES[(STATUSES.index(self.status) + 1) % len(STATUSES)]
        self.apply()

    def action_sort(self, step: int) -> None:
        self.table.cycle_sort(step)
        self.apply()

    def action_reverse(self) -> None:
        self.table.sort_reverse = not self.table.sort_reverse
        self.apply()

    def action_confirm(self) -> None:
        """The buyer confirmed the fix of the highlighted incident: stored, rescored."""
        from ..dialogs.review_forms import ConfirmDialog

        incident = self.table.row
        if incident is None:
            return
        if incident.status == "confirmed":
            self.notify(f"{incident.incident_id} is already confirmed.", markup=False)
            return
        last = last_data_day(self.app.db_path) or date.max
        resolved = incident.status == "unconfirmed"
        dialog = ConfirmDialog(incident.incident_id, incident.summary, resolved, last)
        self.app.push_screen(dialog, lambda answer: self._confirm(incident, answer))

    def _confirm(self, incident: Incident, answer: tuple[str | None, str] | None) -> None:
        if answer is not None:
            self._write_confirm(incident.incident_id, *answer)

    @work(thread=True, group="incidents-write", exit_on_error=False)
    def _write_confirm(self, incident_id: str, resolved_at: str | None, confirmed_at: str) -> None:
        from ... import logbook
        from ...domain.interventions import InvalidInput
        from ...store.db import open_db

        app = self.app
        try:
            db = open_db(app.db_path)
            try:
                logbook.confirm_incident(db, app.config, incident_id, resolved_at, confirmed_at)
            finally:
                db.close()
        except InvalidInput as exc:
            app.call_from_thread(app.notify, str(exc), severity="error", markup=False)
            return
        except Exception as exc:  # shown on screen: a failed write must not end the console
            app.call_from_thread(
                app.notify, f"could not save: {exc}", severity="error", markup=False
            )
            return
        app.call_from_thread(self._confirmed, incident_id)

    def _confirmed(self, incident_id: str) -> None:
        self.notify(f"{incident_id} confirmed resolved", timeout=3, markup=False)
        self.app.reread()
        if self.app.week is not None:
            self.load(self.app.week)

    @on(VirtualTable.Selected, "#incident-log")
    def _open(self, event: VirtualTable.Selected) -> None:
        self.app.open_account(event.row.buyer_id)

    def action_back(self) -> None:
        self.app.pop_screen()
