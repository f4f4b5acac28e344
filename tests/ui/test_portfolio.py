"""The portfolio: rows from stored scores, urgency order, sort, filter, toggles, keys."""

from __future__ import annotations

from pathlib import Path

from ui_support import HOSTILE, HOSTILE_ID, OWNER, ids, lines, settle, text

from healthdesk import engine
from healthdesk.config import Config
from healthdesk.store.db import open_db
from healthdesk.ui.app import HealthdeskApp
from healthdesk.ui.screens.portfolio import PortfolioScreen
from healthdesk.ui.widgets.table import VirtualTable


def _report(path: Path, week: int | None = None):
    db = open_db(path)
    try:
        return engine.report(db, Config(), week)
    finally:
        db.close()


async def test_portfolio_shows_every_buyer_in_the_reports_urgency_order(
    app: HealthdeskApp, portfolio_db: Path
) -> None:
    report = _report(portfolio_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        assert ids(table) == [b.buyer_id for b in report.buyers]
        shown = {r.buyer_id: r for r in table.rows}
        for b in report.buyers:
            row = shown[b.buyer_id]
            assert (row.health, row.health_change, row.band) == (b.health, b.health_change, b.band)
            assert row.trust_level == b.trust["level"]
            assert row.new_warnings == b.new_warnings
        assert any(b.new_warnings for b in report.buyers)
        header = text(pilot, "#summary")
        assert report.week in header and "(latest)" in header
        assert f"{report.portfolio.revenue_13w:,.0f}" in header
        assert f"healthy {report.portfolio.bands['healthy']}" in header
        assert "ALERT" in header if report.portfolio.concentration_alerts else "ok" in header


async def test_j_k_and_arrows_move_the_cursor(app: HealthdeskApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k", "up")
        assert table.cursor == 1
        await pilot.press("G")
        assert table.cursor == len(table.rows) - 1
        await pilot.press("g")
        assert table.cursor == 0


async def test_sort_by_a_column_and_reverse_keeps_the_cursor_on_its_buyer(
    app: HealthdeskApp,
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        table = screen.query_one("#buyers", VirtualTable)
        await pilot.press("j", "j")
        chosen = table.row.buyer_id
        await pilot.press("s", "s")
        assert table.sort_key == "health"
        healths = [r.health for r in table.rows]
        assert healths == sorted(healths)
        assert table.row.buyer_id == chosen
        assert "hlt▲" in lines(table)[0]
        await pilot.press("R")
        assert [r.health for r in table.rows] == sorted(healths, reverse=True)
        assert table.row.buyer_id == chosen
        await pilot.press("u")
        assert table.sort_key is None and "order urgency" in text(pilot, "#state")


async def test_slash_filters_by_name_owner_or_vertical_and_escape_clears(
    app: HealthdeskApp,
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        total = len(table.rows)
        await pilot.press("slash", *"medicare")
        assert 0 < len(table.rows) < total
        assert all("medicare" in f"{r.name} {r.vertical}".lower() for r in table.rows)
        await pilot.press("enter")
        assert table.has_focus
        assert "filter medicare" in text(pilot, "#state")
        await pilot.press("escape")
        assert len(table.rows) == total


async def test_band_and_mine_toggles(app: HealthdeskApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        total = len(table.rows)
        await pilot.press("b")
        assert {r.band for r in table.rows} <= {"at_risk"}
        await pilot.press("b")
        assert {r.band for r in table.rows} <= {"at_risk", "watch"}
        assert "watch + at risk" in text(pilot, "#state")
        await pilot.press("b", "m")
        assert table.rows and {r.owner for r in table.rows} == {OWNER}
        await pilot.press("m")
        assert len(table.rows) == total


async def test_hostile_name_is_shown_literally(app: HealthdeskApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        await pilot.press("slash", *"evil", "enter")
        assert [r.buyer_id for r in table.rows] == [HOSTILE_ID]
        assert HOSTILE in lines(table)[1]


async def test_enter_opens_the_account_and_escape_returns_to_the_same_row_and_filter(
    app: HealthdeskApp,
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        await pilot.press("slash", *"a", "enter", "j", "j")
        chosen, shown = table.row.buyer_id, ids(table)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "AccountScreen"
        assert chosen in text(pilot, "#account-title")
        await pilot.press("escape")
        assert isinstance(app.screen, PortfolioScreen)
        assert table.row.buyer_id == chosen and ids(table) == shown


async def test_q_quits_with_exit_code_zero(app: HealthdeskApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert app.return_code == 0


async def test_usable_at_80_by_24(app: HealthdeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#buyers", VirtualTable)
        first = lines(table)[1]
        assert len(first) == table.scrollable_content_region.width
        assert table.rows[0].name[:10] in first
        summary = app.screen.query_one("#summary")
        assert summary.size.height == 2  # the header wraps instead of losing its end
        assert "concentration ALERT 1 over 25%" in text(pilot, "#summary")
