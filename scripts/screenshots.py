"""Write an SVG of every console screen on the bundled sample data into screenshots/.

    uv run python scripts/screenshots.py

Builds a scratch database from ``data/sample/`` (never touching data/healthdesk.db),
drives the app headless at 120×36 and saves one picture per screen.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from healthdesk import engine  # noqa: E402
from healthdesk.config import Config  # noqa: E402
from healthdesk.ingest.importer import import_folder  # noqa: E402
from healthdesk.store.db import open_db  # noqa: E402
from healthdesk.ui.app import make_app  # noqa: E402

OUT = ROOT / "screenshots"
SIZE = (120, 36)


async def _settle(pilot: Pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _account(pilot: Pilot) -> None:
    await pilot.press("enter")


async def _what_if(pilot: Pilot) -> None:
    await pilot.press("c", "w")


async def _history(pilot: Pilot) -> None:
    for _ in range(8):
        await pilot.press("left_square_bracket")
        await _settle(pilot)


async def _review(pilot: Pilot) -> None:
    """The second account with a health override: two suggestions, the second selected.

    The override stays in the scratch database, so the summary shot lists it too."""
    await pilot.press("r")
    await _settle(pilot)
    await pilot.press("j", "h")
    await _settle(pilot)
    form = pilot.app.screen
    form.query_one("#health", Input).value = "55"
    form.query_one(
        "#reason", Input
    ).value = "Paid the overdue invoice by phone; volume back in December"
    await pilot.press("ctrl+s")
    for _ in range(50):  # the save re-scores the buyer in a worker: wait until it lands
        await _settle(pilot)
        if pilot.app.screen.entry.buyer.override:
            break
    await pilot.press("tab")
    pilot.app.clear_notifications()


async def _review_summary(pilot: Pilot) -> None:
    """A few decisions (accept, no action, accept), then the summary (runs last: it
    writes to the scratch database the other shots read)."""
    await pilot.press("r")
    for key in ("a", "j", "x", "a", "f"):
        await _settle(pilot)
        await pilot.press(key)
    await _settle(pilot)
    pilot.app.clear_notifications()


SHOTS: list[tuple[str, Callable[[Pilot], Awaitable[None]] | None]] = [
    ("portfolio", None),
    ("account", _account),
    ("concentration", _what_if),
    ("incidents", lambda pilot: pilot.press("i")),
    ("replies", lambda pilot: pilot.press("y")),
    ("help", lambda pilot: pilot.press("question_mark")),
    ("time-travel", _history),
    ("review", _review),
    ("review-summary", _review_summary),
]


async def shoot(db: Path, name: str, steps: Callable[[Pilot], Awaitable[None]] | None) -> Path:
    app = make_app(db=db, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        if steps is not None:
            await steps(pilot)
            await _settle(pilot)
        path = OUT / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"healthdesk — {name}"), encoding="utf-8")
    return path


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "sample.db"
        db = open_db(db_path, create=True)
        try:
            import_folder(db, ROOT / "data" / "sample")
            engine.rescore(db, Config())
            db.conn.commit()  # rescore can leave its writes in an open transaction
        finally:
            db.close()
        for name, steps in SHOTS:
            print(asyncio.run(shoot(db_path, name, steps)).relative_to(ROOT))


if __name__ == "__main__":
    main()
