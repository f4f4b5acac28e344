"""The seven health components, each scored 0–100 for every buyer of one as-of week.

Each function returns the score (NaN where the buyer has no data for it, so the
component is left out and re-weighted, never scored as zero) and the measured
inputs, which the explanation and the warnings read as evidence. Mappings are
piecewise-linear ramps, chosen so each is monotone in the direction DOMAIN.md
calls unhealthy: later payment, lower volume, more returns, slower replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..config import Config
from .ledger import NO_DAY, Array, Bools, Floats, Ints
from .rhythm import Reading
from .window import AsOf, ramp, safe_ratio

VOLUME_RATIO = ([0.0, 0.5, 0.75, 0.9, 1.0, 1.1], [0.0, 20.0, 50.0, 70.0, 85.0, 100.0])
PAYMENT_DAYS_LATE = ([-3.0, 0.0, 15.0, 45.0], [100.0, 90.0, 50.0, 0.0])
RETURN_RATE = ([0.0, 0.05, 0.10, 0.20, 0.30], [100.0, 90.0, 70.0, 30.0, 0.0])
RETURN_DELTA = ([-0.05, 0.0, 0.05, 0.10], [100.0, 85.0, 50.0, 0.0])
REPLY_RATE = ([0.0, 0.5, 0.8, 1.0], [10.0, 55.0, 85.0, 100.0])
REPLY_HOURS_PENALTY = ([24.0, 72.0, 168.0], [0.0, 15.0, 30.0])
SILENCE_DAYS_PENALTY = ([14.0, 30.0, 60.0], [0.0, 20.0, 50.0])
CONTRACT_SHARE = 0.25
"""Part of the volume score read from contract fulfilment when a contract is set."""


@dataclass
class Component:
    """One component for every buyer: score (NaN = no data) and named input arrays."""

    score: Floats
    inputs: dict[str, Array] = field(default_factory=dict[str, Array])


def rhythm(reading: Reading) -> Component:
    """The chance of leads within the horizon from the buyer's own cadence (rhythm.py)."""
    return Component(
        reading.score,
        {
            "share": reading.share,
            "rate": reading.rate,
            "gap_weeks": reading.gap_weeks,
            "usual_gap_weeks": reading.usual_gap_weeks,
            "alive": reading.alive,
            "tenure_weeks": reading.tenure_weeks,
        },
    )


GROWTH = 2.0
"""The trend of a buyer whose baseline weeks had no leads and whose recent ones do."""


def volume(
    at: AsOf, config: Config, contracted: Floats, expected: Floats, beat: Reading
) -> Component:
    """Recent weekly leads against the buyer's own baseline, and against contract.

    Weeks before a buyer's first delivery are not zeros, but an active buyer's empty
    weeks are: no leads in the baseline and none recently is a trend of 0 (the worst),
    leads again after an empty baseline a trend of ``GROWTH``; never "no data".

    ``reliability`` is the chance the buyer's rhythm fills every week of the recent
    window (``share^recent_weeks``, its share of weeks with leads before that
    window, so a buyer that stopped does not look irregular for it): four weeks say
    much about a buyer that takes
    leads every week and little about one that buys now and then, whose quiet weeks
    are its rhythm (which the rhythm component reads). The component counts with
    that share of its weight, and a decline is only flagged when it is high."""
    v = config.volume
    recent = at.mean("leads", v.recent_weeks)
    baseline = at.mean("leads", v.baseline_weeks, skip=v.recent_weeks)
    level = _level_now(at, v.slide_weeks, v.abrupt_weeks, recent)
    recent0 = np.nan_to_num(recent)
    trend = np.where(
        baseline == 0,
        np.where(recent0 > 0, GROWTH, 0.0),
        np.fmin(safe_ratio(recent0, baseline), safe_ratio(level, baseline)),
    )
    target = contracted * expected
    fulfilment = safe_ratio(recent0, target)
    by_trend = ramp(trend, *VOLUME_RATIO)
    by_contract = ramp(fulfilment, *VOLUME_RATIO)
    score = np.where(
        np.isnan(trend),
        by_contract,
        np.where(
            np.isnan(fulfilment),
            by_trend,
            (1 - CONTRACT_SHARE) * by_trend + CONTRACT_SHARE * by_contract,
        ),
    )
    recent_lead = at.total("leads", v.abrupt_weeks)
    stopped = np.nan_to_num(beat.alive, nan=1.0) <= config.rhythm.stopped_alive
    reliability = np.nan_to_num(beat.share_before, nan=1.0) ** v.recent_weeks
    return Component(
        score,
        {
            "recent": recent,
            "level": level,
            "baseline": baseline,
            "trend": trend,
            "fulfilment": fulfilment,
            "target": target,
            "last_weeks": safe_ratio(recent_lead, at.active_weeks(v.abrupt_weeks)),
            "stopped": stopped,
            "reliability": reliability,
        },
    )


