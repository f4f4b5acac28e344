"""The buyer's own rhythm: how often it takes leads, and whether its current gap fits.

Volume compares a buyer with its own recent past; rhythm asks the question the
score exists for: will this buyer take leads again soon? A buyer is treated as
taking leads in a week with probability ``p`` (its share of active weeks, recent
weeks counting more, shrunk toward a prior while the history is short) and as
able to leave for good in any week with probability ``dropout``. From the weeks
since its last leads, Bayes' rule gives the chance it is still buying
(``alive``): a weekly buyer silent three weeks is probably gone, a monthly buyer
silent three weeks is on schedule. The score is the chance of leads within the
horizon, ``alive × (1 − (1 − p)^horizon)``, so zero activity over a window the
buyer was active in is strong evidence, never "no data", and every input moves
the score smoothly (no window edge where it jumps).

This is the discrete "buy till you die" model (beta-geometric) with fixed,
configurable rates instead of fitted ones, so one buyer's score never depends on
the rest of the book and each number can be explained in a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Rhythm
from .ledger import Floats, Ints, Ledger

NEVER = -(10**6)
"""The "last active week" of a buyer that never took a lead: far in the past."""


@dataclass
class Cadence:
    """Per buyer and loaded week (matrix columns as in ``Ledger.weekly``): active weeks
    summed with a weight halving every half-life, and the last week with leads. Built
    once per ledger; history before the loaded weeks comes from ``Ledger.active_before``."""

    decay: float
    decayed: Floats
    last_active: Ints


def cadence(ledger: Ledger, half_life_weeks: float) -> Cadence:
    """Decayed active-week sums and last active weeks for every column of ``ledger``."""
    active = ledger.weekly.leads > 0
    n, weeks = active.shape
    d = 0.5 ** (1.0 / half_life_weeks)
    before = ledger.active_before
    run = np.zeros(n)
    np.add.at(run, before.buyer, d ** (ledger.first_week - 1 - before.day).astype(float))
    last = np.full(n, NEVER, dtype=np.int64)
    np.maximum.at(last, before.buyer, before.day)
    decayed = np.empty((n, weeks))
    last_active = np.empty((n, weeks), dtype=np.int64)
    for col in range(weeks):
        run = run * d + active[:, col]
        last = np.where(active[:, col], ledger.first_week + col, last)
        decayed[:, col] = run
        last_active[:, col] = last
    return Cadence(d, decayed, last_active)


@dataclass
class Reading:
    """One as-of week's rhythm for every buyer (NaN before a buyer's first delivery):
    ``share`` is its (decayed) share of weeks with leads, ``rate`` that share shrunk
    toward the prior, as the model reads it."""

    score: Floats
    share: Floats
    share_before: Floats
    rate: Floats
    gap_weeks: Floats
    usual_gap_weeks: Floats
    alive: Floats
    leads_soon: Floats
    tenure_weeks: Floats


def _share(c: Cadence, col: int, week: int, first_active: Ints) -> tuple[Floats, Floats]:
    """Decayed share of weeks with leads as of ``week``, and the decayed weeks exposed."""
    tenure = np.maximum(week - first_active + 1, 0).astype(float)
    exposure = (1 - c.decay**tenure) / (1 - c.decay)
    decayed = c.decayed[:, col] if col >= 0 else np.zeros(first_active.shape[0])
    return decayed / np.where(exposure > 0, exposure, 1), exposure


def read(
    c: Cadence, col: int, week: int, first_active: Ints, config: Rhythm, before: int = 4
) -> Reading:
    """The rhythm of every buyer as of ``week`` (matrix column ``col``); ``share_before``
    is the share ``before`` weeks earlier (what a recent window is read against)."""
    tenure = (week - first_active + 1).astype(float)
    started = tenure >= 1
    tenure = np.where(started, tenure, np.nan)
    share, exposure = _share(c, col, week, first_active)
    earlier = _share(c, col - before, week - before, first_active)[0]
    rate = (c.decayed[:, col] + config.prior_active) / (
        exposure + config.prior_active + config.prior_idle
    )
    last = c.last_active[:, col]
    gap = np.where(last > NEVER, week - last, np.nan_to_num(tenure)).astype(float)
    still = (1 - config.dropout) * (1 - rate)
    alive_weight = still**gap
    left_weight = config.dropout * (1 - alive_weight) / (1 - still)
    alive = alive_weight / (alive_weight + left_weight)
    soon = 1 - (1 - rate) ** config.horizon_weeks
    score = np.where(started, 100 * alive * soon, np.nan)
    return Reading(
        score=score,
        share=np.where(started, share, np.nan),
        share_before=np.where(week - before >= first_active, earlier, np.nan),
        rate=np.where(started, rate, np.nan),
        gap_weeks=np.where(started, gap, np.nan),
        usual_gap_weeks=np.where(started, 1 / rate, np.nan),
        alive=np.where(started, alive, np.nan),
        leads_soon=np.where(started, alive * soon, np.nan),
        tenure_weeks=tenure,
    )


def hold(alive: Floats, config: Rhythm, at_risk_below: int) -> Floats:
    """The most health a buyer's rhythm allows: at risk (below ``at_risk_below``) once
    its chance of still buying is ``stopped_alive`` or less, half that at zero, no
    limit from ``ok_alive`` up, and a straight line between (continuous)."""
    top = float(at_risk_below - 1)
    return np.interp(
        np.nan_to_num(alive, nan=1.0),
        [0.0, config.stopped_alive, config.ok_alive],
        [top / 2, top, 100.0],
    )
