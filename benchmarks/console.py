"""How fast the console paints and answers keys, against a floor measured in the same run.

    uv run python benchmarks/console.py [--buyers 5000] [--repeat 7]

Runs the app headless (``run_test``) on the 60-buyer sample and on a 5,000-buyer,
156-week portfolio (built once, cached under ``benchmarks/.work/``). Every figure runs
to a frame: a check is made each time the app composes one, so "first paint" is from
building the app to the first frame with portfolio rows on it, and a key's latency
is from the key event (sent as the terminal driver sends it) to the first frame that
shows its effect. The floors are the same measures on a bare Textual app with one
Static: its first frame, and a key that updates the Static.

"Open account" is the first frame of the account screen (the stored row, components
and headline); "account fully explained" is the later frame with the explanation,
records and history that its workers read.

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
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import events
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
from healthdesk.ui.app import READ_AHEAD_AFTER, HealthdeskApp, make_app  # noqa: E402
from healthdesk.ui.screens import account, concentration, incidents  # noqa: E402,F401
from healthdesk.ui.widgets.table import VirtualTable  # noqa: E402

WORK = ROOT / ".work"
TIMEOUT = 30.0
SIZE = (120, 36)


def build(buyers: int, weeks: int, seed: int = 7) -> Path:
    """A scored portfolio database, built once per size and reused."""
    path = WORK / f"console-{buyers}x{weeks}-s{seed}.db"
    if path.exists():
        db = open_db(path)  # a cached database: current schema and scores, as the CLI does
        try:
            engine.ensure_scored(db, Config())
            db.conn.commit()
        finally:
            db.close()
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


class Frames:
    """The moment a change reaches the screen: a check run each time the app composes
    a frame (headless, ``App._display`` still receives every update), so latency is
    measured from the key to the first frame that shows its effect, not to when the
    process next looks idle (what ``Pilot.pause`` waits for, 60+ ms on its own)."""

    def __init__(self, app: App) -> None:
        self._waiting: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        shown = app._display

        def display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
            shown(screen, renderable)
            if renderable is None:
                return
            now = time.perf_counter()
            for done, future in self._waiting:
                if not future.done() and done():
                    future.set_result(now)
            self._waiting = [w for w in self._waiting if not w[1].done()]

        app._display = display  # type: ignore[method-assign]

    def expect(self, done: Callable[[], bool]) -> asyncio.Future[float]:
        """Resolve with the time of the first frame composed while ``done()`` holds."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((done, future))
        return future


CHARS = {"left_square_bracket": "[", "slash": "/", "enter": "\r", "escape": "\x1b", "x": "x"}


def send(app: App, key: str) -> None:
    """A key press as the terminal driver delivers it, without Pilot's idle waits."""
    app._driver.send_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))


class Floor(App):
    """The least a Textual app can do: one Static, and one key that changes it."""

    BINDINGS: ClassVar = [("x", "tick", "tick")]

    def compose(self) -> ComposeResult:
        yield Static("healthdesk", id="floor")

    def action_tick(self) -> None:
        self.ticks = getattr(self, "ticks", 0) + 1
        self.query_one("#floor", Static).update(f"healthdesk {self.ticks}")


async def floor_paint() -> float:
    start = time.perf_counter()
    app = Floor()
    frames = Frames(app)
    painted = frames.expect(lambda: bool(app.screen.query("#floor")))
    async with app.run_test(size=SIZE):
        return await asyncio.wait_for(painted, TIMEOUT) - start


async def floor_key(repeat: int) -> float:
    """A key that changes one Static, from press to frame: what any key costs."""
    samples = []
    app = Floor()
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(1, repeat + 1):
            shown = frames.expect(lambda n=n: getattr(app, "ticks", 0) == n)
            start = time.perf_counter()
            send(app, "x")
            samples.append(await asyncio.wait_for(shown, TIMEOUT) - start)
            await pilot.pause()
    return statistics.median(samples)


async def first_paint(db: Path) -> float:
    """From building the app to the first frame with portfolio rows on it."""
    start = time.perf_counter()
    app = make_app(db=db, config=Config())
    frames = Frames(app)

    def rows_shown() -> bool:
        tables = app.screen.query(VirtualTable)
        return bool(tables) and bool(tables.first().rows)

    painted = frames.expect(rows_shown)
    async with app.run_test(size=SIZE):
        return await asyncio.wait_for(painted, TIMEOUT) - start


async def _settle(pilot: Pilot) -> None:
    """Let workers finish and the read-ahead of neighbouring weeks run."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await asyncio.sleep(READ_AHEAD_AFTER + 0.1)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def key_latencies(db: Path, repeat: int) -> dict[str, list[float]]:
    """Samples per action, each from key press to the first frame showing its effect."""
    out: dict[str, list[float]] = {}
    app: HealthdeskApp = make_app(db=db, config=Config())
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = app.screen
        table = screen.query_one(VirtualTable)

        async def timed(name: str, act: Callable[[], None], done: Callable[[], bool]) -> float:
            shown = frames.expect(done)
            start = time.perf_counter()
            act()
            out.setdefault(name, []).append(await asyncio.wait_for(shown, TIMEOUT) - start)
            await pilot.pause()
            return start

        def press(key: str) -> Callable[[], None]:
            return lambda: send(app, key)

        for _ in range(repeat):
            await timed("cursor move (j)", press("j"), lambda a=table.cursor: table.cursor == a + 1)
        for _ in range(repeat):
            await timed("sort (s)", press("s"), lambda b=table.sort_key: table.sort_key != b)
        await pilot.press("u", "slash")
        typed = ""
        for letter in "medicare"[:repeat]:
            typed += letter
            await timed("filter (type a letter)", press(letter), lambda t=typed: screen.text == t)
        await pilot.press("enter", "escape")
        await _settle(pilot)
        for _ in range(repeat):
            explained = frames.expect(lambda: getattr(app.screen, "report", None) is not None)
            start = await timed(
                "open account (enter)", press("enter"), lambda: app.screen is not screen
            )
            out.setdefault("account fully explained", []).append(
                await asyncio.wait_for(explained, TIMEOUT) - start
            )
            await pilot.press("escape")
            await _settle(pilot)
        for _ in range(repeat):
            await timed(
                "week change ([), read ahead",
                press("left_square_bracket"),
                lambda w=app.week: app.data is not None and app.data.week != w,
            )
            await _settle(pilot)
        await pilot.press("L")
        await _settle(pilot)
        for step in range(repeat):
            app.cache.clear()
            target = app.weeks[-10 - step * 3]
            await timed(
                "week change, not cached",
                lambda t=target: app.set_week(t),
                lambda t=target: app.data is not None and app.data.week == t,
            )
            await _settle(pilot)
    return out


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
        print(f"  {'key floor (Static app, 1 update)':<32} {key_floor * 1000:7.1f} ms")
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
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sizes = [
        ("sample: 60 buyers × 104 weeks", build(60, 104)),
        (f"{args.buyers} buyers × {args.weeks} weeks", build(args.buyers, args.weeks)),
    ]
    asyncio.run(run(sizes, args.repeat))


if __name__ == "__main__":
    main()
