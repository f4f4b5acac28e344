"""Stored weekly scores: history and trends are a read, not a recompute."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sqlite_utils import Database

from ..domain.lifecycle import PHASES
from ..domain.scoring import BANDS, COMPONENTS, CONCENTRATION, WeekScores
from ..domain.signals import CODES

COLUMNS = (
    "buyer_id",
    "week",
    "health",
    "band",
    *COMPONENTS,
    "trust_incidents",
    "trust_level",
    "revenue_13w",
    "share",
    "concentration",
    "phase",
    "warnings",
    "leads",
)
INSERT = (
    f"INSERT OR REPLACE INTO weekly_scores ({', '.join(COLUMNS)})"
    f" VALUES ({', '.join('?' * len(COLUMNS))})"
)


def _rows(ids: list[str], s: WeekScores) -> Iterable[tuple]:
    """One tuple per listed buyer, built column-wise (lists, not per-row numpy reads)."""
    rows = np.flatnonzero(s.listed)
    comps = [
        [None if np.isnan(x) else round(x) for x in s.scores[c].score[rows].tolist()]
        for c in COMPONENTS
    ]
    flags = np.stack([s.signals.flags[c][rows] for c in CODES], axis=1).tolist()
    warnings = [",".join(c for c, on in zip(CODES, f, strict=True) if on) for f in flags]
    return zip(
        [ids[b] for b in rows.tolist()],
        [s.week] * len(rows),
        s.health[rows].astype(int).tolist(),
        [BANDS[x] for x in s.band[rows].tolist()],
        *comps,
        s.trust_incidents[rows].tolist(),
        s.trust_level[rows].tolist(),
        np.round(s.revenue[rows], 2).tolist(),
        np.round(s.share[rows], 6).tolist(),
        [CONCENTRATION[x] for x in s.concentration[rows].tolist()],
        [PHASES[x] for x in s.phase[rows].tolist()],
        warnings,
        s.leads[rows].tolist(),
        strict=True,
    )


def save(db: Database, ids: list[str], weeks: Iterable[WeekScores], fingerprint: str) -> int:
    """Replace the stored scores of the given weeks in one transaction; rows written."""
    written = 0
    with db.atomic():
        for s in weeks:
            db.execute("DELETE FROM weekly_scores WHERE week = ?", (s.week,))
            cursor = db.conn.executemany(INSERT, _rows(ids, s))
            written += cursor.rowcount
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('scored_with', ?)", (fingerprint,)
        )
    return written


def fingerprint(db: Database) -> str | None:
    """The config fingerprint the stored scores were computed with, if any."""
    row = db.execute("SELECT value FROM meta WHERE key = 'scored_with'").fetchone()
    return row[0] if row else None


def scored_weeks(db: Database) -> list[int]:
    """Every week with stored scores, oldest first."""
    return [r[0] for r in db.execute("SELECT DISTINCT week FROM weekly_scores ORDER BY week")]


def history(db: Database, buyer_id: str, first_week: int, last_week: int) -> list[dict]:
    """A buyer's stored weekly rows between two weeks, oldest first."""
    cursor = db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM weekly_scores"
        " WHERE buyer_id = ? AND week BETWEEN ? AND ? ORDER BY week",
        (buyer_id, first_week, last_week),
    )
    return [dict(zip(COLUMNS, row, strict=True)) for row in cursor]


def health_series(
    db: Database, first_week: int, last_week: int
) -> dict[str, list[tuple[int, int]]]:
    """Every buyer's (week, health) pairs in a range: the portfolio sparklines in one query."""
    out: dict[str, list[tuple[int, int]]] = {}
    for buyer_id, week, health in db.execute(
        "SELECT buyer_id, week, health FROM weekly_scores WHERE week BETWEEN ? AND ?"
        " ORDER BY buyer_id, week",
        (first_week, last_week),
    ):
        out.setdefault(buyer_id, []).append((week, health))
    return out
