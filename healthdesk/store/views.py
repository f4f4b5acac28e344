"""The read-only SQL the console needs: one week's portfolio and a buyer's history
(one buyer's records as of a week are in ``store.records``).

The console reads stored ``weekly_scores`` (time travel is another ``WHERE week``),
so a screen costs a few indexed queries, never a rescore. These functions take a
plain ``sqlite3.Connection`` from ``connect``: the console only reads, and the lean
connection keeps sqlite-utils (and numpy, which it imports) off the first paint.
Each worker thread opens its own connection and closes it.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import NamedTuple

from ..domain.interventions import ACTIVE, Override
from ..domain.scoring import COMPONENTS
from ..domain.weeks import monday

SPARK_WEEKS = 18


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
    overdue: int = 0
    """Of ``interventions``, those due before the week's Monday (``Task.overdue``)."""


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


def open_interventions(conn: sqlite3.Connection, week: int) -> dict[str, tuple[int, int]]:
    """Open or in-progress interventions per buyer, and how many of them were due
    before ``week``'s Monday (overdue); empty before that table exists."""
    if not _has_table(conn, "interventions"):
        return {}
    marks = ", ".join("?" * len(ACTIVE))
    rows = conn.execute(
        "SELECT buyer_id, COUNT(*), SUM(due_on IS NOT NULL AND due_on < ?) FROM interventions"
        f" WHERE status IN ({marks}) GROUP BY buyer_id",
        (monday(week).isoformat(), *ACTIVE),
    ).fetchall()
    return {b: (n, late or 0) for b, n, late in rows}


def overrides(conn: sqlite3.Connection) -> list[Override]:
    """Every health override, oldest first; ``Override.active`` says which apply to a
    week. The one reading of the table, for the console's plain connection and the
    engine's (``store.interventions.overrides``) alike."""
    if not _has_table(conn, "overrides"):
        return []
    return [
        Override(buyer_id, health, reason, week, date.fromisoformat(expires_on))
        for buyer_id, health, reason, week, expires_on in conn.execute(
            "SELECT buyer_id, health, reason, week, expires_on FROM overrides ORDER BY id"
        )
    ]


def portfolio(conn: sqlite3.Connection, week: int) -> list[PortfolioRow]:
    """Every listed buyer's row for ``week`` (in no particular order)."""
    open_by_buyer = open_interventions(conn, week)
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
                    open_by_buyer.get(buyer_id, (0, 0))[0],
                    leads or 0.0,
                    None,
                    open_by_buyer.get(buyer_id, (0, 0))[1],
                )
            )
        )
    return rows


def revenue(conn: sqlite3.Connection, week: int) -> dict[str, float]:
    """Each buyer's stored 13-week revenue as of ``week`` (NRR compares a year back)."""
    cursor = conn.execute("SELECT buyer_id, revenue_13w FROM weekly_scores WHERE week = ?", (week,))
    return dict(cursor.fetchall())


def history(conn: sqlite3.Connection, buyer_id: str, first: int, last: int) -> list[tuple]:
    """(week, health, *components, leads) of one buyer's stored weeks, oldest first."""
    return conn.execute(
        f"SELECT week, health, {', '.join(COMPONENTS)}, leads FROM weekly_scores"
        " WHERE buyer_id = ? AND week BETWEEN ? AND ? ORDER BY week",
        (buyer_id, first, last),
    ).fetchall()
