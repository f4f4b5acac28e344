"""The account screen's sections as ``Content``: data text stays plain text.

Every string read from the database goes in as a literal part (never markup), so a
buyer called ``[bold]x`` is shown exactly so.
"""

from __future__ import annotations

from datetime import date
from statistics import median
from typing import Any

from textual.content import Content

from ...config import Bands, Config
from ...domain.bands import band_of
from ...domain.lifecycle import checkins, month_number
from ...domain.responsiveness import acceptable_hours, grade
from ...domain.weeks import last_day
from ...store.records import Contact, Incident, Invoice, Touchpoint
from ...store.views import COMPONENTS, PortfolioRow
from .. import format as fmt
from ..messages import AccountRecords
from ..widgets.hanging import Block, line
from ..widgets.table import safe

Part = str | tuple[str, str]
MUTED = "$text-muted"
EVIDENCE_INDENT = Content(" " * 14)
HEAD = "bold $text-accent"
GRADE_TONE = {"excellent": "good", "good": "good", "acceptable": "", "late": "bad"}
CHECKIN_TONE = {"done": "good", "upcoming": "dim", "overdue": "bad", "missed": "warn"}


def _lines(*lines: Content) -> Content:
    return Content("\n").join(lines)


def _head(title: str, note: str = "") -> Content:
    return Content.assemble((title, HEAD), (f"  {note}" if note else "", MUTED))


def _tone(name: str) -> str:
    return fmt.TONE_STYLE[name]


def loading(what: str) -> Content:
    return _lines(_head(what.replace("-", " ").capitalize()), Content.styled("reading…", MUTED))


def title(buyer_id: str, row: PortfolioRow | None, week: str) -> Content:
    if row is None:
        return Content.assemble(
            (buyer_id, "bold"), ("  not in the portfolio as of ", MUTED), (week, "bold")
        )
    return Content.assemble(
        (buyer_id, "bold"),
        "  ",
        (safe(row.name), "bold"),
        ("  owner ", MUTED),
        safe(row.owner) or "—",
        ("  vertical ", MUTED),
        safe(row.vertical) or "—",
        ("  as of ", MUTED),
        (week, "bold"),
    )


def headline(row: PortfolioRow | None) -> Content:
    if row is None:
        return Content.styled(
            "No stored score for this buyer in this week (not started yet, or gone). "
            "Press ] or L to move forward in time, Esc to go back.",
            MUTED,
        )
    share, tone = fmt.share(row.revenue_share, row.concentration)
    return Content.assemble(
        ("Health ", MUTED),
        (f"{row.health}", _tone(fmt.BAND_TONE[row.band])),
        (f" {fmt.BAND_LABEL[row.band]}", _tone(fmt.BAND_TONE[row.band])),
        (f"  {fmt.signed(row.health_change)} since last week", MUTED),
        *_override(row),
        ("   trust ", MUTED),
        f"{row.trust_level}% ({row.trust_incidents} incidents)",
        ("   phase ", MUTED),
        (fmt.PHASE_LABEL.get(row.phase, row.phase), _tone("warn") if row.phase == "drift" else ""),
        ("\nRevenue 13w ", MUTED),
        fmt.money(row.revenue_13w),
        ("   share ", MUTED),
        (share, _tone(tone)),
        ("   warnings ", MUTED),
        str(len(row.warnings)),
        ("   open interventions ", MUTED),
        str(row.interventions),
        (f" ({row.overdue} overdue)", _tone("bad")) if row.overdue else "",
    )


def _override(row: PortfolioRow) -> tuple[str | tuple[str, str], ...]:
    """A manager's override, said as such: the number on screen is a person's."""
    if row.override is None:
        return ()
    computed, reason, expires_on = row.override
    return (
        ("\nOverridden by hand ", _tone("accent")),
        (f"(computed {computed}) until {expires_on}: ", MUTED),
        safe(reason),
    )


