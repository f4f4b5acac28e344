"""Reading what the console shows: table lines, static text, and waiting on workers."""

from __future__ import annotations

from textual.pilot import Pilot

from healthdesk.ui.widgets.table import VirtualTable

HOSTILE = "[bold red]Evil[/] =cmd"
HOSTILE_ID = "B002"
OWNER = "eli"


async def settle(pilot: Pilot) -> None:
    """Let every worker finish and every message they posted be handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def lines(table: VirtualTable) -> list[str]:
    """The table's lines as painted (header first)."""
    return [table.render_line(y).text for y in range(table.size.height)]


def text(pilot: Pilot, selector: str) -> str:
    """A Static's (or a Hanging block list's) text as shown, unwrapped."""
    content = pilot.app.screen.query_one(selector).content
    return getattr(content, "plain", str(content))


def ids(table: VirtualTable) -> list[str]:
    return [table.key(r) for r in table.rows]
