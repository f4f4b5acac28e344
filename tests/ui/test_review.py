"""Weekly review on the real app: a whole review across two sessions, then the database
and the exported files must hold exactly what was done; bad input never writes."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

from sqlite_utils import Database
from test_interventions_support import db_copy, sample_path  # noqa: F401  (fixtures)
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select

from healthdesk.config import Config
from healthdesk.domain.weeks import label, monday
from healthdesk.store.db import open_db
from healthdesk.ui.app import make_app
from healthdesk.ui.dialogs import review_forms as forms
from healthdesk.ui.screens.review import ReviewScreen
from healthdesk.ui.screens.review_summary import ReviewSummary

SIZE = (120, 36)


async def settle(pilot: Pilot) -> None:
    """Let messages land and every worker finish (twice: a handler may start one)."""
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_review(pilot: Pilot) -> ReviewScreen:
    await settle(pilot)
    pilot.app.push_screen(ReviewScreen())
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen) and screen.entries
    return screen


async def submit(pilot: Pilot, dialog: type, **fields: str) -> forms.FormDialog:
    """Fill the open dialog's inputs and save with ctrl+s; the dialog, for its error."""
    screen = pilot.app.screen
    assert isinstance(screen, dialog)
    for name, value in fields.items():
        screen.query_one(f"#{name}", Input).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)
    return screen


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[dict]:
    db = open_db(db_path)
    try:
        return list(db.query(sql, params))
    finally:
        db.close()


