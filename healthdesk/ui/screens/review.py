"""Weekly review: the accounts that need a look this week, one decision each.

Loading and saving live in ``review_io.ReviewBase``; this module is the keys and the
rendering. Every decision (accept, reviewed, snooze) is written at once. An account
with several suggestions shows them numbered; ``tab``/``shift+tab`` or ``1``–``9``
select one (marked ▶), and ``a`` accepts, ``c``/``o``/``d``/``n`` edit, the selected
one only. ``A`` accepts every suggestion of the account at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from sqlite_utils import Database
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static

from ...domain.report import BuyerReport
from ..dialogs import review_forms as forms
from ..widgets.hanging import Hanging
from ..widgets.keybar import KeyBar
from .review_detail import entry_blocks
from .review_entry import prompt
from .review_io import ReviewBase


class ReviewScreen(ReviewBase):
    """The week's review queue; Esc goes back, ``f`` shows the summary."""

    HELP_TITLE = "Weekly review keys"
    CSS_PATH = "../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept", id="review.accept"),
        Binding("A", "accept_all", "Accept all", show=False, id="review.accept_all"),
        Binding("c", "edit('action')", "Action", id="review.action"),
        Binding("o", "edit('owner')", "Owner", id="review.owner"),
        Binding("d", "edit('due_on')", "Due", id="review.due"),
        Binding("n", "edit('note')", "Note", id="review.note"),
        Binding("t", "status", "Task status", id="review.status"),
        Binding("enter", "open_account", "Open", id="review.open"),
        Binding("s", "snooze", "Snooze", id="review.snooze"),
        Binding("x", "reviewed", "No action", id="review.reviewed"),
        Binding("h", "override", "Override", id="review.override"),
        Binding("j,down", "move(1)", "Next", id="review.next"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="review.previous"),
        Binding("tab", "pick(1)", "Next suggestion", show=False, id="review.pick_next"),
        Binding(
            "shift+tab", "pick(-1)", "Previous suggestion", show=False, id="review.pick_previous"
        ),
        # One help line for the nine digits: 2-9 carry no description, 1 speaks for all.
        *(
            Binding(
                str(n),
                f"pick_number({n})",
                "Pick suggestion 1–9" if n == 1 else "",
                show=False,
                key_display="1…9" if n == 1 else None,
                id=f"review.pick_{n}",
            )
            for n in range(1, 10)
        ),
        Binding("pagedown", "page(1)", "Page down", show=False, id="review.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="review.page_up"),
        Binding("f", "finish", "Summary", id="review.summary"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

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
                yield Hanging(id="review-buyer")
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

    def loaded(self) -> None:
        queue = self.query_one("#review-queue", OptionList)
        queue.set_options(prompt(e) for e in self.entries)
        self._show()

    def changed(self, index: int) -> None:
        queue = self.query_one("#review-queue", OptionList)
        queue.replace_option_prompt_at_index(index, prompt(self.entries[index]))
        self._show()

    def _set_progress(self, content: Content) -> None:
        self.query_one("#review-progress", Static).update(content)

    def _show(self) -> None:
        done, total = self.progress()
        if not total:
            self._set_progress(Content("Nothing needs a look this week."))
            self.query_one("#review-buyer", Hanging).update([])
            return
        tail = " · all done: f for the summary" if done == total else ""
        self._set_progress(Content(f"{done} of {total} reviewed{tail}"))
        queue = self.query_one("#review-queue", OptionList)
        queue.highlighted = self.current
        self.query_one("#review-buyer", Hanging).update(entry_blocks(self.entry))

    @on(OptionList.OptionHighlighted, "#review-queue")
    def _clicked(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.current:
            self.current = event.option_index
            self._show()

    def action_move(self, step: int) -> None:
        if self.entries:
            self.current = (self.current + step) % len(self.entries)
            self._show()

    def action_pick(self, step: int) -> None:
        """Select the next (previous) suggestion of the account, wrapping."""
        entry = self.entry
        if entry is not None and entry.select(entry.selected + step):
            self._show()

    def action_pick_number(self, number: int) -> None:
        entry = self.entry
        if entry is None:
            return
        if number > len(entry.slots()):
            self.notify(f"There is no suggestion {number} here.", timeout=2)
            return
        entry.select(number - 1)
        self._show()

    def action_page(self, direction: int) -> None:
        detail = self.query_one("#review-detail", VerticalScroll)
        detail.scroll_relative(y=direction * max(detail.size.height - 2, 1), animate=False)

    # Writes: each runs in ReviewBase's thread worker with its own connection.

    def action_accept(self) -> None:
        """Accept the selected suggestion (an open intervention for it; the account accepted)."""
        entry = self.entry
        slot = entry.slot() if entry else None
        if entry is None or slot is None:
            self.notify("No suggested action here: x marks it reviewed, s snoozes it.")
            return
        if slot.suggestion is None:
            assert (
                slot.intervention is not None
            )  # a slot always has a suggestion or an intervention
            self.notify(f"#{slot.intervention['id']} is already open: c, o, d, n edit it.")
            return
        self._accept(entry.buyer, [slot.suggestion], f"Accepted {slot.suggestion.action}")

    def action_accept_all(self) -> None:
        entry = self.entry
        if entry is None or not entry.suggestions:
            self.notify("No suggested action here: x marks it reviewed, s snoozes it.")
            return
        self._accept(entry.buyer, list(entry.suggestions), "Accepted every suggestion")

    def _accept(self, buyer: BuyerReport, suggestions: list, notice: str) -> None:
        from ...store import interventions as store

        week, owner = self.week, self._owner(buyer)
        if week is None:
            return

        def accept(db: Database, buyer: BuyerReport) -> None:
            for suggestion in suggestions:
                store.upsert(db, suggestion, owner, week, buyer.health)
            store.record_review(db, week, buyer.buyer_id, "accepted")

        self.save(f"{notice} for {buyer.name}", accept)

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
        """Open ``dialog`` for the selected intervention, then store its answer."""
        entry = self.entry
        target = entry.target() if entry else None
        if entry is None or target is None:
            self.notify("Accept the selected suggestion first (a): it has no open intervention.")
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

    def action_status(self) -> None:
        """Set the selected task in progress, done or dismissed (with an outcome)."""
        from ...store.interventions import set_status

        week = self.week or 0
        health = self.entry.buyer.health if self.entry else None
        self._edit(
            lambda t: forms.StatusDialog(f"#{t['id']}: {t['action']}", t["status"]),
            "Task status changed",
            lambda db, t, v: set_status(db, t["id"], v.status, v.note, week, health),
        )

    def action_open_account(self) -> None:
        """The account screen; Esc comes back to this place in the queue."""
        if self.entry is not None:
            self.app.open_account(self.entry.buyer.buyer_id)

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
