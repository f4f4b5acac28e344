"""Fill the scoring core's ``Ledger`` with one GROUP BY per table.

This is the set-based half of scoring: SQLite sums every buyer-week at once, and
numpy arrays are filled from the result rows in bulk; no per-buyer queries. The same
queries, narrowed to one buyer's keys, fill a one-buyer ledger for an explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def buyers(db: Database, buyer_id: str | None = None) -> list[Buyer]:
    """Every buyer (or just ``buyer_id``, if known), ordered by id: the row order of
    every ledger matrix."""
    rows = _Scope(buyer_id).rows(
        db,
        "SELECT buyer_id, name, started_on, vertical, owner, payment_terms_days,"
        " contracted_weekly_leads, gross_margin, status, churned_on"
        " FROM buyers WHERE {where} ORDER BY buyer_id",
    )
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


def tenures(db: Database) -> list[tuple[str, date, date | None]]:
    """Every buyer's id, start and churn date, ordered by id: all one buyer's explanation
    needs of the others (the book's churn, the order revenue is summed in), without
    reading the names and terms of thousands of accounts."""
    return [
        (r[0], date.fromisoformat(r[1]), date.fromisoformat(r[2]) if r[2] else None)
        for r in db.execute("SELECT buyer_id, started_on, churned_on FROM buyers ORDER BY buyer_id")
    ]


def verticals(db: Database) -> list[str]:
    """Every vertical named by a buyer, sorted (segments of the config must name one)."""
    rows = db.execute("SELECT DISTINCT vertical FROM buyers WHERE vertical <> '' ORDER BY 1")
    return [r[0] for r in rows]


def week_span(db: Database) -> tuple[int, int] | None:
    """First and last week with any delivery, return, touchpoint or invoice; None when
    empty. Each bound is its own lone MIN or MAX, which SQLite answers with one seek on
    a key or index (``weekly_activity``'s key, ``invoices``' issued_day index); both in
    one SELECT, or on an expression, would scan the table."""
    row = db.execute(
        "SELECT MIN(lo), MAX(hi) FROM ("
        " SELECT (SELECT MIN(week) FROM weekly_activity) lo,"
        " (SELECT MAX(week) FROM weekly_activity) hi"
        " UNION ALL SELECT (SELECT (MIN(issued_day) - 1) / 7 FROM invoices),"
        " (SELECT (MAX(issued_day) - 1) / 7 FROM invoices))"
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


WEEKS = "WITH RECURSIVE w(week) AS (SELECT {lo} UNION ALL SELECT week + 1 FROM w WHERE week < :hi)"
ONE_BUYER_ACTIVITY = (
    " FROM w CROSS JOIN weekly_activity a ON a.week = w.week AND a.buyer_id = :buyer"
)
"""One key lookup per week: ``weekly_activity``'s key leads with the week, so a plain
``buyer_id = ?`` filter would scan every buyer's rows of the weeks in range."""


@dataclass(frozen=True)
class _Scope:
    """Whose rows a load reads: every buyer's (``buyer_id`` None) or one buyer's."""

    buyer_id: str | None

    @property
    def where(self) -> str:
        """The SQL predicate selecting the scope's rows (answered by a buyer key)."""
        return "1" if self.buyer_id is None else "buyer_id = :buyer"

    def rows(self, db: Database, sql: str, params: dict | None = None) -> list[tuple]:
        """Run ``sql`` with ``{where}`` filled in for this scope."""
        return db.execute(
            sql.format(where=self.where), {"buyer": self.buyer_id, **(params or {})}
        ).fetchall()

    def activity(
        self, db: Database, people: list[Buyer], first_week: int, last_week: int
    ) -> list[tuple]:
        """``activity.rows`` for this scope."""
        if self.buyer_id is None:
            return activity.rows(db, [b.buyer_id for b in people], first_week, last_week)
        return self.rows(
            db,
            WEEKS.format(lo=":lo")
            + f" SELECT 0, a.week, {', '.join('a.' + c for c in activity.COLUMNS)}"
            + ONE_BUYER_ACTIVITY,
            {"lo": first_week, "hi": last_week},
        )

    def active_before(self, db: Database, week: int) -> list[tuple[str, int, int, str]]:
        """``(buyer, week, 0, '')`` for every week before ``week`` with leads: the
        history the buyer's rhythm reads from outside the loaded weeks."""
        if self.buyer_id is None:
            return activity.active_before(db, week)
        return self.rows(
            db,
            WEEKS.format(lo="(SELECT MIN(week) FROM weekly_activity)")
            + " SELECT :buyer, a.week, 0, ''"
            + ONE_BUYER_ACTIVITY
            + " WHERE a.week < :hi AND a.leads > 0 ORDER BY a.week",
            {"hi": week},
        )

    def contact_before(self, db: Database, week: int) -> list[tuple[str, int]]:
        """``activity.contact_before`` for this scope."""
        if self.buyer_id is None:
            return activity.contact_before(db, week)
        return self.rows(
            db,
            WEEKS.format(lo="(SELECT MIN(week) FROM weekly_activity)")
            + " SELECT :buyer, MAX(a.last_contact)"
            + ONE_BUYER_ACTIVITY
            + " WHERE a.week < :hi AND a.last_contact > 0 GROUP BY a.buyer_id",
            {"hi": week},
        )


def load(db: Database, first_week: int, last_week: int, buyer_id: str | None = None) -> Ledger:
    """The ledger for weeks ``first_week..last_week`` (events: all that can matter).

    With ``buyer_id``, that buyer's rows only (``KeyError`` for an unknown buyer), read
    through each table's buyer index. Every query orders its rows
    fully, so a buyer's rows come in the same relative order either way and every tie
    the scoring core breaks by position breaks the same.
    """
    scope = _Scope(buyer_id)
    people = buyers(db, buyer_id)
    if buyer_id is not None and not people:
        raise KeyError(buyer_id)
    index = {b.buyer_id: i for i, b in enumerate(people)}
    n, weeks = len(people), last_week - first_week + 1
    weekly = Weekly.zeros(n, weeks)
    _fill(
        scope.activity(db, people, first_week, last_week),
        first_week,
        [getattr(weekly, name) for name in activity.COLUMNS],
    )
    return Ledger(
        buyers=people,
        first_week=first_week,
        last_week=last_week,
        weekly=weekly,
        first_active=_first_active(db, scope, index, n),
        contact_before=_contact_before(db, scope, index, n, first_week),
        invoices=_invoices(db, scope, index, first_week),
        incidents=_incidents(db, scope, index),
        contacts=_contacts(db, scope, index),
        touch_events={kind: _touch_events(db, scope, index, kind) for kind in EVENT_KINDS},
        surveys=_events(
            index,
            scope.rows(
                db, "SELECT buyer_id, day, score, '' FROM surveys WHERE {where} ORDER BY rowid"
            ),
        ),
        new_products=_events(
            index,
            scope.rows(
                db,
                "SELECT buyer_id, first_day, 0, product FROM buyer_products WHERE {where}"
                " ORDER BY rowid",
            ),
        ),
        active_before=_events(index, scope.active_before(db, first_week)),
    )


def _first_active(db: Database, scope: _Scope, index: dict[str, int], n: int) -> np.ndarray:
    out = np.full(n, np.iinfo(np.int64).max // 2, dtype=np.int64)
    rows = scope.rows(
        db, "SELECT buyer_id, MIN(first_day) FROM buyer_products WHERE {where} GROUP BY buyer_id"
    )
    for buyer_id, day in rows:
        out[index[buyer_id]] = week_of_day(day)
    return out


def _contact_before(
    db: Database, scope: _Scope, index: dict[str, int], n: int, first_week: int
) -> np.ndarray:
    """Last day the buyer spoke to us (inbound or a reply) before the loaded weeks."""
    out = np.zeros(n, dtype=np.int64)
    for buyer_id, day in scope.contact_before(db, first_week):
        out[index[buyer_id]] = day
    return out


def _invoices(db: Database, scope: _Scope, index: dict[str, int], first_week: int) -> Invoices:
    """Invoices the loaded weeks can read: due or paid from the first loaded week on,
    or unpaid (the loaded weeks already include every window's lookback)."""
    horizon = monday(first_week).toordinal()
    rows = scope.rows(
        db,
        "SELECT buyer_id, invoice_id, issued_day, due_day, COALESCE(paid_day, :none), amount"
        " FROM invoices WHERE (due_day >= :h OR paid_day IS NULL OR paid_day >= :h)"
        " AND {where} ORDER BY rowid",
        {"h": horizon, "none": NO_DAY},
    )
    cols = list(zip(*rows, strict=True)) or [()] * 6
    return Invoices(
        buyer=_ids(index, cols[0]),
        invoice_id=list(cols[1]),
        issued=np.asarray(cols[2], dtype=np.int64),
        due=np.asarray(cols[3], dtype=np.int64),
        paid=np.asarray(cols[4], dtype=np.int64),
        amount=np.asarray(cols[5], dtype=float),
    )


def _incidents(db: Database, scope: _Scope, index: dict[str, int]) -> Incidents:
    rows = scope.rows(
        db,
        "SELECT buyer_id, incident_id, opened_day, COALESCE(resolved_day, :n),"
        " COALESCE(confirmed_day, :n), COALESCE(summary, '') FROM incidents WHERE {where}"
        " ORDER BY opened_day, rowid",
        {"n": NO_DAY},
    )
    cols = list(zip(*rows, strict=True)) or [()] * 6
    return Incidents(
        buyer=_ids(index, cols[0]),
        incident_id=list(cols[1]),
        opened=np.asarray(cols[2], dtype=np.int64),
        resolved=np.asarray(cols[3], dtype=np.int64),
        confirmed=np.asarray(cols[4], dtype=np.int64),
        summary=list(cols[5]),
    )


def _contacts(db: Database, scope: _Scope, index: dict[str, int]) -> Contacts:
    rows = scope.rows(
        db,
        "SELECT buyer_id, name, is_primary, COALESCE(started_day, 0), COALESCE(ended_day, :n),"
        " introduced FROM contacts WHERE {where} ORDER BY buyer_id, started_day, name",
        {"n": NO_DAY},
    )
    cols = list(zip(*rows, strict=True)) or [()] * 6
    return Contacts(
        buyer=_ids(index, cols[0]),
        name=list(cols[1]),
        primary=np.asarray(cols[2], dtype=bool),
        started=np.asarray(cols[3], dtype=np.int64),
        ended=np.asarray(cols[4], dtype=np.int64),
        introduced=np.asarray(cols[5], dtype=bool),
    )


def _touch_events(db: Database, scope: _Scope, index: dict[str, int], kind: str) -> Events:
    """One kind's events; for one buyer ``+kind`` keeps SQLite on the buyer key rather
    than the kind index (which would read every buyer's events of that kind)."""
    column = "kind" if scope.buyer_id is None else "+kind"
    rows = scope.rows(
        db,
        f"SELECT buyer_id, day, 0, note FROM touchpoints WHERE {column} = :kind AND {{where}}"
        " ORDER BY day, rowid",
        {"kind": kind},
    )
    return _events(index, rows)
