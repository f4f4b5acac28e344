"""Deliveries, returns and invoices: the money side of the sample portfolio.

Why two passes: concentration stories need each giant buyer's revenue as an exact share
of everyone else's trailing-13-week revenue, so weekly lead counts are planned first
(small integer lists, cheap even at 5000 x 156) and rows are written afterwards, one
buyer at a time, straight into csv writers (no big intermediate strings).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from healthdesk.sample import stories as s

T = TypeVar("T")

ACCEPTABLE = ("invalid_contact", "duplicate", "filter_mismatch", "geographic")
ACCEPTABLE_CUM = (45, 70, 90, 100)
REJECTABLE = ("no_contact", "not_converted", "misrepresented", "changed_circumstances", "other")
REJECTABLE_CUM = (35, 65, 77, 90, 100)
# Days paid relative to due date for ordinary buyers: mostly on time, never badly late.
STEADY_OFFSETS = tuple(range(-4, 5))
STEADY_OFFSET_CUM = (1, 2, 4, 7, 12, 16, 19, 21, 22)  # weights 1 1 2 3 5 4 3 2 1


class Calendar:
    """The data window: `weeks` ISO weeks ending with the week starting `last_week`.

    Day strings and month keys are precomputed once (shared by all buyers) because
    formatting dates per row dominated the run time at benchmark size.
    """

    def __init__(self, last_week: date, weeks: int) -> None:
        self.last_week = last_week
        self.weeks = weeks
        self.first_week = last_week - timedelta(weeks=weeks - 1)
        self.end = last_week + timedelta(days=6)
        days = [self.first_week + timedelta(days=n) for n in range(weeks * 7)]
        self.iso: list[str] = [d.isoformat() for d in days]
        self.month: list[tuple[int, int]] = [(d.year, d.month) for d in days]
        self.last_minute = weeks * 7 * 1440 - 1

    def index(self, d: date) -> int:
        """Day index of `d` (0 = first Monday); may fall outside the window."""
        return (d - self.first_week).days

    def stamp(self, minute: int) -> str:
        """ISO 8601 UTC timestamp for a minute counted from the first Monday 00:00."""
        day, rest = divmod(minute, 1440)
        if 0 <= day < len(self.iso):
            text = self.iso[day]
        else:
            text = (self.first_week + timedelta(days=day)).isoformat()
        return f"{text}T{rest // 60:02d}:{rest % 60:02d}:00Z"


def pick(rnd: Callable[[], float], items: Sequence[T], cum: Sequence[float]) -> T:
    """Weighted choice from cumulative weights (`random.choices` is slow per call)."""
    return items[bisect(cum, rnd() * cum[-1])]


def cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    return tuple(accumulate(weights))


@dataclass
class Plan:
    """Per week: delivery weekday offset (-1 = no delivery), primary and second-product leads."""

    offsets: list[int] = field(default_factory=list)
    leads: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)


def money(cents: int) -> str:
    """Plain decimal with two places, from integer cents (exact, no float formatting)."""
    return f"{cents // 100}.{cents % 100:02d}"


def story_factor(story: str, k: int) -> float:
    """Volume multiplier for a story, `k` weeks before the end (k=1 is the last week)."""
    if story == s.VOL_GRADUAL:
        return 0.45 if k <= 4 else 0.62 if k <= 8 else 0.8 if k <= 12 else 1.0
    if story == s.VOL_ABRUPT:
        return 0.3 if k <= 3 else 1.0
    if story == s.STOPPED:
        return 0.0 if k <= 3 else 1.0
    if story == s.DRIFT_A:
        return {1: 0.4, 2: 0.45, 3: 0.5, 4: 0.6, 5: 0.7, 6: 0.8}.get(k, 1.0)
    if story == s.DRIFT_B:
        return 0.35 if k <= 4 else 1.0
    return 1.0


def _ramp(days_since_start: int) -> float:
    """Lifecycle ramp: month 1 ~25% of steady state, months 2-3 ~60%, then 100%."""
    month = days_since_start // 30
    return 0.25 if month == 0 else 0.6 if month < 3 else 1.0


def plan_volume(buyer: s.Buyer, cal: Calendar, rng: random.Random) -> Plan:
    """Weekly lead counts with lifecycle ramp, story shape, holidays and +-10% noise."""
    plan = Plan()
    steady = buyer.contracted * buyer.fill
    rnd = rng.random
    start_index = cal.index(buyer.started_on)
    stop_index = cal.index(buyer.stop_on) if buyer.stop_on is not None else None
    for i in range(cal.weeks):
        k = cal.weeks - i
        lo = max(0, start_index - i * 7)
        hi = 4 if stop_index is None else min(4, stop_index - i * 7 - 1)
        if lo > hi:
            plan.offsets.append(-1)
            plan.leads.append(0)
            plan.extra.append(0)
            continue
        off = lo + int(rnd() * (hi - lo + 1))
        factor = _ramp(i * 7 + off - start_index) * story_factor(buyer.story, k)
        if stop_index is not None:
            weeks_left = (stop_index - i * 7) // 7 + 1
            if weeks_left <= 8:  # churn warning: the slide before a buyer leaves
                factor *= 0.45 + 0.07 * weeks_left
        month, day = cal.month[i * 7][1], int(cal.iso[i * 7][8:])
        if (month == 12 and day >= 19) or (month == 1 and day <= 1):
            factor *= 0.75  # Christmas / New Year week
        plan.offsets.append(off)
        plan.leads.append(round(steady * factor * (0.9 + 0.2 * rnd())))
        second = 0
        if buyer.story == s.EXPANDING and k <= 10:
            second = round(buyer.contracted * 0.3 * (0.9 + 0.2 * rnd()))
        plan.extra.append(second)
    return plan


def second_price(buyer: s.Buyer) -> int:
    """The second product sells at ~10% more than the first (rounded to 50 cents)."""
    return round(buyer.price_cents * 1.1 / 50) * 50


def revenue_since(buyer: s.Buyer, plan: Plan, weeks: int) -> int:
    """Revenue in cents of the last `weeks` weeks of the plan."""
    n = len(plan.leads)
    start = max(0, n - weeks)
    total = sum(plan.leads[start:]) * buyer.price_cents
    return total + sum(plan.extra[start:]) * second_price(buyer)


def _pay_date(
    buyer: s.Buyer, issued: date, due: date, end: date, from_last: int, rng: random.Random
) -> date | None:
    """When an invoice gets paid (None = not yet); the payment stories live here."""
    m = (end.year * 12 + end.month) - (issued.year * 12 + issued.month)  # months back
    story = buyer.story
    paid: date | None
    if story == s.STAR:
        paid = due + timedelta(days=rng.randint(-7, -2))
    elif story == s.TERMS_SLIP:
        days = {0: 29, 1: 29, 2: 28, 3: 26}.get(m, rng.randint(13, 15))
        paid = issued + timedelta(days=days)
    elif story == s.PAY_LATE:  # punctual except one invoice; tight so no terms_slip
        paid = due + timedelta(days=18 if m == 1 else rng.randint(-1, 1))
    elif story == s.DRIFT_A and m <= 1:
        paid = None
    elif story == s.DRIFT_B and m <= 2:
        paid = None if m <= 1 else due + timedelta(days=25)
    elif story == s.CHURNED and from_last < 2:
        paid = due + timedelta(days=rng.randint(18, 28))
    else:
        paid = due + timedelta(days=pick(rng.random, STEADY_OFFSETS, STEADY_OFFSET_CUM))
    if paid is None or paid > end:
        return None
    return max(paid, issued)


def write_commerce(
    buyer: s.Buyer,
    plan: Plan,
    cal: Calendar,
    rng: random.Random,
    writers: dict[str, Any],
    next_invoice: list[int],
) -> dict[str, int]:
    """Write one buyer's deliveries, returns and invoices; return the row counts."""
    deliveries, returns, invoices = writers["deliveries"], writers["returns"], writers["invoices"]
    bid, price, price2 = buyer.buyer_id, buyer.price_cents, second_price(buyer)
    product, product2 = buyer.products
    cost_share = 1.0 - buyer.margin
    pending_from = cal.index(cal.end) - 10
    iso, month_of, rnd = cal.iso, cal.month, rng.random
    monthly: dict[tuple[int, int], int] = {}
    counts = {"deliveries": 0, "returns": 0, "invoices": 0}
    carry = 0.0
    for i, off in enumerate(plan.offsets):
        if off < 0:
            continue
        k = cal.weeks - i
        di = i * 7 + off
        key = month_of[di]
        total_leads = 0
        lines = ((plan.leads[i], price, product), (plan.extra[i], price2, product2))
        for leads, unit, prod in lines if plan.extra[i] > 0 else lines[:1]:
            revenue = leads * unit
            cost = round(revenue * (cost_share - 0.01 + 0.02 * rnd()))
            deliveries.writerow((bid, iso[di], leads, money(revenue), money(cost), prod))
            counts["deliveries"] += 1
            monthly[key] = monthly.get(key, 0) + revenue
            total_leads += leads
        # Returns are filed within the delivery's own week, so weekly windows line up.
        rate = 0.11 if buyer.story == s.RETURNS_RISING and k <= 4 else buyer.return_rate
        carry += total_leads * rate * (0.85 + 0.3 * rnd())
        n = int(carry)
        carry -= n
        if n > 0:
            parts = (n,) if n < 4 or rnd() < 0.7 else (n // 2, n - n // 2)
            first_reason = ""
            for part in parts:
                rdi = di + int(rnd() * (7 - off))
                reason = pick(rnd, ACCEPTABLE, ACCEPTABLE_CUM)
                if reason == first_reason:  # identical rows would collapse on re-import
                    reason = ACCEPTABLE[(ACCEPTABLE.index(reason) + 1) % len(ACCEPTABLE)]
                first_reason = reason
                status = "pending" if rdi > pending_from else "accepted"
                returns.writerow((bid, iso[rdi], part, reason, status))
                counts["returns"] += 1
        if total_leads >= 20 and rnd() < 0.3:
            rdi = di + int(rnd() * (7 - off))
            m = max(1, round(total_leads * (0.005 + 0.015 * rnd())))
            reason = pick(rnd, REJECTABLE, REJECTABLE_CUM)
            status = "pending" if rdi > pending_from else "rejected"
            returns.writerow((bid, iso[rdi], m, reason, status))
            counts["returns"] += 1
    months = [key for key, amount in monthly.items() if amount > 0]
    for j, (year, month) in enumerate(months):
        issued = date(year + month // 12, month % 12 + 1, 1)
        if issued > cal.end:
            continue
        due = issued + timedelta(days=buyer.terms)
        paid = _pay_date(buyer, issued, due, cal.end, len(months) - 1 - j, rng)
        invoice_id = f"INV-{next_invoice[0]:05d}"
        next_invoice[0] += 1
        invoices.writerow(
            (invoice_id, bid, issued.isoformat(), due.isoformat(),
             money(monthly[(year, month)]), paid.isoformat() if paid else "")
        )  # fmt: skip
        counts["invoices"] += 1
    return counts
