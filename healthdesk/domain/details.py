"""The sentence behind each warning, naming its evidence row.

Written only for the buyers and week someone reads, from the arrays that raised
the flag, so "INV-1042 paid 22 days after due" is the same invoice the score read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .ledger import Ledger
from .ledger import or_zero as _or_zero
from .scoring import WeekScores


def _day(ordinal: int) -> str:
    return date.fromordinal(int(ordinal)).isoformat()


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def payment_late(s: WeekScores, led: Ledger, b: int) -> str:
    i = int(s.scores["payment"].inputs["worst_invoice"][b])
    inv = led.invoices
    late = int(s.scores["payment"].inputs["worst_days_late"][b])
    terms = int(inv.due[i] - inv.issued[i])
    if inv.paid[i] > 7 * s.week + 7:
        return f"{inv.invoice_id[i]} unpaid, {late} days past due (terms {terms} days)"
    return f"{inv.invoice_id[i]} paid {late} days after due (terms {terms} days)"


def terms_slip(s: WeekScores, led: Ledger, b: int) -> str:
    ev = s.signals.evidence
    now, before = ev["slip_now"][b], ev["slip_before"][b]
    half = s.config.payment.slip_window_weeks // 2
    return (
        f"days from invoice to payment rose from {before:.0f} to {now:.0f} "
        f"(invoices of the last {half} weeks vs the {half} before)"
    )


def volume_decline(s: WeekScores, led: Ledger, b: int) -> str:
    v = s.scores["volume"].inputs
    recent, base, trend = v["recent"][b], v["baseline"][b], v["trend"][b]
    last = v["last_weeks"][b]
    r = s.scores["rhythm"].inputs
    gap = _or_zero(r["gap_weeks"][b])
    if v["stopped"][b]:
        return (
            f"no leads for {gap:.0f} weeks against a usual gap of"
            f" {_or_zero(r['usual_gap_weeks'][b]):.1f}: the buyer stopped buying"
        )
    if _or_zero(base) == 0:
        return f"no leads for {gap:.0f} weeks"
    kind = "abrupt cut" if _or_zero(last) < s.config.volume.abrupt_ratio * base else "gradual slide"
    v_cfg = s.config.volume
    return (
        f"leads down {(1 - trend) * 100:.0f}% ({recent:.0f}/week over {v_cfg.recent_weeks}"
        f" weeks, {_or_zero(v['level'][b]):.0f}/week now on the {v_cfg.slide_weeks}-week line,"
        f" vs {base:.0f}/week baseline): {kind}"
    )


def returns_rising(s: WeekScores, led: Ledger, b: int) -> str:
    r = s.scores["returns"].inputs
    return (
        f"accepted returns {_pct(r['recent_rate'][b])} of leads over "
        f"{s.config.returns.recent_weeks} weeks "
        f"vs {_pct(_or_zero(r['baseline_rate'][b]))} baseline"
    )


def engagement_drop(s: WeekScores, led: Ledger, b: int) -> str:
    e = s.scores["engagement"].inputs
    if s.signals.evidence["silent"][b]:
        last = int(e["last_contact"][b])
        return (
            f"no reply or inbound contact for {int(e['silence_days'][b])} days "
            f"(last {_day(last)}) despite {int(e['recent_outbound'][b])} outreach "
            f"in the last {-(-s.config.engagement.silence_days // 7)} weeks"
        )
    return (
        f"reply rate fell to {_pct(e['reply_rate'][b])} "
        f"from {_pct(e['previous_reply_rate'][b])} over {s.config.engagement.window_weeks} weeks"
    )


def complaint_escalation(s: WeekScores, led: Ledger, b: int) -> str:
    ev = s.signals.evidence
    if ev["escalations"][b]:
        i = int(ev["last_escalation"][b])
        e = led.events("escalation")
        return f"escalation on {_day(e.day[i])}: {e.text[i]}".rstrip(": ")
    i = int(ev["last_complaint"][b])
    c = led.events("complaint")
    return (
        f"{int(ev['complaints'][b])} complaints in {s.config.signals.complaint_weeks} weeks "
        f"(was {int(ev['previous_complaints'][b])}); latest {_day(c.day[i])}: {c.text[i]}"
    ).rstrip(": ")


def competitor_mention(s: WeekScores, led: Ledger, b: int) -> str:
    i = int(s.signals.evidence["last_competitor"][b])
    e = led.events("competitor_mention")
    return f"competitor mentioned on {_day(e.day[i])}: {e.text[i]}".rstrip(": ")


def contact_turnover(s: WeekScores, led: Ledger, b: int) -> str:
    i = int(s.signals.evidence["turnover_contact"][b])
    if i >= 0:
        con = led.contacts
        if con.primary[i] and con.ended[i] <= 7 * s.week + 7:
            return f"primary contact {con.name[i]} left on {_day(con.ended[i])}"
        return f"new contact {con.name[i]} since {_day(con.started[i])}, not introduced"
    i = int(s.signals.evidence["last_new_contact"][b])
    e = led.events("new_contact")
    return f"new contact on {_day(e.day[i])}: {e.text[i]}".rstrip(": ")


def checkin_overdue(s: WeekScores, led: Ledger, b: int) -> str:
    days = int(s.signals.evidence["checkin_milestone"][b])
    due = led.buyers[b].started_on.toordinal() + days
    return f"{days}-day check-in was due {_day(due)}; none logged"


def concentration(s: WeekScores, led: Ledger, b: int) -> str:
    c = s.config.concentration
    line = (
        f"above the {c.alert:.0%} alert line"
        if s.concentration[b] == 2
        else f"above the {c.warn:.0%} warning line"
    )
    return f"{_pct(s.share[b])} of {c.window_weeks}-week revenue, {line}"


DETAIL: dict[str, Callable[[WeekScores, Ledger, int], str]] = {
    f.__name__: f
    for f in (
        payment_late,
        terms_slip,
        volume_decline,
        returns_rising,
        engagement_drop,
        complaint_escalation,
        competitor_mention,
        contact_turnover,
        checkin_overdue,
        concentration,
    )
}


def warnings(s: WeekScores, led: Ledger, b: int) -> list[dict[str, str]]:
    """The warnings of buyer row ``b`` as ``{"code", "detail"}``, in DATA.md order."""
    return [{"code": code, "detail": DETAIL[code](s, led, b)} for code in s.signals.codes(b)]
