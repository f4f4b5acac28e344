"""One buyer's records as they stood at an as-of week: invoices (days late so far),
incidents (open, unconfirmed or confirmed then), contacts, touchpoints (a reply after
the week is not known yet) and check-ins, for the account and incident screens.

Like ``views``, plain read-only SQL on the calling thread's own connection.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.responsiveness import Reply
from ..domain.weeks import last_day


@dataclass(frozen=True, slots=True)
class Invoice:
    invoice_id: str
    issued_on: str
    due_on: str
    terms_days: int
    amount: float
    paid_on: str | None
    days_late: int
    """Days paid after due; for an invoice unpaid at the as-of week, days past due so far."""


def invoices(conn: sqlite3.Connection, buyer_id: str, week: int, limit: int = 26) -> list[Invoice]:
    """The buyer's invoices issued up to ``week``, newest first, as they stood then."""
    end = last_day(week)
    out = []
    for r in conn.execute(
        "SELECT invoice_id, issued_on, due_on, issued_day, due_day, amount, paid_on, paid_day"
        " FROM invoices WHERE buyer_id = ? AND issued_day <= ?"
        " ORDER BY issued_day DESC, invoice_id DESC LIMIT ?",
        (buyer_id, end, limit),
    ):
        paid = r[7] is not None and r[7] <= end
        settled = r[7] if paid else end
        out.append(
            Invoice(r[0], r[1], r[2], r[4] - r[3], r[5], r[6] if paid else None, settled - r[4])
        )
    return out


@dataclass(frozen=True, slots=True)
class Incident:
    incident_id: str
    buyer_id: str
    name: str
    opened_on: str
    age_days: int
    category: str
    severity: str
    status: str
    """open, unconfirmed (resolved, buyer has not confirmed) or confirmed, as of the week."""
    summary: str
    trust_level: int | None
    trust_incidents: int | None


def incidents(conn: sqlite3.Connection, week: int, buyer_id: str | None = None) -> list[Incident]:
    """Incidents opened up to ``week`` (one buyer's, or everyone's), newest first, each
    with its buyer's stored trust level that week (None if not listed then)."""
    end = last_day(week)
    where = "i.opened_day <= ?" + (" AND i.buyer_id = ?" if buyer_id else "")
    args: tuple = (week, end, buyer_id) if buyer_id else (week, end)
    out = []
    for r in conn.execute(
        "SELECT i.incident_id, i.buyer_id, b.name, i.opened_at, i.opened_day, i.category,"
        " i.severity, i.resolved_day, i.confirmed_day, i.summary, w.trust_level,"
        " w.trust_incidents FROM incidents i JOIN buyers b ON b.buyer_id = i.buyer_id"
        " LEFT JOIN weekly_scores w ON w.buyer_id = i.buyer_id AND w.week = ?"
        f" WHERE {where} ORDER BY i.opened_day DESC, i.incident_id",
        args,
    ):
        resolved = r[7] is not None and r[7] <= end
        confirmed = resolved and r[8] is not None and r[8] <= end
        status = "confirmed" if confirmed else "unconfirmed" if resolved else "open"
        out.append(
            Incident(
                r[0],
                r[1],
                r[2] or "",
                r[3][:10],
                end - r[4],
                r[5] or "quality",
                r[6] or "",
                status,
                r[9] or "",
                r[10],
                r[11],
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str
    level: str
    primary: bool
    started_on: str
    ended_on: str | None
    introduced: bool


def contacts(conn: sqlite3.Connection, buyer_id: str, week: int) -> list[Contact]:
    """The buyer's contacts known by ``week``: current ones first, primary on top."""
    end = last_day(week)
    rows = conn.execute(
        "SELECT name, role, level, is_primary, started_on, ended_on, introduced, ended_day"
        " FROM contacts WHERE buyer_id = ? AND (started_day IS NULL OR started_day <= ?)"
        " ORDER BY (ended_day IS NOT NULL AND ended_day <= ?), is_primary DESC, name",
        (buyer_id, end, end),
    ).fetchall()
    return [
        Contact(
            r[0],
            r[1] or "",
            r[2] or "",
            bool(r[3]),
            r[4] or "",
            r[5] if r[7] is not None and r[7] <= end else None,
            bool(r[6]) if r[6] is not None else True,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Touchpoint:
    at: str
    direction: str
    channel: str
    kind: str
    request_type: str
    reply_hours: float | None
    """Hours until the other side answered (buyer for outbound, us for inbound)."""
    note: str


def touchpoints(
    conn: sqlite3.Connection, buyer_id: str, week: int, limit: int = 15
) -> list[Touchpoint]:
    """The buyer's most recent touchpoints up to ``week``, newest first; a reply that
    came after the week is not known yet."""
    end = last_day(week)
    out = []
    for r in conn.execute(
        "SELECT at, direction, channel, kind, request_type, replied_at, note FROM touchpoints"
        " WHERE buyer_id = ? AND day <= ? ORDER BY day DESC, at DESC LIMIT ?",
        (buyer_id, end, limit),
    ):
        hours = _hours(r[0], r[5], end)
        out.append(
            Touchpoint(
                r[0][:16].replace("T", " "),
                r[1],
                r[2] or "",
                r[3] or "",
                r[4] or "",
                hours,
                r[6] or "",
            )
        )
    return out


def checkins(conn: sqlite3.Connection, buyer_id: str, week: int) -> tuple[str | None, list[int]]:
    """The buyer's start date and the days (ordinals) of its check-ins up to ``week``."""
    row = conn.execute("SELECT started_on FROM buyers WHERE buyer_id = ?", (buyer_id,)).fetchone()
    days = conn.execute(
        "SELECT day FROM touchpoints WHERE buyer_id = ? AND kind = 'check_in' AND day <= ?"
        " ORDER BY day",
        (buyer_id, last_day(week)),
    ).fetchall()
    return (row[0] if row else None), [d[0] for d in days]


def _hours(at: str, replied: str | None, end_day: int) -> float | None:
    if not replied:
        return None
    start, stop = (_aware(datetime.fromisoformat(x)) for x in (at, replied))
    if stop.toordinal() > end_day:
        return None
    return (stop - start).total_seconds() / 3600


def _aware(moment: datetime) -> datetime:
    """DATA.md: a datetime without a zone is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def incident_row(conn: sqlite3.Connection, incident_id: str) -> dict[str, str] | None:
    """A stored incident in DATA.md's columns (to re-import it with a change), or None."""
    names = ("incident_id", "buyer_id", "opened_at", "category", "severity", "summary",
             "resolved_at", "confirmed_at")  # fmt: skip
    row = conn.execute(
        f"SELECT {', '.join(names)} FROM incidents WHERE incident_id = ?", (incident_id,)
    ).fetchone()
    return None if row is None else dict(zip(names, row, strict=True))


def requests(conn: sqlite3.Connection, first_week: int, week: int) -> list[Reply]:
    """Buyers' requests (inbound touchpoints with a request type) in ``first_week`` …
    ``week``, with our reply time as known at the end of ``week``."""
    end = last_day(week)
    rows = conn.execute(
        "SELECT buyer_id, request_type, at, replied_at FROM touchpoints"
        " WHERE week BETWEEN ? AND ? AND direction = 'inbound'"
        " AND request_type IS NOT NULL AND request_type <> '' ORDER BY day, at",
        (first_week, week),
    ).fetchall()
    return [Reply(b, kind, at, _hours(at, replied, end)) for b, kind, at, replied in rows]
