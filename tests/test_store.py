"""The store: opening files safely, stored weekly scores that agree with the report,
and rescoring only when data or config changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import WEEKS, Portfolio, import_into, monday

from healthdesk import engine
from healthdesk.config import Config
from healthdesk.domain.weeks import week_of
from healthdesk.store import scores as score_store
from healthdesk.store.db import StoreError, open_db


def test_opening_a_missing_database_without_create_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        open_db(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()


def test_opening_a_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_db(tmp_path)


def test_opening_a_file_that_is_not_sqlite_is_an_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 200)
    with pytest.raises(StoreError, match="not a healthdesk database"):
        open_db(junk)


def test_new_database_has_the_schema_and_wal(tmp_path: Path) -> None:
    db = open_db(tmp_path / "new.db", create=True)
    try:
        tables = set(db.table_names())
        assert {"buyers", "deliveries", "invoices", "incidents", "weekly_scores"} <= tables
        assert db.journal_mode == "wal"
    finally:
        db.close()


@pytest.fixture
def scored(tmp_path: Path) -> Path:
    p = Portfolio()
    for bid in ("A", "B", "C"):
        p.healthy(bid)
    p.buyer("D")
    p.deliveries("D", [100] * (WEEKS - 4) + [0] * 4)
    p.invoices("D")
    p.touches("D")
    path = tmp_path / "hd.db"
    import_into(path, p.write(tmp_path / "csv"))
    db = open_db(path)
    try:
        engine.rescore(db, Config())
    finally:
        db.close()
    return path


def test_rescore_stores_every_week_for_every_listed_buyer(scored: Path) -> None:
    db = open_db(scored)
    try:
        weeks = score_store.scored_weeks(db)
        assert weeks == list(range(week_of(monday(0)), week_of(monday(WEEKS - 1)) + 1))
        rows = db.execute("SELECT COUNT(*) FROM weekly_scores").fetchone()[0]
        assert rows == 4 * WEEKS
    finally:
        db.close()


def test_stored_history_matches_the_report(scored: Path) -> None:
    db = open_db(scored)
    try:
        for k in (WEEKS - 3, WEEKS - 1):
            week = week_of(monday(k))
            rep = json.loads(json.dumps(engine.report(db, Config(), week).to_json(), default=str))
            for buyer in rep["buyers"]:
                row = score_store.history(db, buyer["buyer_id"], week, week)[0]
                assert row["health"] == buyer["health"]
                assert row["band"] == buyer["band"]
                assert row["trust_level"] == buyer["trust"]["level"]
    finally:
        db.close()


def test_config_change_rescores_and_same_config_does_not(scored: Path) -> None:
    db = open_db(scored)
    try:
        config = Config()
        assert score_store.fingerprint(db) == config.fingerprint()
        engine.ensure_scored(db, config)
        assert score_store.fingerprint(db) == config.fingerprint()
        strict = Config(bands=type(config.bands)(healthy=99, watch=98))
        engine.ensure_scored(db, strict)
        assert score_store.fingerprint(db) == strict.fingerprint()
        rows = db.execute("SELECT health, band FROM weekly_scores").fetchall()
        expected = {h: "healthy" if h >= 99 else "watch" if h >= 98 else "at_risk" for h, _ in rows}
        assert all(band == expected[h] for h, band in rows)
        assert any(band == "at_risk" and h >= 70 for h, band in rows)
    finally:
        db.close()
