"""The account screen's audit trail: exactly one buyer's rows, newest first, literal text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from test_interventions_support import db_copy, sample_path  # noqa: F401  (fixtures)
from textual.pilot import Pilot

from healthdesk.config import Config
from healthdesk.domain.interventions import Suggestion
from healthdesk.domain.weeks import monday
from healthdesk.store import interventions as store
from healthdesk.store.db import open_db
from healthdesk.ui.app import make_app
from healthdesk.ui.widgets.audit import AuditTrail


def _history(path: Path) -> tuple[int, list[str]]:
    """Two buyers' worth of audited changes; the week and the two buyer ids."""
    db = open_db(path)
    try:
        ids = [r["buyer_id"] for r in db.query("SELECT buyer_id FROM buyers ORDER BY buyer_id")]
        week = max(r["week"] for r in db.query("SELECT DISTINCT week FROM weekly_scores"))
        mine, other = ids[0], ids[1]
        due = monday(week)
        for buyer in (mine, other):
            s = Suggestion(buyer, "health", "proactive outreach", "call", (), due)
            new, _ = store.upsert(db, s, "ann", week)
            store.edit(db, new, week, owner="bob")
            store.record_review(db, week, buyer, "accepted")
        store.add_note(db, new, "only on the other buyer")
        first = store.for_week(db, week)[0]["id"]
        store.add_note(db, first, "[red]literal[/red]")
        store.snooze(db, mine, date.fromordinal(due.toordinal() + 14), "budget", week, "watch")
        store.set_override(db, mine, 70, "new contract", due, week)
    finally:
        db.close()
    return week, [mine, other]


def test_a_buyers_audit_rows_are_exactly_its_own(db_copy: Path) -> None:
    week, (mine, other) = _history(db_copy)
    db = open_db(db_copy)
    try:
        every = store.audit_trail(db)
        rows = store.buyer_audit_trail(db, mine)
        theirs = store.buyer_audit_trail(db, other)
        plan = " ".join(
            r[-1] for r in db.execute("EXPLAIN QUERY PLAN " + store.BUYER_AUDIT, {"buyer": mine})
        )
    finally:
        db.close()
    kinds = {r["entity"] for r in rows}
    assert kinds == {"intervention", "note", "snooze", "override", "review"}
    assert "only on the other buyer" not in {r["new"] for r in rows}
    assert {r["entity_id"] for r in rows if r["entity"] == "review"} == {f"{week}:{mine}"}
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    mine_ids, their_ids = {r["id"] for r in rows}, {r["id"] for r in theirs}
    assert not mine_ids & their_ids
    assert mine_ids | their_ids == {r["id"] for r in every}  # each row is one buyer's
    assert "idx_audit_field_new" in plan and "idx_reviews_buyer_id" in plan


async def test_audit_trail_widget_shows_the_rows_newest_first(db_copy: Path) -> None:
    _, (mine, _) = _history(db_copy)
    app = make_app(db_copy, Config())
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        trail = AuditTrail(mine)
        await app.screen.mount(trail)
        await _settle(pilot)
        text = str(trail.content)
        lines = text.splitlines()
        assert lines[0] == "Audit trail" and len(lines) == 1 + len(trail.rows)
        assert "override" in lines[1]  # the last change comes first
        assert "[red]literal[/red]" in text
        assert "owner: ann → bob" in text
        # In words: weeks as their Monday, signals as their codes, no column names.
        assert "created_week" not in text and "reason_key" not in text and '{"' not in text
        assert "week: 20" in text and "reason: " in text


async def _settle(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
