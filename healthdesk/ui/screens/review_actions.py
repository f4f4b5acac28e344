"""The review's writes behind its keys: accept, edit, task status, log, snooze,
reviewed, override. Each runs in ``ReviewBase``'s thread worker with its own
connection, through the same store functions the CLI calls.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlite_utils import Database

from ...domain.report import BuyerReport
from ..dialogs import review_forms as forms
from .review_io import ReviewBase


class ReviewActions(ReviewBase):
    """The write actions; ``review.ReviewScreen`` binds them to keys."""

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

    def action_log(self) -> None:
        """Record a call, email, meeting or check-in; the buyer is rescored."""
        from ..reading import last_data_day

        entry = self.entry
        if entry is None:
            return
        app = self.app

        def done(form: forms.LogForm | None) -> None:
            if form is None:
                return

            def write(db: Database, buyer: BuyerReport) -> None:
                from ... import logbook

                logbook.log_touchpoint(db, app.config, form.row)

            kind = form.row["kind"].replace("_", " ")
            self.save(f"Logged {kind} with {entry.buyer.name}", write, refresh=True)

        last = last_data_day(app.db_path)
        if last is None:
            self.notify("No data yet: import first.", severity="warning")
            return
        dialog = forms.LogDialog(entry.buyer.name, entry.buyer.buyer_id, last)
        app.push_screen(dialog, done)

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
