"""The seam between storage and the scoring core: load rows, score, store, report.

The CLI, the console's workers and the benchmarks all call these functions, so
there is one way to (re)score and one way to build a report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlite_utils import Database

from .config import Config
from .domain import report as reports
from .domain.interventions import apply_overrides
from .domain.ledger import Ledger
from .domain.scoring import Scorer, WeekScores
from .domain.weeks import label, week_of_day
from .store import interventions as intervention_store
from .store import ledger as ledger_store
from .store import scores as score_store

YEAR = 52


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
        c.concentration.window_weeks,
        *(w for f in dataclasses.fields(c.signals) if (w := getattr(c.signals, f.name)) > 2),
    )


def latest_week(db: Database) -> int:
    """The latest week with data: the default "as of", never the wall clock."""
    span = ledger_store.week_span(db)
    if span is None:
        raise NoData("the database holds no deliveries, invoices or touchpoints yet")
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
        db, ids, first, scorer.weeks(range(first, span[1] + 1)), config.fingerprint()
    )


def ensure_scored(db: Database, config: Config) -> None:
    """Make stored scores match the data and config: a no-op when they already do."""
    span = ledger_store.week_span(db)
    if span is None:
        return
    weeks = score_store.scored_weeks(db)
    if score_store.fingerprint(db) != config.fingerprint() or not weeks or weeks[0] > span[0]:
        rescore(db, config)
    elif weeks[-1] < span[1]:
        rescore(db, config, weeks[-1] + 1)


def rescore_after_import(db: Database, config: Config, first_day: int | None) -> int:
    """Rescore from the earliest week the import touched (all weeks if the config changed)."""
    if score_store.fingerprint(db) != config.fingerprint() or first_day is None:
        return rescore(db, config)
    return rescore(db, config, week_of_day(first_day))


@dataclass
class Snapshot:
    """A week scored in memory with the week before it, for changes."""

    ledger: Ledger
    now: WeekScores
    prev: WeekScores | None


def snapshot(db: Database, config: Config, week: int | None = None) -> Snapshot:
    """Score ``week`` (default latest) and the week before, in memory, from only the
    weeks of history they read."""
    span = ledger_store.week_span(db)
    if span is None:
        raise NoData("the database holds no deliveries, invoices or touchpoints yet")
    week = span[1] if week is None else week
    if not span[0] <= week <= span[1]:
        raise NoData(f"no data for that week: data covers weeks {_range(span)}")
    first = max(week - 1 - lookback_weeks(config), span[0])
    ledger = ledger_store.load(db, first, week)
    scorer = Scorer(ledger, config)
    prev = scorer.week(week - 1) if week - 1 >= span[0] else None
    return Snapshot(ledger, scorer.week(week), prev)


def report(db: Database, config: Config, week: int | None = None) -> reports.Report:
    """The portfolio report for ``week`` (default: the latest week with data)."""
    snap = snapshot(db, config, week)
    year_ago = score_store.revenue(db, snap.now.week - YEAR)
    built = reports.build(snap.now, snap.prev, snap.ledger, config, year_ago)
    buyers = apply_overrides(
        built.buyers, intervention_store.overrides(db), snap.now.week, config.bands
    )
    return dataclasses.replace(built, buyers=buyers)


def buyer_report(
    db: Database, config: Config, buyer_id: str, week: int | None = None
) -> reports.BuyerReport:
    """One buyer's full report (components, evidence, warnings); ``KeyError`` if the
    buyer is unknown or not in the portfolio that week."""
    snap = snapshot(db, config, week)
    ids = [b.buyer_id for b in snap.ledger.buyers]
    if buyer_id not in ids or not snap.now.listed[ids.index(buyer_id)]:
        raise KeyError(buyer_id)
    b = ids.index(buyer_id)
    built = reports.buyer_report(snap.now, snap.prev, snap.ledger, config, b)
    overrides = intervention_store.overrides(db)
    return apply_overrides([built], overrides, snap.now.week, config.bands)[0]


def _range(span: tuple[int, int]) -> str:
    return f"{label(span[0])} to {label(span[1])}"
