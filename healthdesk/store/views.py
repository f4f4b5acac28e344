"""The read-only SQL the console needs: one week's portfolio and one buyer's records.

The console reads stored ``weekly_scores`` (time travel is another ``WHERE week``),
so a screen costs a few indexed queries, never a rescore. These functions take a
plain ``sqlite3.Connection`` from ``connect``: the console only reads, and the lean
connection keeps sqlite-utils (and numpy, which it imports) off the first paint.
Each worker thread opens its own connection and closes it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from ..domain.weeks import last_day

SPARK_WEEKS = 18
OPEN_INTERVENTION = ("open", "in_progress")


def connect(path: Path) -> sqlite3.Connection:
    """A query-only connection for the calling thread (the CLI migrated the file)."""
    conn = sqlite3.connect(str(path), timeout=5.0)
    conn.execute("PRAGMA query_only = ON")
    return conn


class PortfolioRow(NamedTuple):
    """One buyer's stored score for a week, with last week's health and a sparkline.

    Field names match ``domain.report.BuyerReport`` where they mean the same, so the
    report's urgency order applies to these rows unchanged. A named tuple, because a
    week of 5,000 rows must be built in milliseconds.
    """

    buyer_id: str
    name: str
    owner: str
    vertical: str
    phase: str
    health: int
    health_change: int
    band: str
    components: tuple[int | None, ...]
    """Scores in ``COMPONENTS`` order; None where the component had no data."""
    spark: str
    """Comma-joined health of the last ``SPARK_WEEKS`` weeks (parse with ``spark_values``)."""
    trust_level: int
    trust_incidents: int
    revenue_13w: float
    revenue_share: float
    concentration: str
    warnings: tuple[str, ...]
    new_warnings: int
    interventions: int
    leads: float
    override: tuple[int, str, str] | None = None
    """A manager's health override in force: (computed health, reason, expires on);
    ``health`` and ``band`` are then the manager's."""


COMPONENTS = ("volume", "payment", "returns", "engagement", "satisfaction", "expansion")
_ROW_SQL = (
    "SELECT w.buyer_id, b.name, b.owner, b.vertical, w.phase, w.health,"
    " w.health - COALESCE(p.health, w.health), w.band, "
    + ", ".join(f"w.{c}" for c in COMPONENTS)
    + ", w.trust_level, w.trust_incidents, w.revenue_13w, w.share, w.concentration,"
    " w.warnings, w.leads, p.week IS NOT NULL, p.warnings,"
    # The sparkline: read from the (buyer_id, week, health) index, oldest week first.
    " (SELECT group_concat(health) FROM (SELECT s.health FROM weekly_scores s"
    "   WHERE s.buyer_id = w.buyer_id AND s.week BETWEEN w.week - ? AND w.week"
    "   ORDER BY s.week))"
    " FROM weekly_scores w JOIN buyers b ON b.buyer_id = w.buyer_id"
    " LEFT JOIN weekly_scores p ON p.buyer_id = w.buyer_id AND p.week = w.week - 1"
    " WHERE w.week = ?"
)


def spark_values(row: PortfolioRow) -> list[int]:
    """The row's sparkline as numbers, oldest first."""
    return [int(x) for x in row.spark.split(",")] if row.spark else []


def scored_weeks(conn: sqlite3.Connection) -> list[int]:
    """Every week with stored scores, oldest first: the range time travel moves in.

    One index seek per week (a recursive skip-scan): ``SELECT DISTINCT week`` would
    walk every stored row, 780,000 of them at 5,000 buyers × 156 weeks."""
    return [
        r[0]
        for r in conn.execute(
            "WITH RECURSIVE w(week) AS (SELECT MIN(week) FROM weekly_scores UNION ALL"
            " SELECT (SELECT MIN(week) FROM weekly_scores WHERE week > w.week) FROM w"
            " WHERE w.week IS NOT NULL) SELECT week FROM w WHERE week IS NOT NULL"
        )
    ]


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether ``name`` exists: a database from before the interventions migration
    (opened read-only, so not migrated) has none of those tables."""
    return bool(
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
    )


def open_interventions(conn: sqlite3.Connection) -> dict[str, int]:
    """Open or in-progress interventions per buyer; empty before that table exists."""
    if not _has_table(conn, "interventions"):
        return {}
    marks = ", ".join("?" * len(OPEN_INTERVENTION))
    return dict(
        conn.execute(
            "SELECT buyer_id, COUNT(*) FROM interventions"
            f" WHERE status IN ({marks}) GROUP BY buyer_id",
            OPEN_INTERVENTION,
        ).fetchall()
    )


def overrides(conn: sqlite3.Connection) -> list[tuple[str, int, str, int, str]]:
    """Every health override, oldest first, as (buyer_id, health, reason, week set,
    expires on); ``domain.interventions.Override.active`` says which apply to a week."""
    if not _has_table(conn, "overrides"):
        return []
    return conn.execute(
        "SELECT buyer_id, health, reason, week, expires_on FROM overrides ORDER BY id"
    ).fetchall()


def portfolio(conn: sqlite3.Connection, week: int) -> list[PortfolioRow]:
    """Every listed buyer's row for ``week`` (in no particular order)."""
    open_by_buyer = open_interventions(conn)
    n = len(COMPONENTS)
    make = PortfolioRow._make
    rows = []
    for r in conn.execute(_ROW_SQL, (SPARK_WEEKS - 1, week)):
        buyer_id = r[0]
        codes, leads, had_prev, old, spark = r[13 + n :]
        warnings = tuple(codes.split(",")) if codes else ()
        new = 0
        if warnings and had_prev:
            known = old.split(",") if old else ()
            new = sum(c not in known for c in warnings)
        rows.append(
            make(
                (
                    buyer_id,
                    r[1] or "",
                    r[2] or "",
                    r[3] or "",
                    *r[4:8],
                    r[8 : 8 + n],
                    spark or "",
                    *r[8 + n : 13 + n],
                    warnings,
                    new,
                    open_by_buyer.get(buyer_id, 0),
                    leads or 0.0,
                    None,
                )
            )
        )
    return rows


def history(conn: sqlite3.Connection, buyer_id: str, first: int, last: int) -> list[tuple]:
    """(week, health, *components, leads) of one buyer's stored weeks, oldest first."""
    return conn.execute(
        f"SELECT week, health, {', '.join(COMPONENTS)}, leads FROM weekly_scores"
        " WHERE buyer_id = ? AND week BETWEEN ? AND ? ORDER BY week",
        (buyer_id, first, last),
    ).fetchall()


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
