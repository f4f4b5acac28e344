"""A manager's health override shows in the report as an override, never as a score,
and the computed score returns after it expires."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from healthdesk import engine
from healthdesk.domain.weeks import monday
from healthdesk.store import interventions as store
from healthdesk.store.db import open_db
from tests.test_interventions_support import (  # noqa: F401 - fixtures
    db_copy,
    run_cli,
    sample_path,
)


def _report(db_path: Path, *extra: str) -> dict:
    result = run_cli("--db", str(db_path), "report", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _buyer(report: dict, buyer_id: str) -> dict:
    return next(b for b in report["buyers"] if b["buyer_id"] == buyer_id)


def test_override_replaces_health_and_band_and_says_so_in_json(db_copy: Path) -> None:
    before = _report(db_copy)
    target = next(b for b in before["buyers"] if b["band"] == "at_risk")
    db = open_db(db_copy)
    week = engine.latest_week(db)
    store.set_override(
        db,
        target["buyer_id"],
        75,
        "migration pause, agreed",
        monday(week) + timedelta(days=20),
        week,
    )
    db.close()
    after = _buyer(_report(db_copy), target["buyer_id"])
    assert after["health"] == 75
    assert after["band"] == "healthy"
    assert after["override"] == {
        "health": 75,
        "computed_health": target["health"],
        "computed_band": "at_risk",
        "reason": "migration pause, agreed",
        "expires_on": (monday(week) + timedelta(days=20)).isoformat(),
    }
    others = [b for b in _report(db_copy)["buyers"] if b["buyer_id"] != target["buyer_id"]]
    assert all(b["override"] is None for b in others)


def test_expired_override_gives_the_computed_score_back(db_copy: Path) -> None:
    db = open_db(db_copy)
    week = engine.latest_week(db)
    buyer = _buyer(_report(db_copy), "B038")
    store.set_override(db, "B038", 90, "temporary", monday(week - 3) + timedelta(days=6), week - 3)
    db.close()
    assert _buyer(_report(db_copy), "B038")["override"] is None
    assert _buyer(_report(db_copy), "B038")["health"] == buyer["health"]
    past = _buyer(_report(db_copy, "--week", monday(week - 3).isoformat()), "B038")
    assert past["override"]["health"] == 90


def test_override_is_marked_in_the_table_and_csv(db_copy: Path) -> None:
    db = open_db(db_copy)
    week = engine.latest_week(db)
    store.set_override(
        db, "B038", 64, "[bold]checked with ops", monday(week) + timedelta(days=6), week
    )
    db.close()
    table = run_cli("--db", str(db_copy), "explain", "B038").output
    assert "health overridden to 64" in table
    assert "[bold]checked with ops" in table
    csv_out = run_cli("--db", str(db_copy), "report", "--format", "csv").output
    row = next(line for line in csv_out.splitlines() if line.startswith("B038,"))
    assert row.endswith(",[bold]checked with ops," + (monday(week) + timedelta(days=6)).isoformat())
