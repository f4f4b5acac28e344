"""Snapshots of the weekly review and its summary on the sample, at a fixed size."""

from __future__ import annotations

from pathlib import Path

from test_interventions_support import db_copy, sample_path  # noqa: F401  (fixtures)
from textual.pilot import Pilot

from healthdesk.config import Config
from healthdesk.ui.app import make_app
from healthdesk.ui.screens.review import ReviewScreen

SIZE = (120, 36)


async def _review(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.push_screen(ReviewScreen())
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _decide_then_summary(pilot: Pilot) -> None:
    await _review(pilot)
    for key in ("a", "j", "x", "f"):
        await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


async def _second_suggestion(pilot: Pilot) -> None:
    """The second account has two suggestions: select the second one (marked ▶)."""
    await _review(pilot)
    await pilot.press("j", "tab")
    await pilot.pause()


def test_review_screen_snapshot(snap_compare, db_copy: Path) -> None:
    assert snap_compare(make_app(db_copy, Config()), terminal_size=SIZE, run_before=_review)


def test_review_selected_suggestion_snapshot(snap_compare, db_copy: Path) -> None:
    app = make_app(db_copy, Config())
    assert snap_compare(app, terminal_size=SIZE, run_before=_second_suggestion)


def test_review_summary_snapshot(snap_compare, db_copy: Path) -> None:
    app = make_app(db_copy, Config())
    assert snap_compare(app, terminal_size=SIZE, run_before=_decide_then_summary)