def components(row: PortfolioRow | None, report: Any, bands: Bands) -> list[Block]:
    """Each component's score (toned by the health bands), weight, contribution, change
    and evidence (the evidence wraps under itself, indented past the component's name)."""
    if row is None:
        return []
    lines = [line(_head("Score", "score × weight = contribution (change since last week)"))]
    if report is None:
        for name, score in zip(COMPONENTS, row.components, strict=True):
            lines.append(line(f"{name:<13}{'—' if score is None else score:>4}"))
        lines.append(line(Content.styled("weights, contributions and evidence: reading…", MUTED)))
        return lines
    why = report.why
    for c in why.components:
        score = "—" if c.score is None else str(c.score)
        tone = "dim" if c.score is None else fmt.BAND_TONE[band_of(c.score, bands)]
        lines.append(
            line(
                Content.assemble(
                    f"{c.name:<13}",
                    (f"{score:>4}", _tone(tone)),
                    (f" × {c.weight:>4.0%}", MUTED),
                    f" = {c.contribution:5.1f}",
                    (f"  ({fmt.signed(c.change, 1)})", _tone("bad") if c.change <= -1 else MUTED),
                )
            )
        )
        lines.append((EVIDENCE_INDENT, Content.styled(safe(c.evidence), MUTED)))
    total = Content(f"{why.raw:.1f}")
    if why.cap is not None:
        total = total + Content.assemble(
            ("  capped at ", MUTED), (str(why.cap), _tone("bad")), f": {why.cap_reason}"
        )
    total += Content.assemble(("  → health ", MUTED), (str(report.health), "bold"))
    lines.append((Content.styled("weighted score ", MUTED), total))
    return lines


def changes(report: Any) -> Content:
    lines = [_head("What changed since last week")]
    if report is None:
        return Content("")
    moved = report.why.moved
    lines += [Content(f"• {m}") for m in moved] or [Content.styled("nothing notable", MUTED)]
    return _lines(*lines)


def warnings(report: Any) -> list[Block]:
    """Each warning's code and its evidence sentence, wrapped beside the code."""
    if report is None:
        return []
    lines = [line(_head("Warnings", f"{len(report.warnings)}"))]
    for w in report.warnings:
        code = Content.styled(f"{w['code']:<22}", _tone("warn"))
        lines.append((code, Content(safe(w["detail"]))))
    if not report.warnings:
        lines.append(line(Content.styled("none", MUTED)))
    return lines


def money(report: Any) -> Content:
    if report is None:
        return Content("")
    cpl = "—" if report.effective_cpl is None else f"{report.effective_cpl:,.2f}"
    return _lines(
        _head("Money"),
        Content.assemble(
            ("LTV ", MUTED),
            fmt.money(report.ltv),
            ("   risk-adjusted ", MUTED),
            fmt.money(report.ltv_risk_adjusted),
            ("   effective CPL ", MUTED),
            cpl,
            ("   revenue 13w ", MUTED),
            fmt.money(report.revenue_13w),
            ("   share ", MUTED),
            fmt.pct(report.revenue_share),
        ),
    )


def component_history(weeks: list[int], by_week: dict[int, tuple]) -> Content:
    """A 52-week sparkline per component (0–100 scale)."""
    recent = weeks[-52:]
    lines = [_head("Components", f"last {len(recent)} weeks, 0–100")]
    for i, name in enumerate(COMPONENTS):
        values = [by_week[w][2 + i] if w in by_week else None for w in recent]
        lines.append(Content.assemble(f"{name:<13}", (fmt.spark(values), "$text-accent")))
    return _lines(*lines)


def invoices(rows: list[Invoice], late_days: int) -> Content:
    """Newest first; red past ``late_days`` late (``payment.late_days``: the
    ``payment_late`` warning's line), amber when late at all."""
    lines = [_head("Invoices", "newest first; days late against terms")]
    lines.append(
        Content.styled(
            f"{'invoice':<12} {'issued':<10} {'due':<10} {'terms':>5} {'amount':>10}"
            f" {'paid':<10} {'late':>5}",
            MUTED,
        )
    )
    for i in rows:
        late = i.days_late
        tone = "bad" if late > late_days else "warn" if late > 0 else "good"
        lines.append(
            Content.assemble(
                f"{safe(i.invoice_id)[:12]:<12} {i.issued_on:<10} {i.due_on:<10}",
                f" {i.terms_days:>4}d",
                f" {fmt.money(i.amount):>10} ",
                (f"{i.paid_on or 'unpaid':<10}", "" if i.paid_on else _tone("warn")),
                (f" {late:>+4}d", _tone(tone)),
            )
        )
    if not rows:
        lines.append(Content.styled("no invoices", MUTED))
    return _lines(*lines)


