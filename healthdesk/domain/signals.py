"""Warning signs: a boolean per buyer per code, and the event each one points at.

Flags are computed for every buyer of a week at once (history stores them); the
sentence naming the evidence is written only for the buyers and weeks someone
reads (``details.py``), from the same arrays, so flag and sentence cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Config
from .components import Component, group_ends, mask_days
from .ledger import Bools, Floats, Ints
from .window import AsOf, safe_ratio

CODES = (
    "payment_late",
    "terms_slip",
    "volume_decline",
    "returns_rising",
    "engagement_drop",
    "complaint_escalation",
    "competitor_mention",
    "contact_turnover",
    "checkin_overdue",
    "concentration",
)


BEHAVIOUR = (
    "payment_late",
    "terms_slip",
    "volume_decline",
    "returns_rising",
    "engagement_drop",
    "complaint_escalation",
    "competitor_mention",
)
"""Signs in the buyer's own behaviour. Concentration is portfolio risk and an overdue
check-in is our lapse, so those two do not hold a buyer's score down."""
PAYMENT = ("payment_late", "terms_slip")


@dataclass
class Signals:
    """Per-code flags and the evidence arrays the detail sentences read."""

    flags: dict[str, Bools]
    evidence: dict[str, np.ndarray]

    def codes(self, b: int) -> list[str]:
        """The codes raised for buyer row ``b``, in DATA.md order."""
        return [code for code in CODES if self.flags[code][b]]

    def behaviour(self) -> Bools:
        """Buyers showing at least one warning sign in their own behaviour."""
        return self.behaviour_count() > 0

    def behaviour_count(self) -> Ints:
        """How many kinds of warning sign each buyer shows in its own behaviour. Late
        payment and slipping terms are one kind (payment): a slip is read against the
        buyer's own past, so an older invoice paid even later can hide it, and counting
        the two apart would let worse payment raise health."""
        families = [self.flags["payment_late"] | self.flags["terms_slip"]]
        families += [self.flags[c] for c in BEHAVIOUR if c not in PAYMENT]
        return np.sum(families, axis=0)

    def count(self) -> Ints:
        """How many warnings each buyer has."""
        return np.sum([self.flags[c] for c in CODES], axis=0)


def latest_event(at: AsOf, kind: str, weeks: int, buyers: int) -> tuple[Ints, Ints]:
    """Per buyer: count of ``kind`` touch events in the window and the latest one's index."""
    ev = at.ledger.events(kind)
    inside = np.flatnonzero((ev.day <= at.day) & (ev.day > at.day - 7 * weeks))
    count = np.bincount(ev.buyer[inside], minlength=buyers)
    latest = np.full(buyers, -1, dtype=np.int64)
    order = inside[np.lexsort((ev.day[inside], ev.buyer[inside]))]
    ends = order[group_ends(ev.buyer[order])]
    latest[ev.buyer[ends]] = ends
    return count, latest


def terms_slip(at: AsOf, config: Config, buyers: int) -> tuple[Bools, Floats, Floats]:
    """Days-to-pay (and terms) of invoices issued in the recent half of the slip window
    against the earlier half; a rise of ``slip_days`` or more is drift (Net-15 → 30 → 45)."""
    p = config.payment
    inv = at.ledger.invoices
    half = 7 * p.slip_window_weeks // 2
    recent = (inv.issued > at.day - half) & (inv.issued <= at.day)
    earlier = (inv.issued > at.day - 2 * half) & (inv.issued <= at.day - half)
    # An invoice still open counts as paid today or on its due date, whichever is later:
    # paying later can then only raise days-to-pay, so it never hides a slip.
    settled = np.where(inv.paid <= at.day, inv.paid, np.maximum(at.day, inv.due))
    to_pay = (settled - inv.issued).astype(float)
    terms = (inv.due - inv.issued).astype(float)

    def mean(mask: Bools, values: Floats) -> Floats:
        return safe_ratio(
            np.bincount(inv.buyer[mask], values[mask], buyers),
            np.bincount(inv.buyer[mask], minlength=buyers).astype(float),
        )

    now, before = mean(recent, to_pay), mean(earlier, to_pay)
    rise = np.fmax(now - before, mean(recent, terms) - mean(earlier, terms))
    return np.nan_to_num(rise, nan=0.0) >= p.slip_days, now, before


