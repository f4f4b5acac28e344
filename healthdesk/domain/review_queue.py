"""Who needs a look in this week's review, and why, riskiest × most valuable first.

Pure: this week's and last week's reports and the stored snoozes in, ``QueueItem``
values out; the as-of week's Monday decides whether a snooze still covers a buyer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .bands import trust_low
from .interventions import BAND_ORDER, InvalidInput, Snooze, Task, in_words
from .responsiveness import Reply
from .responsiveness import words as reply_words
from .weeks import monday

if TYPE_CHECKING:  # types only: the export command's flags must not pay for numpy
    from .report import BuyerReport


@dataclass(frozen=True)
class Reason:
    """Why an account is queued: a code scripts can filter on, the sentence a manager
    reads (with the evidence), and whether it is new this week (ranked higher)."""

    code: str
    label: str
    detail: str = ""
    new: bool = False

    @property
    def text(self) -> str:
        """The sentence with its evidence: "new: volume decline: leads down 71% …"."""
        return (
            ("new: " if self.new else "") + self.label + (f": {self.detail}" if self.detail else "")
        )

    @property
    def short(self) -> str:
        """For a table cell: "new volume decline"."""
        return ("new " if self.new else "") + self.label

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "text": self.text, "new": self.new}


@dataclass(frozen=True)
class QueueItem:
    buyer: BuyerReport
    reasons: tuple[Reason, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.reasons)


REASON_CODES = (
    "at_risk",
    "health_drop",
    "band_worse",
    "warning",
    "trust_low",
    "concentration",
    "drift",
    "task_overdue",
    "reply_late",
    "snooze_ended",
    "snoozed_band_worse",
)
"""What ``--reason`` filters on; a warning reason's code is also its warning's code."""


def review_queue(
    buyers: Iterable[BuyerReport],
    previous: Iterable[BuyerReport],
    snoozes: Iterable[Snooze],
    week: int,
    tasks: Iterable[Task] = (),
) -> list[QueueItem]:
    """Every account that needs a look this week, with why, most urgent first (the
    portfolio's own risk × revenue-share order).

    A snoozed buyer stays out while its snooze covers the week's Monday, unless its
    band is worse than when it was snoozed; the week after a snooze ends it comes back.
    ``tasks`` are the stored open interventions: one past its due date queues its
    account whatever the buyer's numbers say.
    """
    return [item for item, held in triage(buyers, previous, snoozes, week, tasks) if not held]


def triage(
    buyers: Iterable[BuyerReport],
    previous: Iterable[BuyerReport],
    snoozes: Iterable[Snooze],
    week: int,
    tasks: Iterable[Task] = (),
    late_replies: Mapping[str, list[Reply]] | None = None,
) -> list[tuple[QueueItem, bool]]:
    """Every account with a reason, and whether a snooze holds it out of this week's
    queue (the intervention list still shows those, marked snoozed). ``late_replies``:
    our replies to each buyer that missed DOMAIN.md's targets lately."""
    from .report import by_urgency  # the report's own risk × value ranking, loaded on use

    before = {b.buyer_id: b for b in previous}
    latest = {s.buyer_id: s for s in snoozes}
    late = overdue_tasks(tasks, week)
    start = monday(week)
    out: list[tuple[QueueItem, bool]] = []
    for buyer in by_urgency(list(buyers)):
        snooze = latest.get(buyer.buyer_id)
        reasons = attention(buyer, before.get(buyer.buyer_id))
        reasons += [
            Reason("task_overdue", f"{t.action} was due {t.due_on} ({t.status_words})")
            for t in late.get(buyer.buyer_id, [])
        ]
        reasons += [
            Reason("reply_late", "we replied late", reply_words(r))
            for r in (late_replies or {}).get(buyer.buyer_id, [])
        ]
        held = False
        if snooze is not None and snooze.until_on >= start:
            if _rank(buyer.band) <= _rank(snooze.band):
                held = True
            else:
                said = f"band worsened to {in_words(buyer.band)} while snoozed"
                reasons.append(Reason("snoozed_band_worse", said))
        elif snooze is not None and snooze.until_on >= monday(week - 1):
            reasons.append(Reason("snooze_ended", f"snooze ended {snooze.until_on.isoformat()}"))
        if reasons:
            out.append((QueueItem(buyer, tuple(reasons)), held))
    return out


def overdue_tasks(tasks: Iterable[Task], week: int) -> dict[str, list[Task]]:
    """Open or in-progress interventions due before the week's Monday, per buyer."""
    out: dict[str, list[Task]] = {}
    for t in tasks:
        if t.overdue(week):
            out.setdefault(t.buyer_id, []).append(t)
    return out


def attention(buyer: BuyerReport, before: BuyerReport | None) -> list[Reason]:
    """Why ``buyer`` needs attention this week, compared with last week's report: every
    live warning (standing ones too: a problem does not stop mattering because it was
    there last Monday), marked new when last week did not have it."""
    codes = [w["code"] for w in buyer.warnings]
    reasons: list[Reason] = []
    if buyer.band == "at_risk":
        reasons.append(Reason("at_risk", f"at risk (health {buyer.health})"))
    if buyer.health_change <= -5:
        reasons.append(Reason("health_drop", f"health down {-buyer.health_change} this week"))
    if before is not None and _rank(buyer.band) > _rank(before.band):
        said = f"band worsened from {in_words(before.band)} to {in_words(buyer.band)}"
        reasons.append(Reason("band_worse", said))
    old = None if before is None else {w["code"] for w in before.warnings}
    for w in buyer.warnings:
        new = old is not None and w["code"] not in old
        reasons.append(Reason(w["code"], in_words(w["code"]), w["detail"], new=new))
    if trust_low(buyer.trust["level"]):
        reasons.append(Reason("trust_low", f"trust at {buyer.trust['level']}%"))
    if buyer.concentration != "ok" and "concentration" not in codes:
        level = "alert" if buyer.concentration == "alert" else "warning"
        said = f"concentration {level} ({buyer.revenue_share:.0%} of revenue)"
        reasons.append(Reason("concentration", said))
    if buyer.phase == "drift" and codes:
        reasons.append(Reason("drift", f"drift zone with {len(codes)} warning(s)"))
    return reasons


def check_reason(reason: str) -> str:
    """A reason code ``--reason`` can filter on, or a message listing them."""
    from .details import DETAIL  # the warning codes, loaded on use (numpy)

    known = tuple(dict.fromkeys((*REASON_CODES, *DETAIL)))
    if reason not in known:
        raise InvalidInput(f"--reason {reason!r} is not one of: {', '.join(known)}")
    return reason


def matches(item: QueueItem, reason: str) -> bool:
    """The item has a reason with this code (a warning's code matches as "warning" too)."""
    return any(r.code == reason for r in item.reasons) or (
        reason == "warning" and any(r.code not in REASON_CODES for r in item.reasons)
    )


def _rank(band: str) -> int:
    return BAND_ORDER.index(band)