def incidents(rows: list[Incident], row: PortfolioRow | None, config: Config) -> Content:
    """The trust ladder with the buyer's rung, then its incidents."""
    counted = min(row.trust_incidents, 5) if row is not None else None
    ladder: list[Part] = [("Trust ladder  ", MUTED)]
    for n, level in enumerate(config.trust.levels):
        step = f"{n}{'+' if n == 5 else ''}:{'terminal' if n == 5 else f'{level}%'}"
        ladder.append(
            (
                f"[{step}]" if n == counted else f" {step} ",
                "bold reverse" if n == counted else MUTED,
            )
        )
    lines = [
        _head("Incidents", "open, unconfirmed (resolved, not confirmed) or confirmed"),
        Content.assemble(*ladder),
    ]
    for i in rows:
        tone = {"open": "bad", "unconfirmed": "warn", "confirmed": "dim"}[i.status]
        lines.append(
            Content.assemble(
                f"{i.opened_on}  ",
                (f"{i.status:<11}", _tone(tone)),
                f" {safe(i.category):<10} {safe(i.severity):<6} ",
                safe(i.summary),
            )
        )
    if not rows:
        lines.append(Content.styled("no incidents", MUTED))
    return _lines(*lines)


def contacts(rows: list[Contact], week: int) -> Content:
    end = date.fromordinal(last_day(week)).isoformat()
    current = [c for c in rows if c.ended_on is None]
    left = [c for c in rows if c.ended_on is not None]
    levels = sorted({c.level for c in current if c.level})
    note = f"{len(current)} current ({', '.join(levels) or 'no levels'}), {len(left)} left by {end}"
    lines = [_head("Contacts", note)]
    for c in rows:
        mark = "★" if c.primary else " "
        status = f"left {c.ended_on}" if c.ended_on else f"since {c.started_on or '—'}"
        intro = "" if c.introduced else "  not introduced"
        tone = MUTED if c.ended_on else ""
        lines.append(
            Content.assemble(
                (f"{mark} {safe(c.name)[:24]:<24} ", tone),
                (f"{safe(c.role)[:26]:<26} {c.level:<12} ", MUTED),
                (status, tone),
                (intro, _tone("warn")),
            )
        )
    if not rows:
        lines.append(Content.styled("no contacts", MUTED))
    return _lines(*lines)


def touchpoints(rows: list[Touchpoint]) -> Content:
    theirs = [
        t.reply_hours for t in rows if t.direction == "outbound" and t.reply_hours is not None
    ]
    unanswered = sum(t.direction == "outbound" and t.reply_hours is None for t in rows)
    ours = [t for t in rows if t.direction == "inbound" and t.request_type]
    typical = fmt.hours(median(theirs)) if theirs else "—"
    note = f"buyer replies in {typical} (median), {unanswered} unanswered"
    lines = [_head("Touchpoints", f"{len(rows)} most recent; {note}")]
    for t in rows:
        reply = fmt.hours(t.reply_hours) if t.reply_hours is not None else "no reply"
        tone = "warn" if t.reply_hours is None else ""
        graded = grade(t.request_type, t.reply_hours) if t.direction == "inbound" else None
        if graded is not None:
            tone = GRADE_TONE[graded]
            reply += f" ({graded}; {acceptable_hours(t.request_type):g} h ok)"
        arrow = "→" if t.direction == "outbound" else "←"
        lines.append(
            Content.assemble(
                f"{t.at}  {arrow} {safe(t.channel):<7} {safe(t.kind):<18} ",
                (f"{reply:<28}", _tone(tone)),
                (safe(t.note), MUTED),
            )
        )
    graded = [grade(t.request_type, t.reply_hours) for t in ours]
    if any(g is not None for g in graded):
        met = sum(g is not None and g != "late" for g in graded)
        lines.append(
            Content.styled(
                f"our replies to their requests: {met} of {sum(g is not None for g in graded)}"
                " within the acceptable time",
                MUTED,
            )
        )
    return _lines(*lines)


def lifecycle(row: PortfolioRow | None, records: AccountRecords, config: Config) -> Content:
    """Phase, month and the 30/90/180-day check-ins (done, due or overdue)."""
    if records.started_on is None:
        return Content("")
    started = date.fromisoformat(records.started_on)
    today = last_day(records.week)
    month = month_number(started, date.fromordinal(today))
    phase = fmt.PHASE_LABEL.get(row.phase, row.phase) if row is not None else "—"
    lines = [
        _head("Lifecycle"),
        Content.assemble(
            ("started ", MUTED),
            records.started_on,
            ("   month ", MUTED),
            str(month),
            ("   phase ", MUTED),
            phase,
        ),
    ]
    c = config.checkins
    logged = [date.fromordinal(d) for d in records.checkins]
    as_of = date.fromordinal(today)
    for check in checkins(started, c.days, logged, as_of, c.grace_days, c.early_days):
        state = f"done {check['done_on']}" if check["done_on"] else str(check["status"])
        lines.append(
            Content.assemble(
                f"{check['days']:>3}-day check-in due {check['due_on']}  ",
                (state, _tone(CHECKIN_TONE[str(check["status"])])),
            )
        )
    return _lines(*lines)
