"""Opening the console on a database it cannot use: a message on screen, never a crash."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
