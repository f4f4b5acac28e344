"""Who needs a look in this week's review, and why, riskiest × most valuable first.

Pure: this week's and last week's reports and the stored snoozes in, ``QueueItem``
values out; the as-of week's Monday decides whether a snooze still covers a buyer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .interventions import BAND_ORDER, Snooze
from .weeks import monday

if TYPE_CHECKING:  # types only: the export command's flags must not pay for numpy
    from .report import BuyerReport


@dataclass(frozen=True)
class QueueItem:
    buyer: BuyerReport
    reasons: tuple[str, ...]


def review_queue(
    buyers: Iterable[BuyerReport],
    previous: Iterable[BuyerReport],
    snoozes: Iterable[Snooze],
    week: int,
) -> list[QueueItem]:
    """Buyers who need a look this week with why, riskiest × most valuable first.

    A snoozed buyer stays out while its snooze covers the week's Monday, unless its
    band is worse than when it was snoozed; the week after a snooze ends it comes back.
    """
    from .report import urgency  # the report's own risk × value ranking, loaded on use

    before = {b.buyer_id: b for b in previous}
    latest = {s.buyer_id: s for s in snoozes}
    start = monday(week)
    items: list[QueueItem] = []
    for buyer in buyers:
        snooze = latest.get(buyer.buyer_id)
        reasons = attention(buyer, before.get(buyer.buyer_id))
        if snooze is not None and snooze.until_on >= start:
            if _rank(buyer.band) <= _rank(snooze.band):
                continue
            reasons.append(f"band worsened to {_words(buyer.band)} while snoozed")
        elif snooze is not None and snooze.until_on >= monday(week - 1):
            reasons.append(f"snooze ended {snooze.until_on.isoformat()}")
        if reasons:
            items.append(QueueItem(buyer, tuple(reasons)))
    return sorted(items, key=lambda item: urgency(item.buyer))


def attention(buyer: BuyerReport, before: BuyerReport | None) -> list[str]:
    """Why ``buyer`` needs attention this week, compared with last week's report."""
    codes = [w["code"] for w in buyer.warnings]
    reasons: list[str] = []
    if buyer.band == "at_risk":
        reasons.append(f"at risk (health {buyer.health})")
    if buyer.health_change <= -5:
        reasons.append(f"health down {-buyer.health_change} this week")
    if before is not None and _rank(buyer.band) > _rank(before.band):
        reasons.append(f"band worsened from {_words(before.band)} to {_words(buyer.band)}")
    old: set[str] = set() if before is None else {w["code"] for w in before.warnings}
    if new := [c for c in codes if c not in old]:
        reasons.append("new warnings: " + ", ".join(new))
    if buyer.trust["level"] <= 50:
        reasons.append(f"trust at {buyer.trust['level']}%")
    if buyer.concentration == "alert":
        reasons.append(f"concentration alert ({buyer.revenue_share:.0%} of revenue)")
    if buyer.phase == "drift" and codes:
        reasons.append(f"drift zone with {len(codes)} warning(s)")
    if "checkin_overdue" in codes:
        reasons.append("check-in overdue")
    return reasons


def _rank(band: str) -> int:
    return BAND_ORDER.index(band)


def _words(band: str) -> str:
    return band.replace("_", " ")
