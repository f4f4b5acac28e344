"""Owner names as a CRM writes them ("Dana Lee", accents, apostrophes) work in the
console: "my accounts" finds them and the review accepts and reassigns with them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_interventions_support import db_copy, sample_path  # noqa: F401  (fixtures)
from test_review import SIZE, open_review, settle, submit

from healthdesk import engine
from healthdesk.config import Config
from healthdesk.store.db import open_db
from healthdesk.ui.app import make_app
from healthdesk.ui.dialogs import review_forms as forms
from healthdesk.ui.widgets.table import VirtualTable


def rename_owners(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE buyers SET owner = CASE WHEN rowid % 2 = 0 THEN 'Dana Lee' ELSE 'Seán O''Brien' END"
    )
    conn.commit()
    conn.close()
    db = open_db(db_path)
    engine.ensure_scored(db, Config())
    db.close()


def interventions(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute("SELECT owner FROM interventions ORDER BY id")]
    finally:
        conn.close()


async def test_review_accepts_and_reassigns_full_names(db_copy: Path) -> None:
    rename_owners(db_copy)
    app = make_app(db_copy, Config())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("a")
        await settle(pilot)
        owners = interventions(db_copy)
        assert owners and owners[-1] in {"Dana Lee", "Seán O'Brien"}  # was refused before
        assert screen.entry.outcome == "accepted"
        await pilot.press("o")
        await pilot.pause()
        await submit(pilot, forms.OwnerDialog, owner="  Zoë   D’Arcy ")
        await settle(pilot)
        assert interventions(db_copy)[-1] == "Zoë D’Arcy"


async def test_my_accounts_finds_a_full_name_owner(db_copy: Path) -> None:
    rename_owners(db_copy)
    app = make_app(db_copy, Config(owner="dana  lee"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        await pilot.press("m")
        assert table.rows and {r.owner for r in table.rows} == {"Dana Lee"}
