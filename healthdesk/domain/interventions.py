"""What a flagged account gets, who looks at it this week, and what a user may type.

Pure: reports and stored rows in, plain dataclasses out. Every date is derived from
the as-of week (its Monday), never the wall clock, so a week's suggestions and queue
are the same whenever they are computed.

Suggestion rules (one suggestion per reason family, most pressing family first):

- commercial (competitor_mention, payment_late, terms_slip): executive engagement on a
  significant account; else retention offer for a competitor, proactive outreach
  about billing for late payments;
- quality (returns_rising, complaint_escalation, trust ≤ 50): root-cause discovery;
- outreach (volume_decline, engagement_drop, checkin_overdue, contact_turnover):
  proactive outreach with a concrete opening question;
- concentration (share above 20%): diversify, onboard backup buyers;
- health (at risk with none of the above): proactive outreach.

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
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from .bands import band_of
from .weeks import monday

if TYPE_CHECKING:  # types only: the export command's flags must not pay for numpy
    from ..config import Bands
    from .report import BuyerReport

STATUSES = ("open", "in_progress", "done", "dismissed")
ACTIVE = ("open", "in_progress")
OUTCOMES = ("accepted", "reviewed", "snoozed")
BAND_ORDER = ("healthy", "watch", "at_risk")
SIGNIFICANT_SHARE = 0.10
OWNER_MAX = 40
TEXT_MAX = 2000

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


class InvalidInput(ValueError):
    """Something a user typed cannot be stored; the message says what and why."""


@dataclass(frozen=True)
class Suggestion:
    buyer_id: str
    reason_key: str
    action: str
    message: str
    signals: tuple[dict[str, str], ...]
    due_on: date


@dataclass(frozen=True)
class Snooze:
    buyer_id: str
    until_on: date
    band: str


@dataclass(frozen=True)
class Override:
    buyer_id: str
    health: int
    reason: str
    week: int
    expires_on: date

    def active(self, week: int) -> bool:
        """Set in or before ``week`` and not expired by its Monday."""
        return self.week <= week and monday(week) <= self.expires_on


@dataclass(frozen=True)
class QueueItem:
    buyer: BuyerReport
    reasons: tuple[str, ...]


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
    if buyer.trust["level"] <= 50:
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
    items = []
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
    reasons = []
    if buyer.band == "at_risk":
        reasons.append(f"at risk (health {buyer.health})")
    if buyer.health_change <= -5:
        reasons.append(f"health down {-buyer.health_change} this week")
    if before is not None and _rank(buyer.band) > _rank(before.band):
        reasons.append(f"band worsened from {_words(before.band)} to {_words(buyer.band)}")
    old = set() if before is None else {w["code"] for w in before.warnings}
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


def apply_overrides(
    buyers: Iterable[BuyerReport], overrides: Iterable[Override], week: int, bands: Bands
) -> list[BuyerReport]:
    """Reports with a manager's active health override in place of the computed score;
    ``override`` keeps the computed health, the reason and the expiry, so every view
    can show that the number is a person's, not the model's."""
    active = {o.buyer_id: o for o in overrides if o.active(week)}
    out = []
    for b in buyers:
        o = active.get(b.buyer_id)
        if o is None:
            out.append(b)
            continue
        note = {
            "health": o.health,
            "computed_health": b.health,
            "computed_band": b.band,
            "reason": o.reason,
            "expires_on": o.expires_on.isoformat(),
        }
        out.append(replace(b, health=o.health, band=band_of(o.health, bands), override=note))
    return out


def check_text(value: str | None, what: str = "reason") -> str:
    """A non-empty, bounded free text (reason, note), stripped."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"the {what} is empty: say in a few words why")
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"the {what} is {len(text)} characters; keep it under {TEXT_MAX}")
    return text


def check_due(value: date | str, week: int) -> date:
    """A due date on or after the as-of week's Monday (a past due date is a typo)."""
    try:
        due = value if isinstance(value, date) else date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"due date {value!r} is not a date like 2026-11-20") from None
    if due < monday(week):
        raise InvalidInput(
            f"due date {due.isoformat()} is before the week of {monday(week).isoformat()}"
        )
    return due


def check_owner(value: str | None) -> str:
    """An owner name: 1–40 letters, digits, '.', '_' or '-' (a login, not a sentence)."""
    owner = (value or "").strip()
    if not owner:
        raise InvalidInput("the owner is empty: give the account manager's name, e.g. alice")
    if len(owner) > OWNER_MAX:
        raise InvalidInput(f"owner {owner[:OWNER_MAX]}… is longer than {OWNER_MAX} characters")
    if not all(ch.isalnum() or ch in "._-" for ch in owner):
        raise InvalidInput(f"owner {owner!r} may contain only letters, digits, '.', '_' and '-'")
    return owner


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """One of ``allowed`` (a status, an outcome), or a message listing them."""
    if value not in allowed:
        raise InvalidInput(f"{what} {value!r} is not one of: {', '.join(allowed)}")
    return value


def check_health(value: int) -> int:
    """An override health score: a whole number from 0 to 100."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InvalidInput(f"health {value!r} must be a whole number from 0 to 100")
    return value


def _make(
    buyer: BuyerReport, key: str, how: str, signals: list[dict[str, str]], due: date
) -> Suggestion:
    """``how`` picks the message; billing and health calls are proactive outreach.

    The volume question quotes the drop from the warning's sentence ("leads down 38%");
    other wordings ("the buyer stopped buying") are quoted whole.
    """
    first = signals[0]
    if how == "proactive outreach" and first["code"] == "volume_decline":
        drop = re.search(r"down (\d+)%", first["detail"])
        said = f"volume dropped {drop.group(1)}% over 4 weeks" if drop else first["detail"]
        message = f"{said}: what is happening on your end?"
    else:
        message = ASK[first["code"] if how == "proactive outreach" else how]
    action = "proactive outreach" if how in ("billing", "health") else how
    return Suggestion(buyer.buyer_id, key, action, message, tuple(signals), due)


def _lead_days(buyer: BuyerReport) -> int:
    if buyer.band == "at_risk":
        return 2
    return 4 if buyer.band == "watch" or buyer.trust["level"] <= 50 else 9


def _trust_signal(buyer: BuyerReport) -> dict[str, str]:
    n = buyer.trust["incidents"]
    return {
        "code": "trust_low",
        "detail": f"trust at {buyer.trust['level']}% after {n} unresolved quality incident(s)",
    }


def _health_words(buyer: BuyerReport) -> str:
    change = f", {buyer.health_change:+d} this week" if buyer.health_change else ""
    return f"health {buyer.health}{change}, at risk"


def _rank(band: str) -> int:
    return BAND_ORDER.index(band)


def _words(band: str) -> str:
    return band.replace("_", " ")
