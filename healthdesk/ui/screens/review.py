"""Weekly review: the accounts that need a look this week, one decision each.

The queue is ``review_queue`` over the as-of week's report and the week before, with
the snoozes set before this week: it is the list the manager started the week with, so
snoozing an account during the review marks it done instead of shrinking "7 of 23".
Every decision (accept, reviewed, snooze) is written at once with ``record_review``;
a new app on the same database resumes at the first account without a decision.
Edits (action, owner, due date, note) apply to the account's most pressing
intervention, the one behind the first suggestion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from sqlite_utils import Database
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static

from ...domain.interventions import ACTIVE, Suggestion, review_queue, suggest, value_cutoff
from ...domain.report import BuyerReport
from ..dialogs import review_forms as forms
from ..format import BAND_TONE, TONE_STYLE
from ..widgets.keybar import KeyBar

MARKS = {
    "accepted": ("✓", "$text-success"),
    "reviewed": ("•", "$text-muted"),
    "snoozed": ("z", "$text-warning"),
    None: (" ", ""),
}


@dataclass
class Entry:
    """One queued account: its report, why it is queued, and what to do about it."""

    buyer: BuyerReport
    reasons: tuple[str, ...]
    suggestions: list[Suggestion]
    outcome: str | None = None
    interventions: list[dict] | None = None

    def target(self) -> dict | None:
        """The open intervention edits apply to: the first suggestion's, else any open one."""
        active = [i for i in self.interventions or [] if i["status"] in ACTIVE]
        first = self.suggestions[0].reason_key if self.suggestions else None
        return next((i for i in active if i["reason_key"] == first), active[0] if active else None)


class ReviewLoaded(Message):
    def __init__(self, week: int, entries: list[Entry], cutoff: float, before: dict) -> None:
        super().__init__()
        self.week, self.entries, self.cutoff, self.before = week, entries, cutoff, before


class ReviewSaved(Message):
    """A decision or edit is stored; the account's outcome and interventions as now stored."""

    def __init__(
        self,
        week: int,
        buyer_id: str,
        outcome: str | None,
        rows: list[dict],
        notice: str,
        buyer: BuyerReport | None,
    ) -> None:
        super().__init__()
        self.week, self.buyer_id, self.outcome, self.rows = week, buyer_id, outcome, rows
        self.notice, self.buyer = notice, buyer


class ReviewFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


def _owner_of(interventions: list[dict], buyer_id: str) -> list[dict]:
    return [r for r in interventions if r["buyer_id"] == buyer_id]


