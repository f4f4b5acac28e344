"""How fast the console paints and answers keys, against a floor measured in the same run.

    uv run python benchmarks/console.py [--buyers 5000] [--repeat 5]

Runs the app headless (``run_test``) on the 60-buyer sample and on a 5,000-buyer,
156-week portfolio (built once, cached under ``benchmarks/.work/``). Prints time to
the first painted portfolio against a bare Textual app with one Static (the floor),
and the median latency of cursor move, sort, filter, open-account and week change,
each measured from the key press until the screen has repainted.

Modules are imported before any timing, as the CLI imports the engine before the
console starts; the floor pays the same Textual start-up as the app.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from healthdesk import engine  # noqa: E402
from healthdesk.config import Config  # noqa: E402
from healthdesk.domain import report as _report  # noqa: E402,F401  (imported by the CLI too)
from healthdesk.ingest.importer import import_folder  # noqa: E402
from healthdesk.sample import generate  # noqa: E402
from healthdesk.store.db import open_db  # noqa: E402
from healthdesk.ui.app import HealthdeskApp, make_app  # noqa: E402
from healthdesk.ui.screens import account, concentration, incidents  # noqa: E402,F401
from healthdesk.ui.widgets.table import VirtualTable  # noqa: E402

WORK = ROOT / ".work"
SIZE = (120, 36)


def build(buyers: int, weeks: int, seed: int = 7) -> Path:
    """A scored portfolio database, built once per size and reused."""
    path = WORK / f"console-{buyers}x{weeks}-s{seed}.db"
    if path.exists():
        open_db(path).close()  # bring a cached database up to the current schema
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        folder = Path(tmp) / "sample"
        print(f"building {path.name} (once)…", file=sys.stderr, flush=True)
        generate(folder, buyers=buyers, weeks=weeks, seed=seed)
        _dedupe_contacts(folder / "contacts.csv")
        partial = Path(tmp) / "portfolio.db"
        db = open_db(partial, create=True)
        try:
            import_folder(db, folder)
            engine.rescore(db, Config())
            db.conn.commit()  # rescore can leave its writes in an open transaction
        finally:
            db.close()
        partial.replace(path)
    return path


def _dedupe_contacts(path: Path) -> None:
    """Older generators could repeat a contact name within a buyer at large sizes,
    which the importer rightly refuses; keep the first."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, seen, out = rows[0], set(), [rows[0]]
    b, n = header.index("buyer_id"), header.index("name")
    for row in rows[1:]:
        if (row[b], row[n]) not in seen:
            seen.add((row[b], row[n]))
            out.append(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(out)


class Floor(App):
    """The least a Textual app can do: one Static."""

    def compose(self) -> ComposeResult:
        yield Static("healthdesk")


async def floor_paint() -> float:
    start = time.perf_counter()
    app = Floor()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return time.perf_counter() - start


async def floor_key(repeat: int) -> float:
    """A key press that does nothing, timed like the console's keys: the harness cost."""
    samples = []
    async with Floor().run_test(size=SIZE) as pilot:
        for _ in range(repeat):
            start = time.perf_counter()
            await pilot.press("x")
            await pilot.pause()
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def first_paint(db: Path) -> float:
    """From building the app to the portfolio rows painted, measured like the floor:
    the condition, then one pause for the screen to be drawn."""
    start = time.perf_counter()
    app = make_app(db=db, config=Config())
    shown = asyncio.Event()
    show = app._show

    def _show(data) -> None:
        show(data)
        shown.set()

    app._show = _show  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await shown.wait()
        await pilot.pause()
        assert app.screen.query_one(VirtualTable).rows
        return time.perf_counter() - start


async def _settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def key_latencies(db: Path, repeat: int) -> dict[str, list[float]]:
    """Median-ready samples per action, each from key press to repainted screen."""
    out: dict[str, list[float]] = {}
    app: HealthdeskApp = make_app(db=db, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = app.screen
        table = screen.query_one(VirtualTable)

        async def timed(name: str, act: Callable[[], Awaitable[None]], done: Callable[[], bool]):
            start = time.perf_counter()
            await act()
            while not done():
                await pilot.pause(0.001)
            await pilot.pause()
            out.setdefault(name, []).append(time.perf_counter() - start)

        for _ in range(repeat):
            at = table.cursor
            await timed(
                "cursor move (j)", lambda: pilot.press("j"), lambda a=at: table.cursor == a + 1
            )
        for _ in range(repeat):
            before = table.sort_key
            await timed("sort (s)", lambda: pilot.press("s"), lambda b=before: table.sort_key != b)
        await pilot.press("u")
        for letter in "medicare"[:repeat]:
            await pilot.press("slash")
            await timed(
                "filter (type a letter)",
                lambda key=letter: pilot.press(key),
                lambda: True,
            )
            await pilot.press("enter")
        await pilot.press("escape")
        await _settle(pilot)
        for _ in range(repeat):
            await timed(
                "open account (enter)",
                lambda: pilot.press("enter"),
                lambda: app.screen is not screen,
            )
            await pilot.press("escape")
            await _settle(pilot)
        for _ in range(repeat):
            await _settle(pilot)  # read-ahead done: the usual case when stepping weekly
            week = app.week
            await timed(
                "week change ([), read ahead",
                lambda: pilot.press("left_square_bracket"),
                lambda w=week: app.data is not None and app.data.week != w,
            )
        await pilot.press("L")
        await _settle(pilot)
        for step in range(repeat):
            app.cache.clear()
            target = app.weeks[-10 - step * 3]
            await timed(
                "week change, not cached",
                lambda t=target: _travel(app, t),
                lambda t=target: app.data is not None and app.data.week == t,
            )
            await _settle(pilot)
    return out


async def _travel(app: HealthdeskApp, week: int) -> None:
    app.set_week(week)


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:7.1f} ms"


async def run(sizes: list[tuple[str, Path]], repeat: int) -> None:
    await floor_paint()  # warm Textual's own caches once
    for name, db in sizes:
        floors = [await floor_paint() for _ in range(repeat)]
        paints = [await first_paint(db) for _ in range(repeat)]
        floor, paint = statistics.median(floors), statistics.median(paints)
        print(f"\n{name}")
        print(
            f"  first painted portfolio {paint * 1000:7.1f} ms   floor {floor * 1000:7.1f} ms"
            f"   ratio {paint / floor:4.2f}×"
        )
        key_floor = await floor_key(repeat)
        print(f"  {'key floor (unbound key, Static app)':<32} {key_floor * 1000:7.1f} ms")
        for action, samples in (await key_latencies(db, repeat)).items():
            extra = statistics.median(samples) - key_floor
            print(
                f"  {action:<32} {median_ms(samples)}  ({extra * 1000:+.1f} ms over the key floor,"
                f" median of {len(samples)})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=5000)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [
        ("sample: 60 buyers × 104 weeks", build(60, 104)),
        (f"{args.buyers} buyers × {args.weeks} weeks", build(args.buyers, args.weeks)),
    ]
    asyncio.run(run(sizes, args.repeat))


if __name__ == "__main__":
    main()
