"""Fill the scoring core's ``Ledger`` with one GROUP BY per table.

This is the set-based half of scoring: SQLite sums every buyer-week at once, and
numpy arrays are filled from the result rows in bulk; no per-buyer queries.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlite_utils import Database

from ..domain.ledger import (
    NO_DAY,
    Buyer,
    Contacts,
    Events,
    Incidents,
    Invoices,
    Ledger,
    Weekly,
)
from ..domain.weeks import monday, week_of_day
from . import activity

EVENT_KINDS = ("complaint", "escalation", "competitor_mention", "new_contact", "check_in")


def buyers(db: Database) -> list[Buyer]:
    """Every buyer, ordered by id (the row order of every ledger matrix)."""
    rows = db.execute(
        "SELECT buyer_id, name, started_on, vertical, owner, payment_terms_days,"
        " contracted_weekly_leads, gross_margin, status, churned_on"
        " FROM buyers ORDER BY buyer_id"
    ).fetchall()
    return [
        Buyer(
            buyer_id=r[0],
            name=r[1],
            started_on=date.fromisoformat(r[2]),
            vertical=r[3] or "",
            owner=r[4] or "",
            payment_terms_days=r[5] if r[5] is not None else 15,
            contracted_weekly_leads=r[6],
            gross_margin=r[7],
            status=r[8] or "active",
            churned_on=date.fromisoformat(r[9]) if r[9] else None,
        )
        for r in rows
    ]


def week_span(db: Database) -> tuple[int, int] | None:
    """First and last week with any delivery, return, touchpoint or invoice; None when
    empty (the activity table's key answers the first three without a scan)."""
    row = db.execute(
        "SELECT MIN(lo), MAX(hi) FROM ("
        " SELECT MIN(week) lo, MAX(week) hi FROM weekly_activity"
        " UNION ALL SELECT MIN((issued_day - 1) / 7), MAX((issued_day - 1) / 7) FROM invoices)"
    ).fetchone()
    return None if row[0] is None else (int(row[0]), int(row[1]))


def _fill(rows: list[tuple], first_week: int, targets: list) -> None:
    """Scatter all-numeric rows ``(buyer row, week, v1, v2…)`` into matrices: one C-level
    conversion of the whole result, no per-value Python work."""
    if not rows:
        return
    data = np.array(rows, dtype=np.float64)
    b = data[:, 0].astype(np.int64)
    w = data[:, 1].astype(np.int64) - first_week
    for k, matrix in enumerate(targets, start=2):
        matrix[b, w] = data[:, k]


def _ids(index: dict[str, int], values: tuple) -> np.ndarray:
    return np.fromiter((index[x] for x in values), dtype=np.int64, count=len(values))


def _events(index: dict[str, int], rows: list[tuple]) -> Events:
    cols = list(zip(*rows, strict=True)) or [(), (), (), ()]
    return Events(
        buyer=_ids(index, cols[0]),
        day=np.asarray(cols[1], dtype=np.int64),
        value=np.asarray(cols[2], dtype=float),
        text=[t or "" for t in cols[3]],
    )


def load(db: Database, first_week: int, last_week: int) -> Ledger:
    """The ledger for weeks ``first_week..last_week`` (events: all that can matter)."""
    people = buyers(db)
    index = {b.buyer_id: i for i, b in enumerate(people)}
    n, weeks = len(people), last_week - first_week + 1
    weekly = Weekly.zeros(n, weeks)
    _fill(
        activity.rows(db, [b.buyer_id for b in people], first_week, last_week),
        first_week,
        [getattr(weekly, name) for name in activity.COLUMNS],
    )
    return Ledger(
        buyers=people,
        first_week=first_week,
        last_week=last_week,
        weekly=weekly,
        first_active=_first_active(db, index, n),
        contact_before=_contact_before(db, index, n, first_week),
        invoices=_invoices(db, index, first_week),
        incidents=_incidents(db, index),
        contacts=_contacts(db, index),
        touch_events={kind: _touch_events(db, index, kind) for kind in EVENT_KINDS},
        surveys=_events(
            index, db.execute("SELECT buyer_id, day, score, '' FROM surveys").fetchall()
        ),
        new_products=_events(
            index,
            db.execute("SELECT buyer_id, first_day, 0, product FROM buyer_products").fetchall(),
        ),
    )


def _first_active(db: Database, index: dict[str, int], n: int) -> np.ndarray:
    out = np.full(n, np.iinfo(np.int64).max // 2, dtype=np.int64)
    rows = db.execute("SELECT buyer_id, MIN(first_day) FROM buyer_products GROUP BY buyer_id")
    for buyer_id, day in rows:
        out[index[buyer_id]] = week_of_day(day)
    return out


def _contact_before(db: Database, index: dict[str, int], n: int, first_week: int) -> np.ndarray:
    """Last day the buyer spoke to us (inbound or a reply) before the loaded weeks."""
    out = np.zeros(n, dtype=np.int64)
    for buyer_id, day in activity.contact_before(db, first_week):
        out[index[buyer_id]] = day
    return out


def _invoices(db: Database, index: dict[str, int], first_week: int) -> Invoices:
    """Invoices the loaded weeks can read: due or paid from the first loaded week on,
    or unpaid (the loaded weeks already include every window's lookback)."""
    horizon = monday(first_week).toordinal()
    rows = db.execute(
        "SELECT buyer_id, invoice_id, issued_day, due_day, COALESCE(paid_day, :none), amount"
        " FROM invoices WHERE due_day >= :h OR paid_day IS NULL OR paid_day >= :h",
        {"h": horizon, "none": NO_DAY},
    ).fetchall()
    cols = list(zip(*rows, strict=True)) or [()] * 6
    return Invoices(
        buyer=_ids(index, cols[0]),
        invoice_id=list(cols[1]),
        issued=np.asarray(cols[2], dtype=np.int64),
        due=np.asarray(cols[3], dtype=np.int64),
        paid=np.asarray(cols[4], dtype=np.int64),
        amount=np.asarray(cols[5], dtype=float),
    )


def _incidents(db: Database, index: dict[str, int]) -> Incidents:
    rows = db.execute(
        "SELECT buyer_id, incident_id, opened_day, COALESCE(resolved_day, :n),"
        " COALESCE(confirmed_day, :n), COALESCE(summary, '') FROM incidents ORDER BY opened_day",
        {"n": NO_DAY},
    ).fetchall()
    cols = list(zip(*rows, strict=True)) or [()] * 6
    return Incidents(
        buyer=_ids(index, cols[0]),
        incident_id=list(cols[1]),
        opened=np.asarray(cols[2], dtype=np.int64),
        resolved=np.asarray(cols[3], dtype=np.int64),
        confirmed=np.asarray(cols[4], dtype=np.int64),
        summary=list(cols[5]),
    )


def _contacts(db: Database, index: dict[str, int]) -> Contacts:
    rows = db.execute(
        "SELECT buyer_id, name, is_primary, COALESCE(started_day, 0), COALESCE(ended_day, :n),"
        " introduced FROM contacts ORDER BY buyer_id, started_day",
        {"n": NO_DAY},
    ).fetchall()
    cols = list(zip(*rows, strict=True)) or [()] * 6
    return Contacts(
        buyer=_ids(index, cols[0]),
        name=list(cols[1]),
        primary=np.asarray(cols[2], dtype=bool),
        started=np.asarray(cols[3], dtype=np.int64),
        ended=np.asarray(cols[4], dtype=np.int64),
        introduced=np.asarray(cols[5], dtype=bool),
    )


def _touch_events(db: Database, index: dict[str, int], kind: str) -> Events:
    rows = db.execute(
        "SELECT buyer_id, day, 0, note FROM touchpoints WHERE kind = ? ORDER BY day", (kind,)
    ).fetchall()
    return _events(index, rows)
