"""One picture per screen at 120×36 on the seeded sample (regenerate with
``pytest tests/ui --snapshot-update`` when a screen changes on purpose)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from ui_support import settle

from healthdesk.ui.app import make_app

SIZE = (120, 36)


def _app(portfolio_db: Path, config):
    return make_app(db=portfolio_db, config=config)


def test_portfolio_snapshot(snap_compare, portfolio_db: Path, config) -> None:
    assert snap_compare(_app(portfolio_db, config), terminal_size=SIZE, run_before=settle)


def test_account_snapshot(snap_compare, portfolio_db: Path, config) -> None:
    async def open_account(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.open_account("B001")
        await settle(pilot)

    assert snap_compare(_app(portfolio_db, config), terminal_size=SIZE, run_before=open_account)


def test_concentration_what_if_snapshot(snap_compare, portfolio_db: Path, config) -> None:
    async def what_if(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c", "w")
        await settle(pilot)

    assert snap_compare(_app(portfolio_db, config), terminal_size=SIZE, run_before=what_if)


def test_incidents_snapshot(snap_compare, portfolio_db: Path, config) -> None:
    async def incidents(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)

    assert snap_compare(_app(portfolio_db, config), terminal_size=SIZE, run_before=incidents)


def test_replies_snapshot(snap_compare, portfolio_db: Path, config) -> None:
    async def replies(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)

    assert snap_compare(_app(portfolio_db, config), terminal_size=SIZE, run_before=replies)


def test_help_snapshot(snap_compare, portfolio_db: Path, config) -> None:
    async def help_screen(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(_app(portfolio_db, config), terminal_size=SIZE, run_before=help_screen)
