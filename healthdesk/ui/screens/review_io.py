"""The weekly review's reads and writes: thread workers with their own connections,
and the typed messages that bring the results back to the screen.

``ReviewBase`` holds the queue state and the plumbing; ``review.ReviewScreen`` adds
the keys and the rendering. The queue is ``weekly_review.load``: the same accounts,
reasons and order as ``healthdesk review`` and the export. Every decision is written
at once; a new app on the same database resumes at the first account without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database
from textual import on, work
from textual.message import Message

from ...domain.interventions import owner_key
from ...domain.report import BuyerReport
from ...domain.review_queue import matches
from ...domain.suggestions import suggest
from .console_screen import ConsoleScreen
from .review_entry import Entry

Write = Callable[[Database, BuyerReport], Any]


class ReviewLoaded(Message):
    def __init__(
        self, week: int, entries: list[Entry], cutoff: float, before: dict, codes: list[str]
    ) -> None:
        super().__init__()
        self.week, self.entries, self.cutoff, self.before = week, entries, cutoff, before
        self.codes = codes


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


class ReviewBase(ConsoleScreen):
    """Queue state, loading and saving; subclasses render it (``loaded``, ``changed``)."""

    def __init__(self) -> None:
        super().__init__()
        self.week: int | None = None
        self.entries: list[Entry] = []
        self.current = 0
        self.cutoff = 0.0
        self.before: dict[str, str] = {}
        self.mine = False
        """Only the console user's accounts (``m``)."""
        self.reason: str | None = None
        """Only accounts queued for this reason code (``g`` cycles the codes present)."""
        self.codes: list[str] = []

    @property
    def entry(self) -> Entry | None:
        return self.entries[self.current] if self.entries else None

    def progress(self) -> tuple[int, int]:
        """(accounts with a decision this week, accounts in the queue)."""
        return sum(e.outcome is not None for e in self.entries), len(self.entries)

    def loaded(self) -> None:
        """The queue for ``self.week`` has arrived."""

    def changed(self, index: int) -> None:
        """Entry ``index`` was saved (its outcome or interventions changed)."""

    @work(thread=True, exclusive=True, group="review-load", exit_on_error=False)
    def load(self, week: int) -> None:
        from ... import weekly_review
        from ...store.db import open_db

        try:
            db = open_db(self.app.db_path)
            try:
                review = weekly_review.load(db, self.app.config, week)
            finally:
                db.close()
        except Exception as exc:  # shown on screen: a bad read must not end the console
            self.post_message(ReviewFailed(f"could not read the review queue: {exc}"))
            return
        codes = list(dict.fromkeys(r.code for q in review.queue for r in q.item.reasons))
        owner = owner_key(self.app.owner) if self.mine else None
        entries = [
            Entry(q.buyer, q.item.texts, q.suggestions, q.outcome, q.interventions)
            for q in review.queue
            if (owner is None or owner_key(q.buyer.owner) == owner)
            and (self.reason is None or matches(q.item, self.reason))
        ]
        before = {b.buyer_id: b.band for b in review.previous}
        self.post_message(ReviewLoaded(week, entries, review.cutoff, before, codes))

    @on(ReviewLoaded)
    def _loaded(self, message: ReviewLoaded) -> None:
        if message.week != self.week:
            return
        self.entries, self.cutoff, self.before = message.entries, message.cutoff, message.before
        self.codes = message.codes
        pending = [i for i, e in enumerate(self.entries) if e.outcome is None]
        self.current = pending[0] if pending else 0
        self.loaded()

    def save(self, notice: str, write: Write, refresh: bool = False) -> None:
        """Run ``write`` for the current account, then re-read what it changed
        (and the buyer's report too when ``refresh``, e.g. after an override)."""
        entry = self.entry
        if entry is None or self.week is None:
            return
        self._write(self.week, entry.buyer, notice, write, refresh)

    @work(thread=True, group="review-save", exit_on_error=False)
    def _write(
        self, week: int, buyer: BuyerReport, notice: str, write: Write, refresh: bool
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
                rows = store.for_week(db, week, buyer_id=buyer.buyer_id)
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
        if decided and index == self.current:
            self._next_pending()
        self.app.reread()  # the portfolio and account screens show the stored state
        self.notify(message.notice, timeout=3, markup=False)
        self.changed(index)

    def _next_pending(self) -> None:
        n = len(self.entries)
        ahead = [(self.current + k) % n for k in range(1, n + 1)]
        self.current = next((i for i in ahead if self.entries[i].outcome is None), self.current)

    @on(ReviewFailed)
    def _failed(self, message: ReviewFailed) -> None:
        message.stop()
        self.notify(message.error, severity="error", markup=False)
