"""Opening the console on a database it cannot use: a message on screen, never a crash."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_interventions_support import db_copy, sample_path  # noqa: F401  (fixtures)
from ui_support import settle, text

from healthdesk.config import Config
from healthdesk.store.db import open_db
from healthdesk.ui.app import make_app
from healthdesk.ui.screens.portfolio import PortfolioScreen


def _messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


async def test_a_file_without_scores_is_reported_and_the_console_stays_up(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE unrelated (x)").connection.commit()
    app = make_app(path, Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("Could not read portfolio" in m and "weekly_scores" in m for m in _messages(app))
        assert app.data is None
        await pilot.press("q")
    assert app.return_value == 0


async def test_an_empty_portfolio_says_to_import_first(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    open_db(path, create=True).close()
    app = make_app(path, Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("No scored weeks yet" in m for m in _messages(app))
        await pilot.press("q")
    assert app.return_value == 0


async def test_a_week_shown_while_the_screen_is_still_composing_is_drawn_once_mounted(
    portfolio_db: Path,
) -> None:
    app = make_app(portfolio_db, Config())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = PortfolioScreen()
        app.push_screen(screen)
        assert not screen.is_mounted
        app._show(app.data)  # the first read landing before the screen has composed
        await settle(pilot)
        assert app.screen is screen
        assert len(screen.table.rows) == len(app.data.rows) > 0
        assert "As of" in text(pilot, "#summary")


async def test_a_monday_morning_export_does_not_open_the_console_on_a_partial_week(
    db_copy: Path, tmp_path: Path
) -> None:
    """One lead dated the Monday after the data (an export run that morning): report's
    default week stays the last complete one, and the console opens on the same."""
    from test_interventions_support import run_cli

    from healthdesk import engine
    from healthdesk.domain.weeks import label, monday
    from healthdesk.ingest.importer import import_folder

    db = open_db(db_copy)
    complete = engine.latest_week(db)
    folder = tmp_path / "monday"
    folder.mkdir()
    (folder / "deliveries.csv").write_text(
        f"buyer_id,date,leads,revenue\nB001,{monday(complete + 1).isoformat()},1,30\n"
    )
    result = import_folder(db, folder, recorded_as="monday-morning export")
    engine.rescore_after_import(db, Config(), result.first_day)
    db.close()
    report = run_cli("--db", str(db_copy), "report", "--format", "json", "--no-explain")
    assert '"week": "' + label(complete) + '"' in report.stdout

    app = make_app(db_copy, Config())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.week == app.latest == complete and complete + 1 in app.weeks
        assert f"As of {label(complete)} (latest)" in text(pilot, "#summary")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.week == complete + 1 and "(partial week)" in app.week_label()
        await pilot.press("L")
        await settle(pilot)
        assert app.week == complete
