"""Why a buyer scored what it did: each component's value, weight, contribution,
inputs and evidence, the caps applied, and what moved since the previous week.

The contributions add up: health = Σ weight × score, then capped; the change since
last week is Σ per-component contribution changes plus the change in the cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .ledger import Ledger
from .ledger import or_zero as _or_zero
from .scoring import CAP_STOPPED, CAP_TRUST, CAP_WARNING, COMPONENTS, WeekScores


@dataclass(frozen=True)
class ComponentWhy:
    name: str
    score: int | None
    weight: float
    contribution: float
    change: float
    evidence: str


@dataclass(frozen=True)
class Why:
    """A buyer-week's explanation; ``moved`` lists the changes, largest first, in words."""

    components: list[ComponentWhy]
    raw: float
    cap: int | None
    cap_reason: str
    cap_change: float
    moved: list[str] = field(default_factory=list[str])
    profile: str = "default"
    """The scoring profile: "default", or "segment <vertical>" for a ``[segments]`` one."""


def _num(x: float | None, fmt: str = ".0f") -> str:
    return "—" if x is None or np.isnan(x) else format(x, fmt)


def _evidence(s: WeekScores, led: Ledger, b: int, name: str) -> str:
    i = s.scores[name].inputs
    if name == "rhythm":
        r = s.config.rhythm
        return (
            f"took leads in {_num(i['share'][b] * 100)}% of weeks (recent weeks count more,"
            f" half-life {r.half_life_weeks:g} weeks) over {_num(i['tenure_weeks'][b])} weeks"
            f" as a buyer; {_num(i['gap_weeks'][b])} weeks since its last leads vs a usual"
            f" gap of {_num(i['usual_gap_weeks'][b], '.1f')}: {_num(i['alive'][b] * 100)}%"
            f" chance it is still buying, {_num(s.scores[name].score[b])}% of leads within"
            f" {r.horizon_weeks} weeks"
        )
    if name == "volume":
        text = (
            f"{_num(i['recent'][b])} leads/week over {s.config.volume.recent_weeks} weeks"
            f" vs {_num(i['baseline'][b])} baseline"
        )
        if not np.isnan(i["target"][b]):
            text += f"; {_num(i['fulfilment'][b] * 100)}% of {_num(i['target'][b])} expected"
        if i["stopped"][b]:
            text += "; stopped against its own rhythm"
        return text
    if name == "payment" and i["stale"][b]:
        last = date.fromordinal(int(i["last_issued"][b]))
        return (
            f"stale: no invoice issued since {last} while the buyer took leads (is the billing"
            " export up to date?); left out of health"
        )
    if name == "engagement" and i["stale"][b]:
        weeks = s.config.engagement.stale_weeks
        return (
            f"stale: no touchpoint logged in {weeks} weeks while the buyer took leads (is the"
            " CRM export up to date?); left out of health"
        )
    if name == "payment":
        text = f"{int(i['invoices'][b])} invoices due in window"
        worst = int(i["worst_invoice"][b])
        if worst >= 0:
            inv = led.invoices
            text += f"; worst {inv.invoice_id[worst]}: {int(i['worst_days_late'][b])} days late"
        if i["unpaid_past_due"][b]:
            text += f"; {int(i['unpaid_past_due'][b])} unpaid past due"
        return text
    if name == "returns":
        return (
            f"accepted returns {_num(i['recent_rate'][b] * 100, '.1f')}% recent vs "
            f"{_num(i['baseline_rate'][b] * 100, '.1f')}% baseline"
        )
    if name == "engagement":
        last = int(i["last_contact"][b])
        since = f"last reply/inbound {date.fromordinal(last)}" if last > 0 else "never replied"
        return (
            f"{_num(i['reply_rate'][b] * 100)}% of {int(i['outbound'][b])} outreach answered "
            f"in {s.config.engagement.window_weeks} weeks, "
            f"{_num(i['reply_hours'][b])} h to reply; {since}"
        )
    if name == "satisfaction":
        day = int(i["survey_day"][b])
        return (
            f"NPS {_num(s.scores[name].score[b] / 10)} on {date.fromordinal(day)}"
            if day > 0
            else "no survey"
        )
    new, above = int(i["new_products"][b]), bool(i["above_contract"][b])
    volume = "above" if above else "not above"
    weeks = s.config.signals.expansion_weeks
    return f"{new} new product(s) in {weeks} weeks; volume {volume} 110% of contract"


def _stale(s: WeekScores, name: str, b: int) -> bool:
    """The component's source went quiet while the buyer bought (see ``components``)."""
    stale = s.scores[name].inputs.get("stale")
    return bool(stale[b]) if stale is not None else False


def explain(s: WeekScores, prev: WeekScores | None, led: Ledger, b: int) -> Why:
    """Explain buyer row ``b`` in week ``s`` (``prev`` is the week before, if scored)."""
    rows: list[ComponentWhy] = []
    for name in COMPONENTS:
        score = s.scores[name].score[b]
        weight = float(s.weights[name][b])
        contribution = weight * _or_zero(score)
        before = 0.0
        if prev is not None:
            before = float(prev.weights[name][b]) * _or_zero(prev.scores[name].score[b])
        rows.append(
            ComponentWhy(
                name=name,
                score=None if np.isnan(score) else round(float(score)),
                weight=round(weight, 4),
                contribution=round(contribution, 2),
                change=round(contribution - before, 2),
                evidence=_evidence(s, led, b, name)
                if not np.isnan(score) or _stale(s, name, b)
                else "no data: left out",
            )
        )
    capped = float(s.cap[b]) < float(s.raw[b])
    reason = {
        CAP_STOPPED: "leads stopped against its own rhythm, or fell steeply",
        CAP_TRUST: "open incidents erode trust",
        CAP_WARNING: "warning signs hold it below healthy",
    }
    cap_reason = ""
    if capped:
        cap_reason = (
            f"{reason.get(int(s.cap_reason[b]), '')} (limit {float(s.cap_limit[b]):.0f},"
            f" scaled by raw health {float(s.raw[b]):.0f})"
        )
    cap_now = min(float(s.cap[b]) - float(s.raw[b]), 0.0)
    cap_before = min(float(prev.cap[b]) - float(prev.raw[b]), 0.0) if prev else 0.0
    why = Why(
        components=rows,
        raw=round(float(s.raw[b]), 2),
        cap=round(float(s.cap[b])) if capped else None,
        cap_reason=cap_reason,
        cap_change=round(cap_now - cap_before, 2),
        profile=s.profile(b),
    )
    why.moved.extend(_moved(why))
    return why


def _moved(why: Why) -> list[str]:
    """The changes since last week in words, largest first; small moves are noise."""
    changes = [(c.change, c.name) for c in why.components if abs(c.change) >= 0.5]
    if abs(why.cap_change) >= 0.5:
        changes.append((why.cap_change, f"cap ({why.cap_reason or 'lifted'})"))
    changes.sort(key=lambda item: -abs(item[0]))
    return [f"{name} {'+' if delta > 0 else '−'}{abs(delta):.1f} points" for delta, name in changes]
