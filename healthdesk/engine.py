"""The seam between storage and the scoring core: load rows, score, store, report.

The CLI, the console's workers and the benchmarks all call these functions, so
there is one way to (re)score and one way to build a report.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlite_utils import Database

from .config import Config, ConfigError, to_toml
from .domain import report as reports
from .domain.interventions import apply_overrides
from .domain.ledger import Ledger
from .domain.responsiveness import Reply, by_type
from .domain.scoring import Scorer, WeekScores
from .domain.weeks import YEAR_WEEKS, label, week_of_day
from .store import imports as import_store
from .store import interventions as intervention_store
from .store import ledger as ledger_store
from .store import records
from .store import scores as score_store


class NoData(LookupError):
    """The database has no weeks to score yet."""


def lookback_weeks(config: Config) -> int:
    """Weeks of history one as-of week reads, so a partial rescore loads only those."""
    c = config
    return 1 + max(
        c.volume.recent_weeks + c.volume.baseline_weeks,
        c.returns.recent_weeks + c.returns.baseline_weeks,
        2 * c.engagement.window_weeks,
        c.payment.slip_window_weeks,
        c.payment.stale_weeks,
        c.engagement.stale_weeks,
        c.concentration.window_weeks,
        *(w for f in dataclasses.fields(c.signals) if (w := getattr(c.signals, f.name)) > 2),
    )


def latest_week(db: Database) -> int:
    """The latest COMPLETE week with data: the default "as of", never the wall clock.

    A week whose data stops on its Monday (an export run that Monday morning: one
    stray lead or return) is partial: read as a week, every buyer would show an
    abrupt cut. The week before it is the default; ``--week`` still reaches it."""
    span = ledger_store.week_span(db)
    if span is None:
        raise NoData("the database holds no deliveries, invoices or touchpoints yet")
    through = import_store.activity_through(db)
    if through is not None and span[1] > span[0] and through == span[1] * 7 + 1:
        return span[1] - 1  # day ordinals: week w's Monday is w * 7 + 1
    return span[1]


def rescore(db: Database, config: Config, from_week: int | None = None) -> int:
    """Score and store every week from ``from_week`` (default: the first) to the latest."""
    span = ledger_store.week_span(db)
    if span is None:
        return 0
    first = span[0] if from_week is None else max(from_week, span[0])
    ledger = ledger_store.load(db, max(first - lookback_weeks(config), span[0]), span[1])
    scorer = Scorer(ledger, config)
    ids = [b.buyer_id for b in ledger.buyers]
    return score_store.save(
        db,
        ids,
        first,
        scorer.weeks(range(first, span[1] + 1)),
        config.fingerprint(),
        to_toml(config),
        datetime.now(UTC).isoformat(timespec="seconds"),
    )


def check_segments(db: Database, config: Config) -> None:
    """A ``[segments.<vertical>]`` table that names no buyer's vertical is a typo that
    would silently score nobody: refuse it, naming the key and the verticals there are."""
    known = {v.casefold() for v in ledger_store.verticals(db)}
    for segment in config.segments:
        if segment.vertical.casefold() not in known:
            there = ", ".join(ledger_store.verticals(db)) or "none"
            raise ConfigError(
                f"config key 'segments.{segment.vertical}': no buyer has vertical"
                f" {segment.vertical!r} (verticals in the book: {there})"
            )


def ensure_scored(db: Database, config: Config) -> None:
    """Make stored scores match the data and config: a no-op when they already do.

    Trusts the stored scores only if they were computed with this config, cover the
    data's weeks, and no import has landed since (``score_store.stale_from``: set in
    the import's own transaction, cleared once its rescore has committed)."""
    check_segments(db, config)
    span = ledger_store.week_span(db)
    if span is None:
        return
    version = score_store.data_version(db)
    stale = score_store.stale_from(db)
    stored = score_store.week_range(db)
    if (
        score_store.fingerprint(db) != config.fingerprint()
        or stored is None
        or stored[0] > span[0]
        or stored[1] > span[1]
    ):
        rescore(db, config)
    elif stale is not None:
        rescore(db, config, stale)
    elif stored[1] < span[1]:
        rescore(db, config, stored[1] + 1)
    else:
        return
    score_store.mark_scored(db, version)


def rescore_after_import(db: Database, config: Config, first_day: int | None) -> int:
    """Rescore from the earliest week the import touched (all weeks if the config changed,
    and from earlier if an import before it never got its rescore).

    The import has committed: if another healthdesk holds the write lock past the busy
    timeout, this says so on stderr and returns 0 rather than failing the command; the
    scores stay marked stale and the next reader rescores."""
    import sys

    from .store.db import Busy

    version = score_store.data_version(db)
    stale = score_store.stale_from(db)
    try:
        if score_store.fingerprint(db) != config.fingerprint() or first_day is None:
            written = rescore(db, config)
        else:
            start = week_of_day(first_day)
            written = rescore(db, config, start if stale is None else min(start, stale))
        score_store.mark_scored(db, version)
    except Busy as exc:
        print(
            f"note: the import is saved, but the scores were not updated ({exc});"
            " they will be on the next report or console start",
            file=sys.stderr,
        )
        return 0
    return written


@dataclass
class Snapshot:
    """A week scored in memory with the week before it, for changes."""

    ledger: Ledger
    now: WeekScores
    prev: WeekScores | None


