"""Weekly activity per buyer, kept up to date by each import.

Scoring reads every buyer-week's sums (leads, revenue, accepted returns, outreach,
replies, last contact). Summing the event tables at every rescore would repeat the
same GROUP BYs; instead an import refreshes the weeks it touched, in its own
transaction, and scoring reads one compact table in key order.
"""

from __future__ import annotations

from sqlite_utils import Database

from ..domain.ledger import WEEKLY_SUMS

COLUMNS = (*WEEKLY_SUMS, "last_contact")

REFRESH = """
INSERT INTO weekly_activity (week, buyer_id, leads, revenue, cost, returned, outbound,
                             inbound, replies, reply_hours, last_contact)
SELECT week, buyer_id, SUM(leads), SUM(revenue), SUM(cost), SUM(returned), SUM(outbound),
       SUM(inbound), SUM(replies), SUM(reply_hours), MAX(last_contact)
FROM (
    SELECT week, buyer_id, leads, revenue, COALESCE(cost, 0) AS cost, 0 AS returned,
           0 AS outbound, 0 AS inbound, 0 AS replies, 0 AS reply_hours, 0 AS last_contact
      FROM deliveries WHERE week >= :w
    UNION ALL
    SELECT week, buyer_id, 0, 0, 0, leads, 0, 0, 0, 0, 0
      FROM returns WHERE counted = 1 AND week >= :w
    UNION ALL
    SELECT week, buyer_id, 0, 0, 0, 0, direction = 'outbound', direction = 'inbound', 0, 0,
           CASE WHEN direction = 'inbound' THEN day ELSE 0 END
      FROM touchpoints WHERE week >= :w
    UNION ALL
    SELECT reply_week, buyer_id, 0, 0, 0, 0, 0, 0, 1, reply_hours, reply_day
      FROM touchpoints WHERE direction = 'outbound' AND reply_week >= :w
)
GROUP BY week, buyer_id
"""


def refresh(db: Database, from_week: int) -> None:
    """Recompute the activity of every week from ``from_week`` on (inside the caller's
    transaction, so an import and its sums land together)."""
    db.execute("DELETE FROM weekly_activity WHERE week >= ?", (from_week,))
    db.execute(REFRESH, {"w": from_week})


def rows(db: Database, buyer_ids: list[str], first_week: int, last_week: int) -> list[tuple]:
    """``(row of the buyer in buyer_ids, week, *COLUMNS)`` for the weeks in range. The
    buyer's position comes from SQL (a keyed temp table, filled in its own committed
    step so no transaction is left open) so every value is a number. A deferred
    transaction (``Database.atomic``, not ``HealthDb``'s BEGIN IMMEDIATE): it writes
    only the connection's temp table, so it must not wait for another writer."""
    with Database.atomic(db):
        db.execute("CREATE TEMP TABLE IF NOT EXISTS buyer_row (buyer_id TEXT PRIMARY KEY, i INT)")
        db.execute("DELETE FROM buyer_row")
        db.conn.executemany(
            "INSERT INTO buyer_row VALUES (?, ?)", [(b, i) for i, b in enumerate(buyer_ids)]
        )
    return db.execute(
        f"SELECT r.i, a.week, {', '.join('a.' + c for c in COLUMNS)}"
        " FROM weekly_activity a JOIN buyer_row r ON r.buyer_id = a.buyer_id"
        " WHERE a.week BETWEEN ? AND ?",
        (first_week, last_week),
    ).fetchall()


def contact_before(db: Database, week: int) -> list[tuple[str, int]]:
    """Each buyer's last reply or inbound contact day before ``week``."""
    return db.execute(
        "SELECT buyer_id, MAX(last_contact) FROM weekly_activity"
        " WHERE week < ? AND last_contact > 0 GROUP BY buyer_id",
        (week,),
    ).fetchall()


def active_before(db: Database, week: int) -> list[tuple[str, int, int, str]]:
    """``(buyer, week, 0, '')`` for every buyer-week before ``week`` with leads."""
    return db.execute(
        "SELECT buyer_id, week, 0, '' FROM weekly_activity WHERE week < ? AND leads > 0"
        " ORDER BY buyer_id, week",
        (week,),
    ).fetchall()
