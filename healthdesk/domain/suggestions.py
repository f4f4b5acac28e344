"""What a flagged account gets: one suggested intervention per reason family.

Pure: a buyer's report in, ``Suggestion`` values out. Every date is derived from the
as-of week (its Monday), never the wall clock, so a week's suggestions are the same
whenever they are computed.

Suggestion rules (one suggestion per reason family, most pressing family first):

- commercial (competitor_mention, payment_late, terms_slip): executive engagement on a
  significant account; else retention offer for a competitor, proactive outreach
  about billing for late payments;
- quality (returns_rising, complaint_escalation, trust ≤ 50): root-cause discovery;
- outreach (volume_decline, engagement_drop, checkin_overdue, contact_turnover):
  proactive outreach with a concrete opening question;
- concentration (share above 20%): diversify, onboard backup buyers;
- health (at risk with none of the above): proactive outreach;
- review (queued for a reason none of the above covers, ``follow_up``): a call.

An at-risk significant account gets executive engagement instead of proactive
outreach. *Significant* = at least 10% of 13-week revenue, or in the top quarter of
the portfolio by 13-week revenue: the accounts whose loss would move the book.

Due dates count business days from the week's Monday: at risk 2 (Wednesday), watch
or trust ≤ 50 4 (Friday), otherwise 9 (Friday of next week); diversify 20, because
onboarding backup buyers is a project, not a call.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from .bands import trust_low
from .interventions import Suggestion
from .weeks import monday

if TYPE_CHECKING:  # types only: the export command's flags must not pay for numpy
    from .report import BuyerReport
    from .review_queue import Reason

SIGNIFICANT_SHARE = 0.10
FAMILIES = {
    "commercial": ("competitor_mention", "payment_late", "terms_slip"),
    "quality": ("returns_rising", "complaint_escalation"),
    "outreach": ("volume_decline", "engagement_drop", "checkin_overdue", "contact_turnover"),
    "concentration": ("concentration",),
}
ASK = {
    "engagement_drop": "is there a better person or time to reach you?",
    "checkin_overdue": "book the check-in call this week",
    "contact_turnover": "ask for an introduction and re-map who decides",
    "executive engagement": "exec-to-exec call on terms and the relationship",
    "retention offer": "offer short-term pricing, better terms or a pilot of a new product",
    "billing": "is anything wrong with our invoices?",
    "root-cause discovery": "find the operational cause with their team, fix it, get it confirmed",
    "diversify": "onboard backup buyers so no single account carries the book",
    "health": "call to find out what changed on their side",
}
"""The next step (the signals carry the evidence), by action or outreach signal."""


def business_days(week: int, days: int) -> date:
    """The date ``days`` business days after the week's Monday."""
    return date.fromordinal(monday(week).toordinal() + 7 * (days // 5) + days % 5)


def value_cutoff(buyers: Iterable[BuyerReport]) -> float:
    """The 13-week revenue that puts a buyer in the portfolio's top quarter."""
    revenue = sorted((b.revenue_13w for b in buyers if b.revenue_13w > 0), reverse=True)
    return revenue[math.ceil(len(revenue) / 4) - 1] if revenue else math.inf


def significant(buyer: BuyerReport, cutoff: float) -> bool:
    """A large revenue share or a top-quarter account: its loss would move the book."""
    return buyer.revenue_share >= SIGNIFICANT_SHARE or 0 < cutoff <= buyer.revenue_13w


def suggest(buyer: BuyerReport, week: int, cutoff: float) -> list[Suggestion]:
    """The interventions ``buyer`` needs in ``week``, most pressing first."""
    big = significant(buyer, cutoff)
    escalate = big and buyer.band == "at_risk"
    by_code = {w["code"]: w for w in buyer.warnings}
    due = business_days(week, _lead_days(buyer))
    out: list[Suggestion] = []

    found = {k: [by_code[c] for c in codes if c in by_code] for k, codes in FAMILIES.items()}
    if trust_low(buyer.trust["level"]):
        found["quality"].append(_trust_signal(buyer))
    if sig := found["commercial"]:
        action = "retention offer" if sig[0]["code"] == "competitor_mention" else "billing"
        out.append(_make(buyer, "commercial", "executive engagement" if big else action, sig, due))
    if sig := found["quality"]:
        out.append(_make(buyer, "quality", "root-cause discovery", sig, due))
    if sig := found["outreach"]:
        action = "executive engagement" if escalate else "proactive outreach"
        out.append(_make(buyer, "outreach", action, sig, due))
    if sig := found["concentration"]:
        out.append(_make(buyer, "concentration", "diversify", sig, business_days(week, 20)))
    if not out and buyer.band == "at_risk":
        signal = {"code": "health_low", "detail": _health_words(buyer)}
        action = "executive engagement" if big else "health"
        out.append(_make(buyer, "health", action, [signal], due))
    return out


def follow_up(buyer: BuyerReport, reasons: Iterable[Reason], week: int) -> Suggestion:
    """For a queued account none of the rules above covers (a health drop, an overdue
    task, an ended snooze): a call, with the queue's reasons as its signals."""
    signals = tuple({"code": r.code, "detail": r.text} for r in reasons)
    return Suggestion(
        buyer.buyer_id,
        "review",
        "proactive outreach",
        ASK["health"],
        signals,
        business_days(week, _lead_days(buyer)),
    )


def _make(
    buyer: BuyerReport, key: str, how: str, signals: list[dict[str, str]], due: date
) -> Suggestion:
    """``how`` picks the message; billing and health calls are proactive outreach.

    The volume question quotes the drop from the warning's sentence ("leads down 38%");
    a buyer who stopped buying is asked about "no leads lately" (the warning's own
    sentence, with its colon, read badly before the question).
    """
    first = signals[0]
    if how == "proactive outreach" and first["code"] == "volume_decline":
        drop = re.search(r"down (\d+)%", first["detail"])
        said = f"volume dropped {drop.group(1)}% over 4 weeks" if drop else "no leads lately"
        message = f"{said}: what is happening on your end?"
    else:
        message = ASK[first["code"] if how == "proactive outreach" else how]
    action = "proactive outreach" if how in ("billing", "health") else how
    return Suggestion(buyer.buyer_id, key, action, message, tuple(signals), due)


def _lead_days(buyer: BuyerReport) -> int:
    if buyer.band == "at_risk":
        return 2
    return 4 if buyer.band == "watch" or trust_low(buyer.trust["level"]) else 9


def _trust_signal(buyer: BuyerReport) -> dict[str, str]:
    n = buyer.trust["incidents"]
    return {
        "code": "trust_low",
        "detail": f"trust at {buyer.trust['level']}% after {n} unresolved quality incident(s)",
    }


def _health_words(buyer: BuyerReport) -> str:
    change = f", {buyer.health_change:+d} this week" if buyer.health_change else ""
    return f"health {buyer.health}{change}, at risk"