def snapshot(db: Database, config: Config, week: int | None = None) -> Snapshot:
    """Score ``week`` (default latest) and the week before, in memory, from only the
    weeks of history they read."""
    first_data, week, first = _weeks_read(db, config, week)
    ledger = ledger_store.load(db, first, week)
    scorer = Scorer(ledger, config)
    prev = scorer.week(week - 1) if week - 1 >= first_data else None
    return Snapshot(ledger, scorer.week(week), prev)


def _weeks_read(db: Database, config: Config, week: int | None) -> tuple[int, int, int]:
    """The first week with data, the as-of week (default latest) and the first week of
    history scoring it and the week before reads; ``NoData`` outside the data."""
    span = ledger_store.week_span(db)
    if span is None:
        raise NoData("the database holds no deliveries, invoices or touchpoints yet")
    week = latest_week(db) if week is None else week
    if not span[0] <= week <= span[1]:
        raise NoData(f"no data for that week: data covers weeks {_range(span)}")
    return span[0], week, max(week - 1 - lookback_weeks(config), span[0])


def replies(conn: sqlite3.Connection, config: Config, week: int) -> list[Reply]:
    """Buyers' requests over the review's ``reply_weeks`` up to ``week``, with our reply
    times: what ``report`` grades, the review lists and the console's Replies shows."""
    return records.requests(conn, week - config.review.reply_weeks + 1, week)


def report(
    db: Database, config: Config, week: int | None = None, requests: list[Reply] | None = None
) -> reports.Report:
    """The portfolio report for ``week`` (default: the latest week with data);
    ``requests`` are that week's ``replies`` when the caller has read them already."""
    snap = snapshot(db, config, week)
    year_ago = score_store.revenue(db, snap.now.week - YEAR_WEEKS)
    built = reports.build(snap.now, snap.prev, snap.ledger, config, year_ago)
    buyers = apply_overrides(
        built.buyers, intervention_store.overrides(db), snap.now.week, config.bands
    )
    if requests is None:
        requests = replies(db.conn, config, snap.now.week)
    graded = by_type(requests)
    built = dataclasses.replace(
        built, portfolio=dataclasses.replace(built.portfolio, responsiveness=graded)
    )
    return reports.recount(built, buyers)


def buyer_report(
    db: Database, config: Config, buyer_id: str, week: int | None = None
) -> reports.BuyerReport:
    """One buyer's full report (components, evidence, warnings); ``KeyError`` if the
    buyer is unknown or not in the portfolio that week.

    Reads only this buyer's rows, plus what crosses buyers: the book's churn (from the
    buyers table) and the portfolio's revenue of the week and the week before (revenue
    share, concentration), summed from the stored scores: tens of milliseconds at 5,000
    buyers, with the very result of scoring the whole week, and no writes (the whole
    load fills a temp table), so a thread worker can run it. Stored scores
    that cannot be trusted (scored with another config, missing, or disagreeing with
    this buyer's own revenue, as after an import not yet rescored) fall back to scoring
    the whole week: the same answer, seconds at 5,000 buyers.
    """
    first_data, week, first = _weeks_read(db, config, week)
    if score_store.fingerprint(db) != config.fingerprint():
        return _buyer_report_in_full(db, config, buyer_id, week)
    weeks = [w for w in (week - 1, week) if w >= first_data]
    stored = {w: score_store.revenue(db, w) for w in weeks}
    if not all(stored.values()):
        return _buyer_report_in_full(db, config, buyer_id, week)
    ledger = ledger_store.load(db, first, week, buyer_id)
    ids, started, churned = zip(*ledger_store.tenures(db), strict=True)
    scorer = Scorer(ledger, config, {w: _portfolio_revenue(ids, stored[w]) for w in weeks})
    now = scorer.week(week)
    if not now.listed[0]:
        raise KeyError(buyer_id)
    if stored[week].get(buyer_id) != float(now.revenue[0]):
        return _buyer_report_in_full(db, config, buyer_id, week)
    prev = scorer.week(week - 1) if week - 1 >= first_data else None
    churn = reports.churn_for(list(started), list(churned), config, week)
    return _overridden(db, config, reports.buyer_report(now, prev, ledger, config, 0, churn), week)


def _portfolio_revenue(ids: Sequence[str], stored: dict[str, float]) -> float:
    """The week's portfolio revenue summed exactly as ``Scorer.week`` sums it: over every
    buyer in id order with zeros for the unlisted (numpy's pairwise sum depends on where
    each value sits, so only the same array gives the same last bits)."""
    return np.array([stored.get(i, 0.0) for i in ids]).sum()


def _buyer_report_in_full(
    db: Database, config: Config, buyer_id: str, week: int
) -> reports.BuyerReport:
    """``buyer_report`` from the whole week scored in memory (no stored scores needed)."""
    snap = snapshot(db, config, week)
    ids = [b.buyer_id for b in snap.ledger.buyers]
    if buyer_id not in ids or not snap.now.listed[ids.index(buyer_id)]:
        raise KeyError(buyer_id)
    b = ids.index(buyer_id)
    built = reports.buyer_report(snap.now, snap.prev, snap.ledger, config, b)
    return _overridden(db, config, built, week)


def _overridden(
    db: Database, config: Config, built: reports.BuyerReport, week: int
) -> reports.BuyerReport:
    """The report with the account manager's health override, if one applies that week."""
    return apply_overrides([built], intervention_store.overrides(db), week, config.bands)[0]


def _range(span: tuple[int, int]) -> str:
    return f"{label(span[0])} to {label(span[1])}"
