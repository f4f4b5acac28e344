"""The week's review as one read: the queue, what each queued account should get, and
what is already decided and recorded. The console's review, ``healthdesk review``,
``digest`` and the intervention export all start here, so they list the same accounts
for the same reasons in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from . import engine
from .config import Config
from .domain.interventions import FollowUp, Suggestion
from .domain.report import BuyerReport, Report
from .domain.responsiveness import Reply, late
from .domain.review_queue import QueueItem, triage
from .domain.suggestions import follow_up, suggest, value_cutoff
from .domain.weeks import monday
from .store import interventions as store


@dataclass(frozen=True)
class Queued:
    """One account in the week's review, with its suggestions and stored tasks."""

    item: QueueItem
    suggestions: list[Suggestion]
    outcome: str | None
    interventions: list[dict]
    snoozed: bool
    """Needs a look but a snooze holds it out of the queue (the export still lists it)."""

    @property
    def buyer(self) -> BuyerReport:
        return self.item.buyer


@dataclass(frozen=True)
class WeeklyReview:
    week: int
    report: Report
    previous: list[BuyerReport]
    accounts: list[Queued]
    """Every account that needs a look, most urgent first, snoozed ones included."""
    cutoff: float
    replies: list[Reply]
    """Buyers' requests over the review's ``reply_weeks``, with our reply times."""
    follow_ups: list[FollowUp]
    """The latest decision per account in the last ``follow_through_weeks`` reviews."""

    @property
    def queue(self) -> list[Queued]:
        """What the manager works through this week: the accounts no snooze holds out."""
        return [a for a in self.accounts if not a.snoozed]


def load(db: Database, config: Config, week: int | None = None) -> WeeklyReview:
    """The review of ``week`` (default: the latest complete week with data).

    The snoozes are those set before this week: the queue is the list the manager
    started the week with, so snoozing an account during the review marks it done
    instead of shrinking "7 of 23"."""
    week_no = engine.latest_week(db) if week is None else week
    replies = engine.replies(db.conn, config, week_no)
    report = engine.report(db, config, week_no, replies)
    try:
        previous = engine.report(db, config, week_no - 1).buyers
    except engine.NoData:
        previous = []
    stored = store.for_week(db, week_no)
    outcomes = store.reviewed(db, week_no)
    recent = monday(week_no - config.review.late_reply_weeks + 1).isoformat()
    triaged = triage(
        report.buyers,
        previous,
        store.snoozes(db, week_no - 1),
        week_no,
        store.active_tasks(stored),
        late([r for r in replies if r.at[:10] >= recent]),
    )
    cutoff = value_cutoff(report.buyers)
    by_buyer: dict[str, list[dict]] = {}
    for row in stored:
        by_buyer.setdefault(row["buyer_id"], []).append(row)
    accounts = [
        Queued(
            item,
            suggest(item.buyer, week_no, cutoff) or [follow_up(item.buyer, item.reasons, week_no)],
            outcomes.get(item.buyer.buyer_id),
            by_buyer.get(item.buyer.buyer_id, []),
            held,
        )
        for item, held in triaged
    ]
    follow_ups = store.follow_through(db, week_no - config.review.follow_through_weeks, week_no)
    return WeeklyReview(week_no, report, previous, accounts, cutoff, replies, follow_ups)
