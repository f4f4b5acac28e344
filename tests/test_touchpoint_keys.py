"""Touchpoints are one row per (buyer, at, direction, channel): a CRM export sent again
once the buyer has replied updates the touchpoint instead of adding a second one."""

from __future__ import annotations

from pathlib import Path

from helpers import WEEKS, Portfolio, import_into, report_json

from healthdesk.store.db import open_db

SILENT_FROM = WEEKS - 6


def _portfolio(replied: bool) -> Portfolio:
    """Buyer A answers every outreach; buyer B stops answering six weeks before the end,
    unless ``replied`` (the same export, sent again after B's replies were logged)."""
    p = Portfolio()
    p.healthy("A")
    p.buyer("B")
    p.deliveries("B", 100)
    p.invoices("B")
    p.touches("B", reply_until=None if replied else SILENT_FROM)
    return p


def _touchpoints(db_path: Path) -> list[tuple]:
    db = open_db(db_path)
    try:
        return db.execute(
            "SELECT buyer_id, at, direction, channel, replied_at FROM touchpoints"
            " WHERE buyer_id = 'B' ORDER BY at"
        ).fetchall()
    finally:
        db.close()


def _b(db_path: Path) -> dict:
    return next(b for b in report_json(db_path)["buyers"] if b["buyer_id"] == "B")


def test_a_reimport_with_replies_filled_in_updates_the_touchpoints(tmp_path: Path) -> None:
    db_path = tmp_path / "hd.db"
    import_into(db_path, _portfolio(replied=False).write(tmp_path / "monday"))
    before = _touchpoints(db_path)
    silent = _b(db_path)
    assert sum(r[4] is None for r in before) == WEEKS - SILENT_FROM
    assert "engagement_drop" in [w["code"] for w in silent["warnings"]]

    result = import_into(db_path, _portfolio(replied=True).write(tmp_path / "again"))

    after = _touchpoints(db_path)
    assert [r[:4] for r in after] == [r[:4] for r in before]
    assert all(r[4] is not None for r in after)
    assert result.changed.get("touchpoints") == WEEKS - SILENT_FROM
    answered = _b(db_path)
    assert "engagement_drop" not in [w["code"] for w in answered["warnings"]]
    assert answered["components"]["engagement"] > silent["components"]["engagement"]


def test_the_same_export_twice_still_adds_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "hd.db"
    import_into(db_path, _portfolio(replied=True).write(tmp_path / "one"))
    before = _touchpoints(db_path)
    result = import_into(db_path, _portfolio(replied=True).write(tmp_path / "two"))
    assert _touchpoints(db_path) == before
    assert not result.changed.get("touchpoints")


def test_the_migration_merges_copies_an_older_database_holds(tmp_path: Path) -> None:
    """A database from before the new key may hold a touchpoint twice (imported before
    and after its reply): the migration keeps the later copy and asks for a rescore."""
    db_path = tmp_path / "hd.db"
    import_into(db_path, _portfolio(replied=False).write(tmp_path / "monday"))
    first_silent = _touchpoints(db_path)[SILENT_FROM]
    assert first_silent[4] is None
    db = open_db(db_path)
    with db.conn:
        db.execute(
            "INSERT INTO touchpoints (row_key, buyer_id, at, day, week, direction, channel,"
            " replied_at, kind) SELECT 'old-whole-row-key', buyer_id, at, day, week,"
            " direction, channel, '2099-01-01T00:00:00+00:00', kind FROM touchpoints"
            " WHERE buyer_id = 'B' AND at = ?",
            (first_silent[1],),
        )
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('scored_with', 'x')")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_touchpoint_keys'")
    db.close()

    rows = _touchpoints(db_path)  # opening the file runs the migration
    assert len(rows) == WEEKS
    merged = next(r for r in rows if r[1] == first_silent[1])
    assert merged[4] == "2099-01-01T00:00:00+00:00"
    db = open_db(db_path)
    try:
        assert db.execute("SELECT value FROM meta WHERE key = 'scored_with'").fetchone() is None
    finally:
        db.close()


def test_two_kinds_of_contact_in_the_same_minute_stay_two(tmp_path: Path) -> None:
    p = Portfolio()
    p.healthy("A")
    same = {"buyer_id": "A", "at": "2024-07-12T20:58:00Z", "direction": "outbound"}
    p.add("touchpoints.csv", **same, channel="call", kind="routine", note="caps")
    p.add("touchpoints.csv", **same, channel="call", kind="check_in", note="30-day")
    db_path = tmp_path / "hd.db"
    import_into(db_path, p.write(tmp_path / "csv"))
    db = open_db(db_path)
    try:
        kinds = db.execute(
            "SELECT kind FROM touchpoints WHERE channel = 'call' ORDER BY kind"
        ).fetchall()
    finally:
        db.close()
    assert kinds == [("check_in",), ("routine",)]
