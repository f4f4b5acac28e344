"""What a backtest reads: stored weekly scores, and who took leads when.

Stored scores are a read, so a backtest over years of a 5,000-buyer book takes
seconds; every score it grades was computed from history up to its own week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlite_utils import Database

from ..domain.ledger import Floats, Ints
from ..domain.scoring import COMPONENTS


@dataclass
class StoredWeek:
    """One week's stored scores: rows are buyers (``rows`` into ``Activity.buyer_ids``)."""

    week: int
    rows: Ints
    health: Floats
    components: dict[str, Floats]
    cap_limit: Floats
    confidence: Floats


@dataclass
class Activity:
    """Every buyer-week with leads (how many, the last delivery day), and churn days."""

    buyer_ids: list[str]
    churned_on: Ints
    buyer: Ints
    week: Ints
    leads: Floats
    last_day: Ints


def activity(db: Database) -> Activity:
    """Each buyer-week with leads and its last delivery day; churn days (or a far day)."""
    people = db.execute("SELECT buyer_id, churned_on FROM buyers ORDER BY buyer_id").fetchall()
    index = {b: i for i, (b, _) in enumerate(people)}
    churned = np.array(
        [date.fromisoformat(c).toordinal() if c else 10**7 for _, c in people], dtype=np.int64
    )
    rows = db.execute(
        "SELECT buyer_id, week, SUM(leads), MAX(day) FROM deliveries WHERE leads > 0"
        " GROUP BY buyer_id, week"
    ).fetchall()
    cols = list(zip(*rows, strict=True)) or [(), (), (), ()]
    return Activity(
        buyer_ids=[b for b, _ in people],
        churned_on=churned,
        buyer=np.fromiter((index[b] for b in cols[0]), dtype=np.int64, count=len(cols[0])),
        week=np.asarray(cols[1], dtype=np.int64),
        leads=np.asarray(cols[2], dtype=float),
        last_day=np.asarray(cols[3], dtype=np.int64),
    )


def stored_weeks(db: Database, weeks: list[int], buyer_ids: list[str]) -> list[StoredWeek]:
    """The stored scores of ``weeks`` (those scored), oldest first."""
    index = {b: i for i, b in enumerate(buyer_ids)}
    out: list[StoredWeek] = []
    sql = (
        f"SELECT buyer_id, health, {', '.join(COMPONENTS)}, cap_limit, confidence"
        " FROM weekly_scores"
        " WHERE week = ? ORDER BY buyer_id"
    )
    for week in weeks:
        rows = db.execute(sql, (week,)).fetchall()
        if not rows:
            continue
        cols = list(zip(*rows, strict=True))
        out.append(
            StoredWeek(
                week=week,
                rows=np.fromiter((index[b] for b in cols[0]), dtype=np.int64, count=len(rows)),
                health=np.asarray(cols[1], dtype=float),
                components={
                    c: np.array([np.nan if v is None else v for v in cols[2 + k]], dtype=float)
                    for k, c in enumerate(COMPONENTS)
                },
                cap_limit=np.array(
                    [100.0 if v is None else v for v in cols[2 + len(COMPONENTS)]], dtype=float
                ),
                confidence=np.array(
                    [1.0 if v is None else v for v in cols[3 + len(COMPONENTS)]], dtype=float
                ),
            )
        )
    return out
