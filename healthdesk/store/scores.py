"""Stored weekly scores: history and trends are a read, not a recompute.

Whether they can be trusted is recorded beside them in ``meta``: every import bumps
``data_version`` and lowers ``stale_from`` (the first week it touched) in its own
transaction; ``mark_scored`` clears ``stale_from`` once a rescore that started from
that version has landed. A process killed between the two leaves ``stale_from`` set,
and every reader rescores before it answers (``engine.ensure_scored``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sqlite_utils import Database

from ..domain.lifecycle import PHASES
from ..domain.scoring import BANDS, COMPONENTS, CONCENTRATION, WeekScores
from ..domain.signals import CODES
from . import views

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
    "cap_limit",
    "confidence",
)
INSERT = (
    f"INSERT INTO weekly_scores ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
)
"""A plain INSERT: ``save`` deletes the weeks it writes first, and skipping the
conflict check is a fifth of the write time at 700,000 rows."""


def _ints_or_none(values: np.ndarray) -> list[int | None]:
    """Rounded ints with None for NaN, built in bulk (this runs for every buyer-week)."""
    missing = np.isnan(values)
    out: list[int | None] = np.rint(np.where(missing, 0, values)).astype(int).tolist()
    for i in np.flatnonzero(missing).tolist():
        out[i] = None
    return out


def _warning_texts(s: WeekScores, rows: np.ndarray) -> list[str]:
    """Comma-joined codes per buyer, via one bitmask so each distinct set is joined once."""
    bits = np.zeros(rows.size, dtype=np.int64)
    for i, code in enumerate(CODES):
        bits |= s.signals.flags[code][rows].astype(np.int64) << i
    texts = {m: ",".join(c for i, c in enumerate(CODES) if m >> i & 1) for m in set(bits.tolist())}
    return [texts[m] for m in bits.tolist()]


def _rows(ids: list[str], s: WeekScores) -> Iterable[tuple]:
    """One tuple per listed buyer, built column-wise (lists, not per-row numpy reads)."""
    rows = np.flatnonzero(s.listed)
    return zip(
        [ids[b] for b in rows.tolist()],
        [s.week] * len(rows),
        s.health[rows].astype(int).tolist(),
        [BANDS[x] for x in s.band[rows].tolist()],
        *(_ints_or_none(s.scores[c].score[rows]) for c in COMPONENTS),
        s.trust_incidents[rows].tolist(),
        s.trust_level[rows].tolist(),
        np.round(s.revenue[rows], 2).tolist(),
        np.round(s.share[rows], 6).tolist(),
        [CONCENTRATION[x] for x in s.concentration[rows].tolist()],
        [PHASES[x] for x in s.phase[rows].tolist()],
        _warning_texts(s, rows),
        s.leads[rows].tolist(),
        np.round(s.cap_limit[rows], 2).tolist(),
        np.round(s.scores["volume"].inputs["reliability"][rows], 4).tolist(),
        strict=True,
    )


def save(
    db: Database,
    ids: list[str],
    first_week: int,
    weeks: Iterable[WeekScores],
    fingerprint: str,
    settings: str,
    recorded_at: str,
) -> int:
    """Replace the stored scores from ``first_week`` on in one transaction; rows written.
    A config not seen before is recorded (``settings`` as TOML, ``recorded_at`` when,
    and the latest week scored) in the same transaction."""
    written = 0
    last_week = first_week
    with db.atomic():
        stored = db.execute("SELECT MIN(week) FROM weekly_scores").fetchone()[0]
        if stored is not None and first_week <= stored:
            db.execute("DELETE FROM weekly_scores")
        else:
            db.execute("DELETE FROM weekly_scores WHERE week >= ?", (first_week,))
        for s in weeks:
            cursor = db.conn.executemany(INSERT, _rows(ids, s))
            written += cursor.rowcount
            last_week = s.week
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('scored_with', ?)", (fingerprint,)
        )
        db.execute(
            "INSERT OR IGNORE INTO scoring_configs (fingerprint, settings, took_effect_at, week)"
            " VALUES (?, ?, ?, ?)",
            (fingerprint, settings, recorded_at, last_week),
        )
    return written


def config_history(db: Database) -> list[tuple[int, str, str, int, str]]:
    """Every scoring config used, oldest first: (id, fingerprint, when, week, TOML)."""
    return db.execute(
        "SELECT id, fingerprint, took_effect_at, week, settings FROM scoring_configs ORDER BY id"
    ).fetchall()


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


def revenue(db: Database, week: int) -> dict[str, float]:
    """Each buyer's stored 13-week revenue as of ``week`` (``views.revenue``, the one query)."""
    return views.revenue(db.conn, week)


def mark_stale(db: Database, from_week: int) -> None:
    """Record, inside the caller's (import's) transaction, that the data changed from
    ``from_week`` on and the stored scores no longer match it."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('data_version', '1') ON CONFLICT (key)"
        " DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
    )
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('stale_from', ?) ON CONFLICT (key)"
        " DO UPDATE SET value = CAST(MIN(CAST(value AS INTEGER),"
        " CAST(excluded.value AS INTEGER)) AS TEXT)",
        (str(from_week),),
    )


def data_version(db: Database) -> int:
    """How many imports the data has had (read before scoring starts)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def stale_from(db: Database) -> int | None:
    """The first week whose stored scores do not match the data, None if they all do."""
    row = db.execute("SELECT value FROM meta WHERE key = 'stale_from'").fetchone()
    return int(row[0]) if row else None


def mark_scored(db: Database, version: int) -> bool:
    """The scores now match the data as of ``version``: clear the stale mark unless an
    import landed meanwhile (its mark stays, so the next reader rescores). True if
    cleared."""
    with db.atomic():
        if data_version(db) != version:
            return False
        db.execute("DELETE FROM meta WHERE key = 'stale_from'")
    return True


def week_range(db: Database) -> tuple[int, int] | None:
    """The first and last week with stored scores (two seeks on the key)."""
    row = db.execute(
        "SELECT (SELECT MIN(week) FROM weekly_scores), (SELECT MAX(week) FROM weekly_scores)"
    ).fetchone()
    return None if row[0] is None else (row[0], row[1])