def _level_now(at: AsOf, weeks: int, last_weeks: int, recent: Floats) -> Floats:
    """Weekly leads now, read off a straight line fitted to the last ``weeks`` weeks: a
    slide (500 → 400 → 300) shows while the 4-week mean still averages it away. A step
    down is not a slope, so the line never reads below the mean of the last
    ``last_weeks`` weeks. The mean stands in for buyers without that many weeks yet."""
    ys = np.stack([at.total("leads", 1, skip=j) for j in range(weeks)])
    xs = -np.arange(weeks, dtype=float)[:, None]  # the as-of week at 0
    x0 = xs - xs.mean()
    slope = (x0 * (ys - ys.mean(axis=0))).sum(axis=0) / (x0**2).sum()
    fitted = ys.mean(axis=0) - slope * xs.mean()
    latest = ys[:last_weeks].mean(axis=0)
    full = at.active_weeks(weeks) == weeks
    return np.where(full, np.maximum(fitted, latest), recent)


def payment(at: AsOf, config: Config, buyers: int) -> Component:
    """Invoices due in the window (and any still unpaid past due), days late scored."""
    p = config.payment
    inv = at.ledger.invoices
    day = at.day
    due_in_window = (inv.due <= day) & (inv.due > day - 7 * p.window_weeks)
    unpaid = inv.paid > day
    counted = due_in_window | (unpaid & (inv.due <= day))
    late = np.where(unpaid, day - inv.due, inv.paid - inv.due).astype(float)
    score_each = ramp(late, *PAYMENT_DAYS_LATE)
    idx = np.flatnonzero(counted)
    owner = inv.buyer[idx]
    amount = np.maximum(inv.amount[idx], 0.01)
    weight = np.bincount(owner, amount, buyers)
    mean = safe_ratio(np.bincount(owner, amount * score_each[idx], buyers), weight)
    worst_score = np.full(buyers, np.inf)
    np.minimum.at(worst_score, owner, score_each[idx])
    worst = _argworst(owner, late[idx], idx, buyers)
    score = np.where(np.isnan(mean), np.nan, 0.5 * mean + 0.5 * worst_score)
    stale, last_issued = _billing_stale(at, p.stale_weeks, buyers)
    return Component(
        np.where(stale, np.nan, score),
        {
            "stale": stale,
            "last_issued": last_issued,
            "invoices": np.bincount(owner, minlength=buyers),
            "worst_invoice": worst,
            "worst_days_late": np.where(worst >= 0, np.append(late, np.nan)[worst], np.nan),
            "unpaid_past_due": np.bincount(owner, unpaid[idx], buyers),
        },
    )


def _billing_stale(at: AsOf, weeks: int, buyers: int) -> tuple[Bools, Ints]:
    """Buyers billed before but issued no invoice in the last ``weeks`` weeks while they
    took leads (the billing export stops short), and each buyer's last issue day."""
    inv = at.ledger.invoices
    seen = inv.issued <= at.day
    last = np.zeros(buyers, dtype=np.int64)
    np.maximum.at(last, inv.buyer[seen], inv.issued[seen])
    cutoff = at.day - 7 * weeks
    stale = (last > 0) & (last <= cutoff) & (at.total("leads", weeks) > 0)
    return stale, last


def _argworst(owner: Ints, late: Floats, idx: Ints, buyers: int) -> Ints:
    """Index (into the invoice arrays) of each buyer's latest-paid invoice, or -1."""
    out = np.full(buyers, -1, dtype=np.int64)
    order = np.lexsort((late, owner))
    ends = group_ends(owner[order])
    out[owner[order][ends]] = idx[order][ends]
    return out


def group_ends(sorted_keys: Ints) -> Ints:
    """Positions of the last element of each run of equal keys in a sorted array."""
    if sorted_keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.append(sorted_keys[1:] != sorted_keys[:-1], True))