class ReviewScreen(Screen):
    """The week's review queue; Esc goes back, ``f`` shows the summary."""

    HELP_TITLE = "Weekly review keys"
    CSS_PATH = "../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept", id="review.accept"),
        Binding("c", "edit('action')", "Action", id="review.action"),
        Binding("o", "edit('owner')", "Owner", id="review.owner"),
        Binding("d", "edit('due_on')", "Due", id="review.due"),
        Binding("n", "edit('note')", "Note", id="review.note"),
        Binding("s", "snooze", "Snooze", id="review.snooze"),
        Binding("x", "reviewed", "No action", id="review.reviewed"),
        Binding("h", "override", "Override", id="review.override"),
        Binding("j,down", "move(1)", "Next", id="review.next"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="review.previous"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="review.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="review.page_up"),
        Binding("f", "finish", "Summary", id="review.summary"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.week: int | None = None
        self.entries: list[Entry] = []
        self.current = 0
        self.cutoff = 0.0
        self.before: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="review-title", classes="summary")
        yield Static(id="review-progress", classes="state")
        with Horizontal(id="review-main"):
            queue = OptionList(id="review-queue")
            queue.can_focus = False
            yield queue
            detail = VerticalScroll(id="review-detail")
            detail.can_focus = False  # arrows move through the queue, not the panel
            with detail:
                yield Static(id="review-buyer")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_week()

    def show_week(self) -> None:
        """Called by the app when the as-of week changes: review that week instead."""
        week = self.app.week
        if week is None or week == self.week:
            return
        self.week = week
        self.entries = []
        self.query_one("#review-title", Static).update(self._title())
        self._set_progress(Content.styled("loading the queue…", "$text-muted"))
        self.load(week)

    def _title(self) -> Content:
        return Content.assemble(("Weekly review", "bold"), " · week of ", self.app.week_label())

    @work(thread=True, exclusive=True, group="review-load", exit_on_error=False)
    def load(self, week: int) -> None:
        from ... import engine
        from ...store import interventions as store
        from ...store.db import open_db

        try:
            db = open_db(self.app.db_path)
            try:
                now = engine.report(db, self.app.config, week).buyers
                try:
                    prev = engine.report(db, self.app.config, week - 1).buyers
                except engine.NoData:
                    prev = []
                queue = review_queue(now, prev, store.snoozes(db, week - 1), week)
                outcomes = store.reviewed(db, week)
                stored = store.for_week(db, week)
            finally:
                db.close()
        except Exception as exc:  # shown on screen: a bad read must not end the console
            self.post_message(ReviewFailed(f"could not read the review queue: {exc}"))
            return
        cutoff = value_cutoff(now)
        entries = [
            Entry(
                i.buyer,
                i.reasons,
                suggest(i.buyer, week, cutoff),
                outcomes.get(i.buyer.buyer_id),
                _owner_of(stored, i.buyer.buyer_id),
            )
            for i in queue
        ]
        before = {b.buyer_id: b.band for b in prev}
        self.post_message(ReviewLoaded(week, entries, cutoff, before))

    @on(ReviewLoaded)
    def _loaded(self, message: ReviewLoaded) -> None:
        if message.week != self.week:
            return
        self.entries, self.cutoff, self.before = message.entries, message.cutoff, message.before
        pending = [i for i, e in enumerate(self.entries) if e.outcome is None]
        self.current = pending[0] if pending else 0
        queue = self.query_one("#review-queue", OptionList)
        queue.set_options(self._prompt(e) for e in self.entries)
        self._show()

    def _prompt(self, entry: Entry) -> Content:
        mark, style = MARKS[entry.outcome]
        tone = TONE_STYLE[BAND_TONE[entry.buyer.band]]
        return Content.assemble((mark, style), " ", (entry.buyer.name, tone))

    @property
    def entry(self) -> Entry | None:
        return self.entries[self.current] if self.entries else None

    def progress(self) -> tuple[int, int]:
        """(accounts with a decision this week, accounts in the queue)."""
        return sum(e.outcome is not None for e in self.entries), len(self.entries)

    def _set_progress(self, content: Content) -> None:
        self.query_one("#review-progress", Static).update(content)

    def _show(self) -> None:
        from .review_summary import entry_text

        done, total = self.progress()
        if not total:
            self._set_progress(Content("Nothing needs a look this week."))
            self.query_one("#review-buyer", Static).update(Content(""))
            return
        tail = " · all done: f for the summary" if done == total else ""
        self._set_progress(Content(f"{done} of {total} reviewed{tail}"))
        queue = self.query_one("#review-queue", OptionList)
        queue.highlighted = self.current
        self.query_one("#review-buyer", Static).update(entry_text(self.entry, self.week or 0))

    @on(OptionList.OptionHighlighted, "#review-queue")
    def _clicked(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.current:
            self.current = event.option_index
            self._show()

    def action_move(self, step: int) -> None:
        if self.entries:
            self.current = (self.current + step) % len(self.entries)
            self._show()

    def action_page(self, direction: int) -> None:
        detail = self.query_one("#review-detail", VerticalScroll)
        detail.scroll_relative(y=direction * max(detail.size.height - 2, 1), animate=False)

    def _next_pending(self) -> None:
        n = len(self.entries)
        ahead = [(self.current + k) % n for k in range(1, n + 1)]
        self.current = next((i for i in ahead if self.entries[i].outcome is None), self.current)

    # Writes: each runs in a thread worker with its own connection.

    def save(
        self, notice: str, write: Callable[[Database, BuyerReport], Any], refresh: bool = False
    ) -> None:
        """Run ``write`` for the current account, then re-read what it changed."""
        entry = self.entry
        if entry is None or self.week is None:
            return
        self._write(self.week, entry.buyer, notice, write, refresh)

    @work(thread=True, group="review-save", exit_on_error=False)
    def _write(
        self,
        week: int,
        buyer: BuyerReport,
        notice: str,
        write: Callable[[Database, BuyerReport], Any],
        refresh: bool,
    ) -> None:
        from ... import engine
        from ...domain.interventions import InvalidInput
        from ...store import interventions as store
        from ...store.db import open_db

        try:
            db = open_db(self.app.db_path)
            try:
                write(db, buyer)
                outcome = store.reviewed(db, week).get(buyer.buyer_id)
                rows = _owner_of(store.for_week(db, week), buyer.buyer_id)
                fresh = (
                    engine.buyer_report(db, self.app.config, buyer.buyer_id, week)
                    if refresh
                    else None
                )
            finally:
                db.close()
        except InvalidInput as exc:
            self.post_message(ReviewFailed(str(exc)))
            return
        except Exception as exc:  # shown on screen, see load
            self.post_message(ReviewFailed(f"could not save: {exc}"))
            return
        self.post_message(ReviewSaved(week, buyer.buyer_id, outcome, rows, notice, fresh))

    @on(ReviewSaved)
    def _saved(self, message: ReviewSaved) -> None:
        if message.week != self.week:
            return
        index = next(
            (i for i, e in enumerate(self.entries) if e.buyer.buyer_id == message.buyer_id), None
        )
        if index is None:
            return
        entry = self.entries[index]
        decided = entry.outcome is None and message.outcome in ("reviewed", "snoozed")
        entry.outcome, entry.interventions = message.outcome, message.rows
        if message.buyer is not None:
            entry.buyer = message.buyer
            entry.suggestions = suggest(message.buyer, message.week, self.cutoff)
        queue = self.query_one("#review-queue", OptionList)
        queue.replace_option_prompt_at_index(index, self._prompt(entry))
        if decided and index == self.current:
            self._next_pending()
        self.notify(message.notice, timeout=3, markup=False)
        self._show()

    @on(ReviewFailed)
    def _failed(self, message: ReviewFailed) -> None:
        message.stop()
        self.notify(message.error, severity="error", markup=False)

    def action_accept(self) -> None:
        from ...store import interventions as store

        entry = self.entry
        if entry is None or self.week is None:
            return
        if not entry.suggestions:
            self.notify("No suggested action here: x marks it reviewed, s snoozes it.")
            return
        week, owner = self.week, self._owner(entry.buyer)

        def accept(db: Database, buyer: BuyerReport) -> None:
            for suggestion in entry.suggestions:
                store.upsert(db, suggestion, owner, week)
            store.record_review(db, week, buyer.buyer_id, "accepted")

        self.save(f"Accepted for {entry.buyer.name}", accept)

    def _owner(self, buyer: BuyerReport) -> str:
        """The account's manager when that is a valid login, else the console's user."""
        from ...domain.interventions import InvalidInput, check_owner

        try:
            return check_owner(buyer.owner)
        except InvalidInput:
            return self.app.owner

    def _edit(
        self,
        dialog: Callable[[dict], forms.FormDialog],
        notice: str,
        write: Callable[[Database, dict, Any], Any],
    ) -> None:
        """Open ``dialog`` for the account's intervention, then store its answer."""
        entry = self.entry
        target = entry.target() if entry else None
        if entry is None or target is None:
            self.notify("Accept the suggestion first (a): there is no open intervention to edit.")
            return

        def done(value: Any) -> None:
            if value is not None:
                self.save(notice, lambda db, _: write(db, target, value))

        self.app.push_screen(dialog(target), done)

    def action_edit(self, what: str) -> None:
        from ...store.interventions import add_note, edit

        week = self.week or 0
        if what == "note":
            self._edit(lambda t: forms.NoteDialog(f"On #{t['id']}: {t['action']}"), "Note added",
                       lambda db, t, v: add_note(db, t["id"], v))  # fmt: skip
            return
        dialog = {
            "action": lambda t: forms.ActionDialog(t["action"]),
            "owner": lambda t: forms.OwnerDialog(t["owner"] or ""),
            "due_on": lambda t: forms.DueDialog(t["due_on"] or "", week),
        }[what]

        def write(db: Database, target: dict, value: Any) -> None:
            text = value.isoformat() if isinstance(value, date) else value
            edit(db, target["id"], week, **{what: text})

        self._edit(dialog, f"{what.replace('_on', ' date').capitalize()} changed", write)

    def action_snooze(self) -> None:
        from ...store import interventions as store

        entry, week = self.entry, self.week
        if entry is None or week is None:
            return

        def done(form: forms.SnoozeForm | None) -> None:
            if form is None:
                return

            def write(db: Database, buyer: BuyerReport) -> None:
                store.snooze(db, buyer.buyer_id, form.until_on, form.reason, week, buyer.band)
                store.record_review(db, week, buyer.buyer_id, "snoozed")

            self.save(f"Snoozed until {form.until_on.isoformat()}", write)

        self.app.push_screen(forms.SnoozeDialog(entry.buyer.name, week), done)

    def action_reviewed(self) -> None:
        from ...store.interventions import record_review

        if self.entry is not None and self.week is not None:
            week = self.week
            self.save(
                "Reviewed, no action", lambda db, b: record_review(db, week, b.buyer_id, "reviewed")
            )

    def action_override(self) -> None:
        from ...store.interventions import set_override

        entry, week = self.entry, self.week
        if entry is None or week is None:
            return
        computed = (entry.buyer.override or {}).get("computed_health", entry.buyer.health)

        def done(form: forms.OverrideForm | None) -> None:
            if form is not None:
                self.save(
                    f"Health set to {form.health}",
                    lambda db, b: set_override(
                        db, b.buyer_id, form.health, form.reason, form.expires_on, week
                    ),
                    refresh=True,
                )

        self.app.push_screen(forms.OverrideDialog(entry.buyer.name, int(computed), week), done)

    def action_finish(self) -> None:
        from .review_summary import ReviewSummary

        if self.week is not None:
            self.app.push_screen(ReviewSummary(self.week, self.entries, self.before))

    def action_back(self) -> None:
        self.app.pop_screen()