async def test_full_review_across_two_sessions_is_stored_and_exported(
    db_copy: Path,
    tmp_path: Path,
) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        entries = list(screen.entries)
        week = screen.week
        assert len(entries) >= 5 and screen.current == 0 and screen.progress() == (0, len(entries))
        second, third = (e.buyer for e in entries[1:3])
        accepted = entries[0]
        assert accepted.suggestions

        await pilot.press("a")
        await settle(pilot)
        assert screen.entry.outcome == "accepted" and screen.current == 0
        target = screen.entry.target()
        original_owner = target["owner"]

        await pilot.press("o")
        await pilot.pause()
        owner = pilot.app.screen.query_one("#owner", Input)
        owner.value = ""
        await pilot.press(*"bob", "enter")
        await settle(pilot)
        assert screen.entry.target()["owner"] == "bob"

        await pilot.press("n")
        await submit(pilot, forms.NoteDialog, note="Left a voicemail; [b]call back[/b] Thursday")
        await pilot.press("j")
        assert screen.entry.buyer == second
        await pilot.press("s")
        until = monday(week) + timedelta(weeks=3)
        await submit(pilot, forms.SnoozeDialog, reason="Waiting for their Q4 budget",
                     until=until.isoformat())  # fmt: skip
        assert screen.entries[1].outcome == "snoozed"
        assert screen.entry.buyer == third  # moved on to the next account without a decision
        await pilot.press("x")
        await settle(pilot)
        assert screen.progress() == (3, len(entries))
        assert "3 of" in str(screen.query_one("#review-progress").content)

    again = make_app(db_copy, Config())
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert [e.buyer.buyer_id for e in screen.entries] == [e.buyer.buyer_id for e in entries]
        assert screen.current == 3 and screen.progress() == (3, len(entries))
        for entry in screen.entries[3:]:
            assert screen.entry.buyer.buyer_id == entry.buyer.buyer_id
            await pilot.press("A" if entry.suggestions else "x")  # A: every suggestion
            await settle(pilot)
            if entry.suggestions:  # "x" moves on by itself, "a" stays for edits
                await pilot.press("j")
        assert screen.progress() == (len(entries), len(entries))
        assert "all done" in str(screen.query_one("#review-progress").content)

        await pilot.press("f")
        await settle(pilot)
        summary = pilot.app.screen
        assert isinstance(summary, ReviewSummary)
        later = [e for e in entries[3:] if e.suggestions]
        counts = summary.summary.outcomes
        assert counts == {
            k: v
            for k, v in {
                "accepted": 1 + len(later),
                "snoozed": 1,
                "reviewed": 1 + len(entries) - 3 - len(later),
            }.items()
            if v
        }
        text = str(summary.query_one("#summary-body").content)
        assert f"{len(entries)} of {len(entries)} accounts reviewed" in text

        for fmt in ("csv", "json", "md"):
            await pilot.press("e")
            await pilot.pause()
            dialog = pilot.app.screen
            assert isinstance(dialog, forms.ExportDialog)
            dialog.query_one("#format", Select).value = fmt
            await submit(pilot, forms.ExportDialog, path=str(tmp_path / f"week.{fmt}"))
            assert isinstance(pilot.app.screen, ReviewSummary)

    # The database holds exactly the decisions.
    accepted_ids = [accepted.buyer.buyer_id] + [e.buyer.buyer_id for e in later]
    interventions = rows(db_copy, "SELECT * FROM interventions ORDER BY id")
    picked = [(accepted.buyer.buyer_id, accepted.suggestions[0])]  # "a": the picked one only
    every = [(e.buyer.buyer_id, s) for e in later for s in e.suggestions]  # "A": all of them
    expected = [(b, s.reason_key, s.action, s.due_on.isoformat()) for b, s in picked + every]
    assert [(r["buyer_id"], r["reason_key"], r["action"], r["due_on"]) for r in interventions] == (
        expected
    )
    assert {r["buyer_id"] for r in interventions} == set(accepted_ids)
    assert all(r["status"] == "open" and r["created_week"] == week for r in interventions)
    assert [r["owner"] for r in interventions if r["id"] == target["id"]] == ["bob"]
    notes = rows(db_copy, "SELECT * FROM intervention_notes")
    assert [(n["intervention_id"], n["text"]) for n in notes] == [
        (target["id"], "Left a voicemail; [b]call back[/b] Thursday")
    ]
    snoozes = rows(db_copy, "SELECT * FROM snoozes")
    assert [(s["buyer_id"], s["week"], s["until_on"], s["reason"], s["band"]) for s in snoozes] == [
        (second.buyer_id, week, until.isoformat(), "Waiting for their Q4 budget", second.band)
    ]
    reviews = {r["buyer_id"]: r["outcome"] for r in rows(db_copy, "SELECT * FROM reviews")}
    assert reviews == {
        e.buyer.buyer_id: "accepted"
        if e in (accepted, *later)
        else "snoozed"
        if e.buyer == second
        else "reviewed"
        for e in entries
    }
    audit = rows(db_copy, "SELECT entity, entity_id, field, old, new FROM audit")
    assert sum(a["entity"] == "review" for a in audit) == len(entries)
    assert {"entity": "intervention", "entity_id": str(target["id"]), "field": "owner",
            "old": original_owner, "new": "bob"} in audit  # fmt: skip
    assert sum(a["entity"] == "note" for a in audit) == 2  # intervention_id + text
    assert sum(a["entity"] == "snooze" for a in audit) == 5

    # The exported files hold the same list.
    with (tmp_path / "week.csv").open(encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    by_row = sorted((r["buyer_id"], r["action"], r["due_on"], r["owner"]) for r in exported)
    assert by_row == sorted(
        (r["buyer_id"], r["action"], r["due_on"], r["owner"]) for r in interventions
    )
    assert {r["status"] for r in exported} == {"open"}
    noted = [r for r in exported if r["note"] == "Left a voicemail; [b]call back[/b] Thursday"]
    assert [r["owner"] for r in noted] == ["bob"]
    data = json.loads((tmp_path / "week.json").read_text(encoding="utf-8"))
    assert data["source"] == "stored"
    assert sorted(i["id"] for i in data["interventions"]) == [r["id"] for r in interventions]
    markdown = (tmp_path / "week.md").read_text(encoding="utf-8")
    assert "## bob (1)" in markdown


async def answer_errors(
    pilot: Pilot, key: str, dialog: type, cases: list[tuple[dict, str]]
) -> None:
    """Each case's fields give the message and keep the dialog open; Esc cancels."""
    await pilot.press(key)
    await pilot.pause()
    for fields, message in cases:
        form = await submit(pilot, dialog, **fields)
        assert pilot.app.screen is form, fields
        assert message in form.error, (fields, form.error)
    await pilot.press("escape")
    await pilot.pause()


def fingerprint(path: Path) -> tuple:
    db = Database(path)
    try:
        return tuple(db[t].count for t in ("interventions", "intervention_notes", "snoozes",
                                           "overrides", "reviews", "audit"))  # fmt: skip
    finally:
        db.close()


async def test_bad_input_in_every_field_explains_and_writes_nothing_and_names_stay_literal(
    db_copy: Path,
    tmp_path: Path,
) -> None:
    hostile = "[bold red]x[/] & co"
    db = open_db(db_copy)
    db.execute("UPDATE buyers SET name = ?", [hostile])  # every queued account
    db.conn.commit()
    db.close()
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert f"{hostile}  " in str(screen.query_one("#review-buyer").content)
        await pilot.press("a")
        await settle(pilot)
        before = fingerprint(db_copy)
        week = screen.week
        day_before = (monday(week) - timedelta(days=1)).isoformat()

        await answer_errors(pilot, "c", forms.ActionDialog, [({"action": "  "}, "action is empty")])
        await answer_errors(pilot, "o", forms.OwnerDialog, [
            ({"owner": ""}, "owner is empty"),
            ({"owner": "bob;smith"}, "only letters, digits"),
            ({"owner": "b" * 101}, "longer than 100"),
        ])  # fmt: skip
        await answer_errors(pilot, "d", forms.DueDialog, [
            ({"due": day_before}, f"before the week of {monday(week).isoformat()}"),
            ({"due": "next friday"}, "is not a date"),
            ({"due": ""}, "is not a date"),
        ])  # fmt: skip
        await answer_errors(pilot, "n", forms.NoteDialog, [({"note": "   "}, "note is empty")])
        await answer_errors(pilot, "s", forms.SnoozeDialog, [
            ({"reason": ""}, "reason is empty"),
            ({"reason": "budget", "until": day_before}, "snooze end"),
            ({"reason": "budget", "until": "soon"}, "not a date"),
        ])  # fmt: skip
        await answer_errors(pilot, "h", forms.OverrideDialog, [
            ({"health": "101", "reason": "x"}, "from 0 to 100"),
            ({"health": "-1", "reason": "x"}, "from 0 to 100"),
            ({"health": "ok"}, "whole number"),
            ({"health": "70", "reason": ""}, "reason is empty"),
            ({"health": "70", "reason": "x", "expires": day_before}, "expiry"),
        ])  # fmt: skip
        await pilot.press("f")
        await settle(pilot)
        out = tmp_path / "out"
        out.mkdir()
        (out / "taken.csv").write_text("keep me", encoding="utf-8")
        await answer_errors(pilot, "e", forms.ExportDialog, [
            ({"path": ""}, "file name is empty"),
            ({"path": str(out / "missing" / "x.csv")}, "does not exist"),
            ({"path": str(out / "taken.csv")}, "already exists"),
            ({"path": str(out)}, "is a folder"),
        ])  # fmt: skip
        await settle(pilot)
        assert fingerprint(db_copy) == before
        assert (out / "taken.csv").read_text(encoding="utf-8") == "keep me"
        assert sorted(p.name for p in out.iterdir()) == ["taken.csv"]

        # The as-of week's Monday is a valid due date even when the wall clock is later.
        pilot.app.pop_screen()
        await pilot.press("d")
        await submit(pilot, forms.DueDialog, due=monday(week).isoformat())
        assert screen.entry.target()["due_on"] == monday(week).isoformat()


async def test_export_replaces_an_existing_file_only_when_asked(
    db_copy: Path,
    tmp_path: Path,
) -> None:
    target = tmp_path / "list.csv"
    target.write_text("old", encoding="utf-8")
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.screen.query_one("#force", Checkbox).value = True
        await submit(pilot, forms.ExportDialog, path=str(target))
    assert target.read_text(encoding="utf-8").startswith("buyer_id,name,owner")


async def test_arrows_move_through_the_queue_and_week_keys_review_that_week(
    db_copy: Path,
) -> None:
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        week = screen.week
        await pilot.press("down", "down")
        assert screen.current == 2
        await pilot.press("up")
        assert screen.current == 1
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.week == week - 1 and screen.week == week - 1
        assert label(week - 1) in str(screen.query_one("#review-title").content)
        assert "reviewed" in str(screen.query_one("#review-progress").content)
