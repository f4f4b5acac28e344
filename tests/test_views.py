"""The console's read queries against a real sample database: the fast SQL must say
exactly what the plain SQL says."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_interventions_support import db_copy, sample_path  # noqa: F401  (fixtures)

from healthdesk.store import views


def _plain_sparks(conn: sqlite3.Connection, week: int) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for buyer_id, health in conn.execute(
        "SELECT buyer_id, health FROM weekly_scores WHERE week BETWEEN ? AND ?"
        " ORDER BY buyer_id, week",
        (week - views.SPARK_WEEKS + 1, week),
    ):
        out.setdefault(buyer_id, []).append(health)
    return out


def test_scored_weeks_match_a_full_scan_even_with_a_gap(db_copy: Path) -> None:
    conn = sqlite3.connect(db_copy)
    weeks = [r[0] for r in conn.execute("SELECT DISTINCT week FROM weekly_scores ORDER BY 1")]
    gap = weeks[40]
    conn.execute("DELETE FROM weekly_scores WHERE week = ?", (gap,))
    conn.commit()
    found = views.scored_weeks(views.connect(db_copy))
    assert found == [w for w in weeks if w != gap]
    assert len(found) == len(weeks) - 1


def test_each_rows_sparkline_is_its_last_18_stored_healths_oldest_first(
    sample_path: Path,
) -> None:
    conn = views.connect(sample_path)
    weeks = views.scored_weeks(conn)
    for week in (weeks[0], weeks[10], weeks[-1]):
        expected = _plain_sparks(conn, week)
        rows = views.portfolio(conn, week)
        assert rows
        for row in rows:
            assert views.spark_values(row) == expected[row.buyer_id]
            assert views.spark_values(row)[-1] == row.health
    assert max(len(views.spark_values(r)) for r in rows) == views.SPARK_WEEKS


def test_sparklines_read_health_from_the_index_alone(sample_path: Path) -> None:
    conn = views.connect(sample_path)
    plan = " ".join(
        r[-1]
        for r in conn.execute("EXPLAIN QUERY PLAN " + views._ROW_SQL, (views.SPARK_WEEKS - 1, 0))
    )
    assert "COVERING INDEX idx_weekly_scores_buyer_id_week_health" in plan
