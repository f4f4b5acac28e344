"""The seam between stored scores and the score's own report card: backtest, calibrate.

``backtest`` grades the stored weekly scores against what happened next; ``calibrate``
searches component weights that would have ranked the book's own churners better,
recomputing health from the stored components (the caps do not depend on weights),
and proposes them without touching the config. Both only read.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
from sqlite_utils import Database

from .config import Config, Weights
from .domain import backtest as bt
from .domain.ledger import Bools, Floats
from .domain.scoring import COMPONENTS, CONFIDENT, soft_cap
from .domain.weeks import last_day
from .engine import NoData
from .store import backtest as store
from .store import ledger as ledger_store

BASELINES = ("recency", "trend")
"""Plain rules a score must beat: days since the last delivery (longer is riskier) and
leads of the last 4 weeks against the 8 before (lower is riskier)."""
SCORES = ("health", *COMPONENTS, *BASELINES)


@dataclass
class Labelled:
    """One as-of week's population with its outcome and every score's risk."""

    week: int
    churned: Bools
    risks: dict[str, Floats]
    present: dict[str, Bools]
    stored: store.StoredWeek
    in_population: Bools


@dataclass
class Backtest:
    """A backtest's figures per week and on average, and what they rest on."""

    horizon_days: int
    active_weeks: int
    weeks: list[bt.WeekResult]
    mean: dict[str, bt.Figures]
    deciles: list[float]
    tie_share: float
    min_churned: int
    churners: int = 0
    """Distinct buyers labelled churned in at least one week (``churned`` counts weeks)."""
    notes: list[str] = field(default_factory=list)

    @property
    def churned(self) -> int:
        return sum(w.churned for w in self.weeks)


def horizon_weeks(days: int) -> int:
    """Weeks after the as-of week that the horizon covers (90 days → 13 weeks)."""
    return math.ceil(days / 7)


def label(
    db: Database,
    config: Config,
    first: int | None = None,
    last: int | None = None,
    every: int = 1,
    horizon_days: int | None = None,
) -> list[Labelled]:
    """Every as-of week in range with a full horizon after it, its population labelled."""
    b = config.backtest
    days = b.horizon_days if horizon_days is None else horizon_days
    span = ledger_store.week_span(db)
    if span is None:
        raise NoData("the database holds no deliveries, invoices or touchpoints yet")
    h = horizon_weeks(days)
    lo = span[0] + b.active_weeks if first is None else max(first, span[0])
    hi = span[1] - h if last is None else min(last, span[1] - h)
    if hi < lo:
        raise NoData(f"no as-of week in range has a full {days}-day horizon of data after it")
    act = store.activity(db)
    n, w0 = len(act.buyer_ids), span[0]
    weeks = span[1] - w0 + 1
    leads = np.zeros((n, weeks))
    last_seen = np.zeros((n, weeks), dtype=np.int64)
    inside = (act.week >= w0) & (act.week <= span[1])
    leads[act.buyer[inside], act.week[inside] - w0] = act.leads[inside]
    last_seen[act.buyer[inside], act.week[inside] - w0] = act.last_day[inside]
    last_seen = np.maximum.accumulate(last_seen, axis=1)
    prefix = np.concatenate([np.zeros((n, 1)), np.cumsum(leads, axis=1)], axis=1)
    active = np.concatenate([np.zeros((n, 1)), np.cumsum(leads > 0, axis=1)], axis=1)

    def window(matrix: np.ndarray, rows: np.ndarray, end: int, length: int) -> np.ndarray:
        """Sum over the ``length`` weeks ending at week ``end`` (prefix sums)."""
        hi_col = min(end - w0 + 1, weeks)
        lo_col = min(max(end - length - w0 + 1, 0), hi_col)
        return matrix[rows, hi_col] - matrix[rows, lo_col]

    out = []
    for sw in store.stored_weeks(db, list(range(lo, hi + 1, max(every, 1))), act.buyer_ids):
        t, rows = sw.week, sw.rows
        day = last_day(t)
        recent = window(active, rows, t, b.active_weeks) > 0 if b.active_weeks else rows >= 0
        future = window(active, rows, t + h, h) > 0
        left = (act.churned_on[rows] > day) & (act.churned_on[rows] <= day + days)
        churned = ~future | left
        seen = last_seen[rows, t - w0]
        recency = np.where(seen > 0, day - seen, 10**6).astype(float)
        four = window(prefix, rows, t, 4) / 4
        eight = window(prefix, rows, t - 4, 8) / 8
        trend = np.where(eight > 0, four / np.where(eight > 0, eight, 1), np.where(four > 0, 2, 0))
        risks = {"health": -sw.health, "recency": recency, "trend": -trend}
        present = {name: np.ones(rows.size, dtype=bool) for name in ("health", *BASELINES)}
        for c in COMPONENTS:
            risks[c] = -np.nan_to_num(sw.components[c])
            present[c] = ~np.isnan(sw.components[c])
        out.append(Labelled(t, churned, risks, present, sw, recent))
    return out


