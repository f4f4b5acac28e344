"""Interventions, notes, overrides, snoozes and reviews: every write audited.

Each public write runs in one transaction that also writes its ``audit`` rows (what,
old → new, when, who), so the trail can never disagree with the data. The author is
the OS user: the console is a single-user tool on the manager's own machine.
Timestamps are wall-clock UTC because they record when a person acted; nothing in
scoring reads them.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from ..domain import interventions as rules
from ..domain.interventions import (
    ACTIVE,
    OUTCOMES,
    FollowUp,
    Override,
    Snooze,
    Suggestion,
    Task,
)
from ..domain.weeks import monday
from . import views
from .db import row_id

EDITABLE = ("action", "owner", "due_on")
"""What ``edit`` changes; a status moves only through ``set_status`` (its rules)."""


def author() -> str:
    """The OS user, or "unknown" where the environment names none (some containers)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _audit(
    db: Database, entity: str, entity_id: object, changes: Mapping[str, tuple[object, object]]
) -> None:
    at, who = _now(), author()
    db.table("audit").insert_all(
        {
            "at": at,
            "author": who,
            "entity": entity,
            "entity_id": str(entity_id),
            "field": name,
            "old": None if old is None else str(old),
            "new": None if new is None else str(new),
        }
        for name, (old, new) in changes.items()
    )


def _check_buyer(db: Database, buyer_id: str) -> None:
    if not list(db.query("SELECT 1 FROM buyers WHERE buyer_id = ?", [buyer_id])):
        raise rules.InvalidInput(f"no buyer {buyer_id!r} in the portfolio")


def _created(fields: dict[str, object]) -> dict[str, tuple[object, object]]:
    return {name: (None, value) for name, value in fields.items()}


def upsert(
    db: Database, suggestion: Suggestion, owner: str, week: int, health: int | None = None
) -> tuple[int, bool]:
    """Record ``suggestion`` for ``owner`` as an open intervention; ``(id, created)``;
    ``health`` is the buyer's health when it was opened (kept beside the one at close).

    A buyer with an open or in-progress intervention for the same reason family gets
    that one refreshed instead of a duplicate: the latest signals, and the earlier of
    the two due dates (a follow-up never pushes a deadline out).
    """
    owner = rules.check_owner(owner)
    due = rules.check_due(suggestion.due_on, week).isoformat()
    signals = json.dumps(list(suggestion.signals), ensure_ascii=False)
    with db.atomic():
        _check_buyer(db, suggestion.buyer_id)
        existing = list(
            db.query(
                "SELECT * FROM interventions WHERE buyer_id = ? AND reason_key = ? "
                f"AND status IN {ACTIVE!r} ORDER BY id LIMIT 1",
                [suggestion.buyer_id, suggestion.reason_key],
            )
        )
        if existing:
            row = existing[0]
            new = {"signals": signals, "due_on": min(row["due_on"] or due, due)}
            changes = {k: (row[k], v) for k, v in new.items() if row[k] != v}
            if changes:
                db.table("interventions").update(row["id"], {**new, "updated_at": _now()})
                _audit(db, "intervention", row["id"], changes)
            return row["id"], False
        fields = {
            "buyer_id": suggestion.buyer_id,
            "created_week": week,
            "reason_key": suggestion.reason_key,
            "signals": signals,
            "action": suggestion.action,
            "message": suggestion.message,
            "owner": owner,
            "due_on": due,
            "status": "open",
            "opened_health": health,
        }
        now = _now()
        new_id = db.table("interventions").insert({**fields, "created_at": now, "updated_at": now})
        intervention_id = row_id(new_id.last_pk)
        _audit(db, "intervention", intervention_id, _created(fields))
    return intervention_id, True


def edit(db: Database, intervention_id: int, week: int, **fields: str) -> dict:
    """Change an intervention's action, owner or due date; the updated row.

    ``week`` is the as-of week a new due date is checked against. Unchanged values
    write nothing, so the audit trail holds only real changes.
    """
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise rules.InvalidInput(f"cannot edit {', '.join(sorted(unknown))}")
    checks = {
        "action": lambda v: rules.check_text(v, "action"),
        "owner": rules.check_owner,
        "due_on": lambda v: rules.check_due(v, week).isoformat(),
    }
    new = {k: checks[k](v) for k, v in fields.items()}
    with db.atomic():
        row = get(db, intervention_id)
        changes = {k: (row[k], v) for k, v in new.items() if row[k] != v}
        if changes:
            db.table("interventions").update(intervention_id, {**new, "updated_at": _now()})
            _audit(db, "intervention", intervention_id, changes)
    return get(db, intervention_id)


