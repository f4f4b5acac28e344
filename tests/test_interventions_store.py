"""Stored interventions: no duplicates, every change audited, overrides and snoozes expire."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlite_utils import Database
from test_interventions_support import db, db_copy, sample_path, sample_report

from healthdesk.config import Bands
from healthdesk.domain import interventions as iv
from healthdesk.domain import review_queue as rq
from healthdesk.domain.report import Report
from healthdesk.domain.weeks import monday, week_of
from healthdesk.store import interventions as store

__all__ = ["db", "db_copy", "sample_path", "sample_report"]

WEEK = week_of(date(2026, 11, 16))
SIGNAL = {"code": "volume_decline", "detail": "leads down 38%"}


@pytest.fixture(autouse=True)
def _author(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "tester")


def _suggestion(buyer_id: str = "B001", due: date = date(2026, 11, 20), **kw) -> iv.Suggestion:
    base = iv.Suggestion(buyer_id, "outreach", "proactive outreach", "call", (SIGNAL,), due)
    return replace(base, **kw)


def test_same_reason_family_updates_instead_of_duplicating(db: Database) -> None:
    first, created = store.upsert(db, _suggestion(), "alice", WEEK)
    newer = {"code": "engagement_drop", "detail": "no reply for 40 days"}
    again, created_again = store.upsert(
        db, _suggestion(due=date(2026, 11, 18), signals=(SIGNAL, newer)), "alice", WEEK
    )
    assert "engagement_drop" in store.get(db, first)["signals"]  # latest signals kept
    later, _ = store.upsert(db, _suggestion(due=date(2026, 12, 4)), "alice", WEEK + 1)
    assert (created, created_again) == (True, False)
    assert first == again == later
    assert db["interventions"].count == 1
    row = store.get(db, first)
    assert row["due_on"] == "2026-11-18"  # the earlier due date wins
    assert row["status"] == "open"


def test_other_family_or_finished_intervention_gets_a_new_row(db: Database) -> None:
    first, _ = store.upsert(db, _suggestion(), "alice", WEEK)
    other, created = store.upsert(db, _suggestion(reason_key="quality"), "alice", WEEK)
    assert created and other != first
    store.set_status(db, first, "done", "sorted on the phone", WEEK, health=71)
    renewed, created = store.upsert(db, _suggestion(due=date(2026, 11, 27)), "alice", WEEK + 1)
    assert created and renewed not in (first, other)


def test_every_change_is_audited_with_old_new_and_who(db: Database) -> None:
    item, _ = store.upsert(db, _suggestion(), "alice", WEEK)
    created = store.audit_trail(db, "intervention", item)
    assert {r["field"] for r in created} >= {"buyer_id", "status", "owner", "due_on", "action"}
    assert all(r["old"] is None and r["author"] == "tester" and r["at"] for r in created)

    store.set_status(db, item, "in_progress", None, WEEK)
    store.edit(db, item, WEEK, owner="bruno")
    store.set_status(db, item, "in_progress", None, WEEK)  # no change, no audit row
    note = store.add_note(db, item, "Left a voicemail")
    store.upsert(db, _suggestion(due=date(2026, 11, 17)), "alice", WEEK)

    trail = store.audit_trail(db)
    changes = [(r["entity"], r["field"], r["old"], r["new"]) for r in trail[len(created) :]]
    assert ("intervention", "status", "open", "in_progress") in changes
    assert ("intervention", "owner", "alice", "bruno") in changes
    assert ("note", "text", None, "Left a voicemail") in changes
    assert ("intervention", "due_on", "2026-11-20", "2026-11-17") in changes
    assert sum(1 for c in changes if c[1] == "status") == 1
    assert store.audit_trail(db, "note", note)[0]["author"] == "tester"


def test_override_snooze_and_review_are_audited(db: Database) -> None:
    override = store.set_override(db, "B001", 80, "paid in full by wire", "2026-11-30", WEEK)
    snooze = store.snooze(db, "B001", "2026-11-27", "on holiday", WEEK, "at_risk")
    store.record_review(db, WEEK, "B001", "reviewed")
    store.record_review(db, WEEK, "B001", "accepted")
    assert {r["field"] for r in store.audit_trail(db, "override", override)} >= {
        "health",
        "reason",
        "expires_on",
    }
    assert store.audit_trail(db, "snooze", snooze)
    review = store.audit_trail(db, "review")
    assert [(r["old"], r["new"]) for r in review] == [(None, "reviewed"), ("reviewed", "accepted")]
    assert store.reviewed(db, WEEK) == {"B001": "accepted"}


def test_stored_override_expires(db: Database, sample_report: Report) -> None:
    store.set_override(db, "B001", 99, "verbal renewal", date(2026, 11, 23), WEEK)
    buyer = next(b for b in sample_report.buyers if b.buyer_id == "B001")
    stored = store.overrides(db)
    health = {
        w: iv.apply_overrides([buyer], stored, w, Bands())[0].health for w in range(WEEK, WEEK + 3)
    }
    assert health[WEEK] == 99 and health[WEEK + 1] == 99
    assert health[WEEK + 2] == buyer.health


def test_snooze_expiry_returns_account_to_queue(db: Database, sample_report: Report) -> None:
    buyer = next(b for b in sample_report.buyers if b.band == "at_risk")
    until = monday(WEEK) + timedelta(days=3)
    store.snooze(db, buyer.buyer_id, until, "waiting for their budget", WEEK, buyer.band)

    def queued(week: int) -> bool:
        items = rq.review_queue([buyer], [buyer], store.snoozes(db, week), week)
        return any(q.buyer.buyer_id == buyer.buyer_id for q in items)

    assert not queued(WEEK)
    assert queued(WEEK + 1)
    assert queued(WEEK - 1)  # a snooze set this week does not hide last week


def test_bad_input_is_refused_and_nothing_written(db: Database) -> None:
    with pytest.raises(iv.InvalidInput, match="reason is empty"):
        store.set_override(db, "B001", 50, "  ", "2026-11-30", WEEK)
    with pytest.raises(iv.InvalidInput, match="before the week"):
        store.snooze(db, "B001", "2026-11-01", "later", WEEK, "watch")
    with pytest.raises(iv.InvalidInput, match="owner"):
        store.upsert(db, _suggestion(), "alice;smith", WEEK)
    with pytest.raises(iv.InvalidInput, match="no buyer"):
        store.upsert(db, _suggestion(buyer_id="NOPE"), "alice", WEEK)
    with pytest.raises(iv.InvalidInput, match="status"):
        store.set_status(db, store.upsert(db, _suggestion(), "alice", WEEK)[0], "closed", "x", WEEK)
    with pytest.raises(iv.InvalidInput, match="health"):
        store.set_override(db, "B001", 101, "typo", "2026-11-30", WEEK)
    assert db["overrides"].count == db["snoozes"].count == 0
    assert db["interventions"].count == 1


def test_week_list_keeps_open_work_and_drops_finished_past_work(db: Database) -> None:
    done, _ = store.upsert(db, _suggestion(), "alice", WEEK)
    store.set_status(db, done, "done", "they are buying again", WEEK)
    open_, _ = store.upsert(db, _suggestion(reason_key="quality"), "bruno", WEEK)
    store.add_note(db, open_, "first")
    store.add_note(db, open_, "second")
    assert {r["id"] for r in store.for_week(db, WEEK)} == {done, open_}
    [row] = store.for_week(db, WEEK + 1)
    assert (row["id"], row["note"], row["signals"]) == (open_, "second", [SIGNAL])
    assert store.for_week(db, WEEK, owner="alice", status="done")[0]["id"] == done


def test_a_task_ends_with_an_outcome_and_stays_ended(db: Database) -> None:
    task, _ = store.upsert(db, _suggestion(), "alice", WEEK)
    with pytest.raises(iv.InvalidInput, match="outcome note"):
        store.set_status(db, task, "done", "  ", WEEK)
    assert store.get(db, task)["status"] == "open"  # refused: nothing written
    store.set_status(db, task, "in_progress", None, WEEK)
    row = store.set_status(db, task, "dismissed", "they moved the budget in-house", WEEK, 44)
    assert (row["status"], row["closed_health"], row["closed_week"]) == ("dismissed", 44, WEEK)
    assert store.for_week(db, WEEK, buyer_id="B001")[0]["note"] == "they moved the budget in-house"
    for status in ("open", "in_progress", "done"):
        with pytest.raises(iv.InvalidInput, match="not reopened"):
            store.set_status(db, task, status, "try again", WEEK)
    assert store.get(db, task)["status"] == "dismissed"
    assert store.active_tasks(store.for_week(db, WEEK)) == []


def test_overdue_tasks_queue_their_account(db: Database, sample_report: Report) -> None:
    buyer = max(sample_report.buyers, key=lambda b: b.health)
    assert not rq.attention(buyer, buyer)  # a quiet, healthy account: not queued on its own
    task, _ = store.upsert(db, _suggestion(buyer_id=buyer.buyer_id), "alice", WEEK)
    due = store.get(db, task)["due_on"]

    def reasons(week: int) -> list[str]:
        items = rq.review_queue(
            [buyer], [buyer], [], week, store.active_tasks(store.for_week(db, week))
        )
        return [r.code for i in items for r in i.reasons]

    assert reasons(WEEK) == []  # due this week: not late yet
    assert reasons(WEEK + 1) == ["task_overdue"]
    assert due < monday(WEEK + 1).isoformat()
    store.set_status(db, task, "done", "called them", WEEK + 1)
    assert reasons(WEEK + 1) == []