def checkins_overdue(at: AsOf, config: Config, started: Ints) -> tuple[Bools, Ints]:
    """The milestone (30/90/180 days) a buyer is overdue on, until the next one is due."""
    c = config.checkins
    ev = at.ledger.events("check_in")
    buyers = started.shape[0]
    overdue = np.zeros(buyers, dtype=bool)
    which = np.full(buyers, -1, dtype=np.int64)
    days = list(c.days)
    for k, d in enumerate(days):
        due = started + d
        until = started + days[k + 1] if k + 1 < len(days) else due + 90
        done_mask = (ev.day >= due[ev.buyer] - c.early_days) & (ev.day <= at.day)
        done = np.bincount(ev.buyer[done_mask], minlength=buyers) > 0
        late = (at.day > due + c.grace_days) & (at.day <= until) & ~done
        which = np.where(late, d, which)
        overdue |= late
    return overdue, which


def contact_turnover(at: AsOf, config: Config, buyers: int) -> tuple[Bools, Ints]:
    """A primary contact who left, or a new contact nobody introduced, in the window."""
    con = at.ledger.contacts
    lo = at.day - 7 * config.signals.contact_weeks
    first = np.full(buyers, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, con.buyer, con.started)
    left = con.primary & (con.ended <= at.day) & (con.ended > lo)
    unannounced = ~con.introduced & (con.started <= at.day) & (con.started > lo)
    unannounced &= con.started > first[con.buyer]
    hit = np.flatnonzero(left | unannounced)
    flagged = np.zeros(buyers, dtype=bool)
    flagged[con.buyer[hit]] = True
    which = np.full(buyers, -1, dtype=np.int64)
    which[con.buyer[hit]] = hit
    return flagged, which


def detect(
    at: AsOf,
    config: Config,
    comps: dict[str, Component],
    share: Floats,
    started: Ints,
) -> Signals:
    """Raise every warning code for every buyer of the as-of week."""
    buyers = share.shape[0]
    s = config.signals
    vol = comps["volume"].inputs
    pay = comps["payment"].inputs
    ret = comps["returns"].inputs
    eng = comps["engagement"].inputs
    slip, slip_now, slip_before = terms_slip(at, config, buyers)
    escalations, last_escalation = latest_event(at, "escalation", s.escalation_weeks, buyers)
    complaints, last_complaint = latest_event(at, "complaint", s.complaint_weeks, buyers)
    prev_complaints = mask_days(
        at.ledger.events("complaint").day,
        at.ledger.events("complaint").buyer,
        at.day - 7 * s.complaint_weeks,
        s.complaint_weeks,
        buyers,
    )
    competitor, last_competitor = latest_event(at, "competitor_mention", s.competitor_weeks, buyers)
    new_contact, last_new_contact = latest_event(at, "new_contact", s.contact_weeks, buyers)
    turnover, turnover_row = contact_turnover(at, config, buyers)
    overdue, milestone = checkins_overdue(at, config, started)
    r, e = config.returns, config.engagement
    base_rate = np.nan_to_num(ret["baseline_rate"])
    rising = (ret["recent_rate"] >= base_rate + r.rising_points) & (
        ret["recent_rate"] >= base_rate * r.rising_factor
    )
    rising &= ~np.isnan(ret["baseline_rate"])
    dropped = (eng["previous_outbound"] >= 2) & (eng["outbound"] >= 2)
    dropped &= eng["previous_reply_rate"] - eng["reply_rate"] >= e.drop_points
    silent = (np.nan_to_num(eng["silence_days"]) >= e.silence_days) & (
        eng["recent_outbound"] >= e.silence_min_outbound
    )
    flags = {
        # Stale billing or CRM data (an old export) raises no payment or silence warning.
        "payment_late": (np.nan_to_num(pay["worst_days_late"]) > config.payment.late_days)
        & ~pay["stale"],
        "terms_slip": slip & ~pay["stale"],
        "volume_decline": (np.nan_to_num(vol["trend"], nan=1.0) <= config.volume.decline_ratio)
        & (vol["reliability"] >= config.volume.min_reliability),
        "returns_rising": rising,
        "engagement_drop": (dropped | silent) & ~eng["stale"],
        "complaint_escalation": (escalations > 0)
        | ((complaints >= s.complaint_min) & (complaints > prev_complaints)),
        "competitor_mention": competitor > 0,
        "contact_turnover": turnover | (new_contact > 0),
        "checkin_overdue": overdue,
        "concentration": share > config.concentration.warn,
    }
    evidence = {
        "slip_now": slip_now,
        "slip_before": slip_before,
        "escalations": escalations,
        "last_escalation": last_escalation,
        "complaints": complaints,
        "previous_complaints": prev_complaints,
        "last_complaint": last_complaint,
        "last_competitor": last_competitor,
        "last_new_contact": last_new_contact,
        "turnover_contact": turnover_row,
        "checkin_milestone": milestone,
        "silent": silent,
    }
    return Signals(flags, evidence)