def grade(labelled: list[Labelled], config: Config, horizon_days: int | None = None) -> Backtest:
    """Figures per week and on average for health, each component and the baselines."""
    b = config.backtest
    results = []
    for lab in labelled:
        pop = lab.in_population
        churned = lab.churned[pop]
        result = bt.WeekResult(lab.week, int(pop.sum()), int(churned.sum()))
        weights = bt.resample_weights(int(pop.sum()), b.resamples, b.seed + lab.week)
        for name in SCORES:
            result.scores[name] = bt.figures(
                lab.risks[name][pop], churned, weights, lab.present[name][pop]
            )
        result.deciles = bt.decile_lift(lab.risks["health"][pop], churned)
        result.tie_share = bt.tie_share(lab.stored.health[pop])
        results.append(result)
    if not results:
        raise NoData("no stored scores for the weeks in range")
    deciles = np.nanmean(np.array([r.deciles for r in results]), axis=0).tolist()
    report = Backtest(
        horizon_days=b.horizon_days if horizon_days is None else horizon_days,
        active_weeks=b.active_weeks,
        weeks=results,
        mean={name: bt.mean_figures(results, name) for name in SCORES},
        deciles=deciles,
        tie_share=float(np.mean([r.tie_share for r in results])),
        min_churned=b.min_churned,
        churners=len(
            {int(r) for lab in labelled for r in lab.stored.rows[lab.in_population & lab.churned]}
        ),
    )
    thin = [r for r in results if r.churned < b.min_churned]
    if thin:
        report.notes.append(
            f"{len(thin)} of {len(results)} weeks have fewer than {b.min_churned} churners:"
            " their figures swing with a single buyer; read the mean and its interval"
        )
    if report.churned / len(results) < b.min_churned:
        report.notes.append(
            f"too few churn events for a stable figure ({report.churned} churned buyer-weeks,"
            f" {report.churners} buyers, over {len(results)} weeks: fewer than"
            f" {b.min_churned} a week on average)"
        )
    return report


def backtest(
    db: Database,
    config: Config,
    first: int | None = None,
    last: int | None = None,
    every: int = 1,
    horizon_days: int | None = None,
) -> Backtest:
    """Grade the stored scores of every as-of week in range (see ``label``)."""
    return grade(label(db, config, first, last, every, horizon_days), config, horizon_days)


def reweighted(lab: Labelled, weights: dict[str, float], floor: float) -> Floats:
    """Health of one labelled week recomputed with other weights: the weighted mean of
    the stored components present (volume and expansion at their stored confidence,
    as scoring weighs them), under the stored cap limit, rounded."""
    sw = lab.stored
    total = np.zeros(sw.health.size)
    weight = np.zeros(sw.health.size)
    for c in COMPONENTS:
        have = ~np.isnan(sw.components[c])
        given = have * weights[c] * (sw.confidence if c in CONFIDENT else 1.0)
        total += np.where(have, sw.components[c], 0.0) * given
        weight += given
    raw = np.where(weight > 0, total / np.where(weight > 0, weight, 1), 50.0)
    return np.rint(np.minimum(raw, soft_cap(raw, sw.cap_limit, floor)))


@dataclass
class Calibration:
    """Weights proposed for the book, with the figures before and after, on the weeks
    fitted and on the later weeks held out of the fit."""

    before: Weights
    after: Weights
    fitted: tuple[bt.Figures, bt.Figures]
    held_out: tuple[bt.Figures, bt.Figures]
    fit_weeks: int
    held_weeks: int


def _objective(labelled: list[Labelled], weights: dict[str, float], floor: float) -> bt.Figures:
    figures = []
    for lab in labelled:
        pop = lab.in_population
        risk = -reweighted(lab, weights, floor)[pop]
        figures.append(bt.figures(risk, lab.churned[pop]))
    return bt.Figures(
        float(np.nanmean([f.auc for f in figures])),
        float(np.nanmean([f.precision for f in figures])),
        float(np.nanmean([f.lift for f in figures])),
    )


def _gain(f: bt.Figures) -> float:
    """What the search maximises: AUC and top-decile precision count alike."""
    return f.auc + f.precision


FACTORS = (0.0, 0.5, 0.8, 1.25, 2.0)
ROUNDS = 3


def calibrate(labelled: list[Labelled], config: Config) -> Calibration:
    """Coordinate search over the weights (each scaled by ``FACTORS`` in turn, kept when
    the fitted weeks rank churners better), fitted on the first two thirds of the weeks
    and reported on the last third too, so a proposal that only fits the past shows."""
    if len(labelled) < 3:
        raise NoData("calibration needs at least 3 as-of weeks with a full horizon after them")
    cut = max(1, (2 * len(labelled)) // 3)
    fit, held = labelled[:cut], labelled[cut:]
    floor = config.bands.cap_floor
    start = dataclasses.asdict(config.weights)
    best, best_gain = dict(start), _gain(_objective(fit, start, floor))
    for _ in range(ROUNDS):
        improved = False
        for c in COMPONENTS:
            for factor in FACTORS:
                trial = dict(best)
                trial[c] = best[c] * factor if best[c] > 0 else 0.05 * factor
                if sum(trial.values()) <= 0:
                    continue
                gain = _gain(_objective(fit, trial, floor))
                if gain > best_gain + 1e-4:
                    best, best_gain, improved = trial, gain, True
        if not improved:
            break
    total = sum(best.values())
    after = Weights(**{c: round(v / total, 4) for c, v in best.items()})
    after_dict = dataclasses.asdict(after)
    return Calibration(
        before=config.weights,
        after=after,
        fitted=(_objective(fit, start, floor), _objective(fit, after_dict, floor)),
        held_out=(_objective(held, start, floor), _objective(held, after_dict, floor)),
        fit_weeks=len(fit),
        held_weeks=len(held),
    )