def set_status(
    db: Database,
    intervention_id: int,
    status: str,
    note: str | None,
    week: int,
    health: int | None = None,
) -> dict:
    """Move a task along open ⇄ in progress → done or dismissed; the updated row.

    Ending a task needs an outcome note (stored as its latest note) and records the
    buyer's ``health`` then and the as-of ``week``; an ended task is never reopened.
    The status, the note and their audit rows land in one transaction."""
    with db.atomic():
        row = get(db, intervention_id)
        rules.check_transition(row["status"], status, note)
        if status == row["status"] and not (note or "").strip():
            return row
        if status != row["status"]:
            new: dict[str, object] = {"status": status}
            if status in rules.FINISHED:
                new |= {"closed_health": health, "closed_week": week}
            db.table("interventions").update(intervention_id, {**new, "updated_at": _now()})
            _audit(db, "intervention", intervention_id, {k: (row[k], v) for k, v in new.items()})
        if (note or "").strip():
            add_note(db, intervention_id, note or "")
    return get(db, intervention_id)


def active_tasks(rows: Iterable[dict]) -> list[Task]:
    """The open and in-progress ones of ``for_week``'s rows, as tasks."""
    return [task_of(r) for r in rows if r["status"] in ACTIVE]


def task_of(row: dict) -> Task:
    """A stored intervention row as the domain's ``Task``."""
    due = date.fromisoformat(row["due_on"]) if row["due_on"] else None
    return Task(row["id"], row["buyer_id"], row["action"], row["status"], due)


def get(db: Database, intervention_id: int) -> dict:
    """One intervention row; ``InvalidInput`` if there is no such id."""
    rows = list(db.query("SELECT * FROM interventions WHERE id = ?", [intervention_id]))
    if not rows:
        raise rules.InvalidInput(f"no intervention #{intervention_id}")
    return rows[0]


def add_note(db: Database, intervention_id: int, text: str) -> int:
    """Append a note to an intervention (notes are never edited); the note's id."""
    fields = {"intervention_id": intervention_id, "text": rules.check_text(text, "note")}
    with db.atomic():
        get(db, intervention_id)
        note = db.table("intervention_notes").insert({**fields, "at": _now(), "author": author()})
        note_id = row_id(note.last_pk)
        _audit(db, "note", note_id, _created(fields))
    return note_id


def for_week(
    db: Database,
    week: int,
    *,
    owner: str | None = None,
    status: str | None = None,
    buyer_id: str | None = None,
) -> list[dict]:
    """The interventions a week's list shows, with buyer name and latest note.

    That is every intervention created that week, and every one created earlier that
    is still open or in progress: finished work from past weeks drops off the list.
    """
    sql = f"""
        SELECT i.*, b.name AS name,
            (SELECT text FROM intervention_notes n WHERE n.intervention_id = i.id
             ORDER BY n.id DESC LIMIT 1) AS note
        FROM interventions i JOIN buyers b USING (buyer_id)
        WHERE (i.created_week = :week OR (i.created_week < :week AND i.status IN {ACTIVE!r}))
    """
    params: dict[str, object] = {"week": week}
    if owner is not None:
        sql += " AND i.owner = :owner"
        params["owner"] = owner
    if status is not None:
        sql += " AND i.status = :status"
        params["status"] = status
    if buyer_id is not None:
        sql += " AND i.buyer_id = :buyer_id"
        params["buyer_id"] = buyer_id
    rows = []
    for row in db.query(sql + " ORDER BY i.due_on, i.id", params):
        rows.append({**row, "signals": json.loads(row["signals"] or "[]")})
    return rows


def set_override(
    db: Database, buyer_id: str, health: int, reason: str, expires_on: date | str, week: int
) -> int:
    """Override a buyer's health from ``week`` until ``expires_on``; the override's id."""
    fields = {
        "buyer_id": buyer_id,
        "health": rules.check_health(health),
        "reason": rules.check_text(reason),
        "week": week,
        "expires_on": rules.check_due(expires_on, week, "expiry").isoformat(),
    }
    with db.atomic():
        _check_buyer(db, buyer_id)
        row = db.table("overrides").insert({**fields, "created_at": _now(), "author": author()})
        override_id = row_id(row.last_pk)
        _audit(db, "override", override_id, _created(fields))
    return override_id


def clear_override(db: Database, buyer_id: str, week: int, reason: str | None = None) -> int:
    """End ``buyer_id``'s overrides in force in ``week`` from that week on (they now
    expire the day before its Monday; earlier weeks keep them); how many ended."""
    ended_on = (monday(week) - timedelta(days=1)).isoformat()
    with db.atomic():
        _check_buyer(db, buyer_id)
        rows = list(
            db.query(
                "SELECT id, expires_on FROM overrides WHERE buyer_id = ? AND week <= ?"
                " AND expires_on >= ?",
                [buyer_id, week, monday(week).isoformat()],
            )
        )
        if not rows:
            raise rules.InvalidInput(f"{buyer_id} has no override in force that week")
        for row in rows:
            changes: dict[str, tuple[object, object]] = {
                "expires_on": (row["expires_on"], ended_on)
            }
            if reason:
                changes["cleared_because"] = (None, rules.check_text(reason))
            db.table("overrides").update(row["id"], {"expires_on": ended_on})
            _audit(db, "override", row["id"], changes)
    return len(rows)


def overrides(db: Database) -> list[Override]:
    """Every override, oldest first; ``Override.active(week)`` says which apply."""
    return views.overrides(db.conn)


