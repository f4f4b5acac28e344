"""A manager's health override on the portfolio and account screens: the manager's
number, marked as such, with the computed one and the reason beside it."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from ui_support import settle, text

from healthdesk.config import Config
from healthdesk.domain.weeks import monday
from healthdesk.store import interventions as store
from healthdesk.store import views
from healthdesk.store.db import open_db
from healthdesk.ui.app import HealthdeskApp, make_app
from healthdesk.ui.widgets.table import VirtualTable

REASON = "[b]signed[/b] a new contract"


@pytest.fixture
def overridden(portfolio_db: Path, tmp_path: Path) -> tuple[Path, str, int, int]:
    """A copy of the console database with a healthy buyer overridden to 20 from the
    latest week: (path, buyer, its computed health, the override's week)."""
    path = tmp_path / "overridden.db"
    shutil.copyfile(portfolio_db, path)
    conn = views.connect(path)
    week = views.scored_weeks(conn)[-1]
    buyer, health = next(
        (r.buyer_id, r.health) for r in views.portfolio(conn, week) if r.band == "healthy"
    )
    conn.close()
    db = open_db(path)
    try:
        store.set_override(db, buyer, 20, REASON, monday(week) + timedelta(days=30), week)
    finally:
        db.close()
    return path, buyer, health, week


async def test_portfolio_shows_the_managers_health_marked_and_counts_its_band(
    portfolio_db: Path, overridden: tuple[Path, str, int, int]
) -> None:
    path, buyer, computed, _ = overridden
    plain: HealthdeskApp = make_app(portfolio_db, Config())
    async with plain.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        at_risk_before = sum(r.band == "at_risk" for r in plain.data.rows)
    app: HealthdeskApp = make_app(path, Config())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        row = app.data.by_id[buyer]
        assert (row.health, row.band) == (20, "at_risk")
        assert row.override is not None and row.override[:2] == (computed, REASON)
        assert sum(r.band == "at_risk" for r in app.data.rows) == at_risk_before + 1
        assert f"at risk {at_risk_before + 1}" in text(pilot, "#summary")
        table = app.screen.query_one("#buyers", VirtualTable)
        assert table.move_to(buyer)
        await pilot.pause()
        line = table.render_line(table.cursor - round(table.scroll_offset.y) + 1).text
        assert "✎20" in line
        await pilot.press("enter")
        await settle(pilot)
        headline = text(pilot, "#headline")
        assert f"Overridden by hand (computed {computed})" in headline
        assert REASON in headline


async def test_before_the_override_was_set_the_computed_health_shows(
    overridden: tuple[Path, str, int, int],
) -> None:
    path, buyer, computed, week = overridden  # the computed health is what shows
    app: HealthdeskApp = make_app(path, Config())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.data.week == week - 1
        row = app.data.by_id[buyer]
        assert row.override is None and row.health != 20
        assert computed >= 70