def returns(at: AsOf, config: Config) -> Component:
    """Accepted-reason return rate, recent against baseline."""
    r = config.returns
    leads_recent = at.total("leads", r.recent_weeks)
    leads_base = at.total("leads", r.baseline_weeks, skip=r.recent_weeks)
    base_rate = safe_ratio(at.total("returned", r.baseline_weeks, skip=r.recent_weeks), leads_base)
    recent_rate = safe_ratio(at.total("returned", r.recent_weeks), leads_recent)
    recent_rate = np.where(np.isnan(recent_rate), base_rate, recent_rate)
    delta = recent_rate - np.where(np.isnan(base_rate), recent_rate, base_rate)
    score = 0.5 * ramp(recent_rate, *RETURN_RATE) + 0.5 * ramp(delta, *RETURN_DELTA)
    score = np.where(np.isnan(recent_rate), np.nan, score)
    return Component(score, {"recent_rate": recent_rate, "baseline_rate": base_rate})


def engagement(at: AsOf, config: Config, ever_touched: np.ndarray) -> Component:
    """Replies to our outreach, how fast, and how long since the buyer last spoke."""
    e = config.engagement
    n = e.window_weeks
    outbound = at.total("outbound", n)
    replies = at.total("replies", n)
    rate = np.minimum(safe_ratio(replies, outbound), 1.0)
    prev_rate = np.minimum(
        safe_ratio(at.total("replies", n, skip=n), at.total("outbound", n, skip=n)), 1.0
    )
    hours = safe_ratio(at.total("reply_hours", n), replies)
    last = at.sums.last_contact[:, at.col]
    silence = np.where(last > 0, at.day - last, np.nan)
    inbound = at.total("inbound", n)
    base = np.where(outbound > 0, ramp(rate, *REPLY_RATE), np.where(inbound > 0, 70.0, 50.0))
    penalty = ramp(np.nan_to_num(hours), *REPLY_HOURS_PENALTY) + ramp(
        np.nan_to_num(silence, nan=0.0), *SILENCE_DAYS_PENALTY
    )
    score = np.where(ever_touched, np.clip(base - penalty, 0, 100), np.nan)
    quiet = at.total("outbound", e.stale_weeks) + at.total("inbound", e.stale_weeks) == 0
    stale = ever_touched & quiet & (at.total("leads", e.stale_weeks) > 0)
    return Component(
        np.where(stale, np.nan, score),
        {
            "stale": stale,
            "outbound": outbound,
            "reply_rate": rate,
            "previous_reply_rate": prev_rate,
            "previous_outbound": at.total("outbound", n, skip=n),
            "reply_hours": hours,
            "silence_days": silence,
            "last_contact": last,
            "inbound": inbound,
            "recent_outbound": at.total("outbound", -(-e.silence_days // 7)),
        },
    )


def satisfaction(at: AsOf, config: Config, buyers: int) -> Component:
    """The latest NPS answer in the window, times ten; none means left out."""
    s = at.ledger.surveys
    mask = (s.day <= at.day) & (s.day > at.day - 7 * config.signals.satisfaction_weeks)
    latest_day = np.full(buyers, -1, dtype=np.int64)
    score = np.full(buyers, np.nan)
    idx = np.flatnonzero(mask)
    order = idx[np.lexsort((s.day[idx], s.buyer[idx]))]
    last = order[group_ends(s.buyer[order])]
    score[s.buyer[last]] = s.value[last] * 10
    latest_day[s.buyer[last]] = s.day[last]
    return Component(score, {"survey_day": latest_day})


def expansion(
    at: AsOf, config: Config, volume_inputs: dict[str, Array], contracted: Floats
) -> Component:
    """Neutral 50, +25 for a new product in the window, +25 for volume above contract."""
    products = at.ledger.new_products
    buyers = contracted.shape[0]
    first = np.full(buyers, NO_DAY, dtype=np.int64)
    np.minimum.at(first, products.buyer, products.day)
    window = at.day - 7 * config.signals.expansion_weeks
    new = (products.day > first[products.buyer]) & (products.day <= at.day)
    new &= products.day > window
    new_count = np.bincount(products.buyer[new], minlength=buyers)
    recent = volume_inputs["recent"]
    reference = np.where(np.isnan(contracted), volume_inputs["baseline"], contracted)
    above = np.nan_to_num(safe_ratio(np.nan_to_num(recent), reference)) >= 1.10
    score = 50.0 + 25.0 * (new_count > 0) + 25.0 * above
    score = np.where(np.isnan(recent), np.nan, score)
    return Component(score, {"new_products": new_count, "above_contract": above})


def mask_days(day: Ints, buyer: Ints, at_day: int, weeks: int, buyers: int) -> Ints:
    """Count, per buyer, events dated in the ``weeks`` weeks ending on ``at_day``."""
    inside = (day <= at_day) & (day > at_day - 7 * weeks)
    return np.bincount(buyer[inside], minlength=buyers)