def snooze(
    db: Database, buyer_id: str, until_on: date | str, reason: str, week: int, band: str
) -> int:
    """Take a buyer out of the review queue until ``until_on``, unless its band worsens."""
    fields = {
        "buyer_id": buyer_id,
        "week": week,
        "band": rules.check_choice(band, rules.BAND_ORDER, "band"),
        "until_on": rules.check_due(until_on, week, "snooze end").isoformat(),
        "reason": rules.check_text(reason),
    }
    with db.atomic():
        _check_buyer(db, buyer_id)
        row = db.table("snoozes").insert({**fields, "created_at": _now(), "author": author()})
        snooze_id = row_id(row.last_pk)
        _audit(db, "snooze", snooze_id, _created(fields))
    return snooze_id


def snoozes(db: Database, week: int) -> list[Snooze]:
    """Each buyer's latest snooze set in or before ``week`` (the one that decides)."""
    return [
        Snooze(r["buyer_id"], date.fromisoformat(r["until_on"]), r["band"])
        for r in db.query(
            "SELECT buyer_id, until_on, band FROM snoozes WHERE id IN "
            "(SELECT MAX(id) FROM snoozes WHERE week <= ? GROUP BY buyer_id)",
            [week],
        )
    ]


def record_review(db: Database, week: int, buyer_id: str, outcome: str) -> None:
    """Mark a buyer as reviewed for ``week`` (the latest outcome of the week wins)."""
    rules.check_choice(outcome, OUTCOMES, "outcome")
    key = f"{week}:{buyer_id}"
    with db.atomic():
        _check_buyer(db, buyer_id)
        old = list(
            db.query(
                "SELECT outcome FROM reviews WHERE week = ? AND buyer_id = ?", [week, buyer_id]
            )
        )
        before = old[0]["outcome"] if old else None
        if before == outcome:
            return
        db.table("reviews").upsert(
            {
                "week": week,
                "buyer_id": buyer_id,
                "outcome": outcome,
                "at": _now(),
                "author": author(),
            },
            pk=("week", "buyer_id"),
        )
        _audit(db, "review", key, {"outcome": (before, outcome)})


def follow_through(db: Database, first_week: int, week: int) -> list[FollowUp]:
    """Each buyer's latest review decision in ``first_week`` … ``week - 1`` with its stored
    health that week and in ``week`` (buyers no longer scored in ``week`` are left out)."""
    rows = db.execute(
        "SELECT r.buyer_id, r.week, r.outcome, t.health, n.health FROM reviews r"
        " JOIN weekly_scores t ON t.buyer_id = r.buyer_id AND t.week = r.week"
        " JOIN weekly_scores n ON n.buyer_id = r.buyer_id AND n.week = ?"
        " WHERE r.week BETWEEN ? AND ? ORDER BY r.week",
        [week, first_week, week - 1],
    ).fetchall()
    latest = {b: FollowUp(b, w, outcome, then, now) for b, w, outcome, then, now in rows}
    return list(latest.values())


def reviewed(db: Database, week: int) -> dict[str, str]:
    """``buyer_id → outcome`` for the buyers already reviewed in ``week``."""
    return {
        r["buyer_id"]: r["outcome"]
        for r in db.query("SELECT buyer_id, outcome FROM reviews WHERE week = ?", [week])
    }


def audit_trail(db: Database, entity: str | None = None, entity_id: object = None) -> list[dict]:
    """Audit rows, oldest first, optionally for one entity."""
    sql, params = "SELECT * FROM audit", []
    if entity is not None:
        sql += " WHERE entity = ?"
        params.append(entity)
        if entity_id is not None:
            sql += " AND entity_id = ?"
            params.append(str(entity_id))
    return list(db.query(sql + " ORDER BY id", params))


BUYER_AUDIT = """
WITH owned(entity, entity_id) AS (
    SELECT entity, entity_id FROM audit
    WHERE field = 'buyer_id' AND new = :buyer AND entity IN ('intervention', 'override', 'snooze')
), notes(entity, entity_id) AS (
    SELECT 'note', entity_id FROM audit
    WHERE field = 'intervention_id' AND entity = 'note'
      AND new IN (SELECT entity_id FROM owned WHERE entity = 'intervention')
)
SELECT * FROM audit
WHERE (entity, entity_id) IN (SELECT * FROM owned UNION ALL SELECT * FROM notes)
   OR (entity = 'review'
       AND entity_id IN (SELECT week || ':' || buyer_id FROM reviews WHERE buyer_id = :buyer))
ORDER BY id
"""


def buyer_audit_trail(db: Database, buyer_id: str) -> list[dict]:
    """The audit rows (oldest first) that concern one buyer: its interventions, the notes
    on them, its overrides, snoozes and reviews. Audit rows are keyed by entity, so an
    entity is the buyer's when its creation row says so (``field = 'buyer_id'``); read
    in SQL through indexes, as the table grows by every decision of every review."""
    return list(db.query(BUYER_AUDIT, {"buyer": buyer_id}))
