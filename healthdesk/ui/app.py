"""The console: one app, built by ``make_app`` for the CLI and the tests alike.

The app owns the "as of" week. Every screen draws from stored weekly scores of
that week, read by thread workers (one sqlite connection per worker) into a small
cache; ``[``/``]`` move the week, ``L`` returns to the latest, and the weeks next
to the one on screen are read ahead so stepping through history does not wait.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from ..config import Config
from ..domain.weeks import label
from ..store import views
from .commands import ActionsProvider
from .messages import LoadFailed, Week, WeekLoaded, WeeksLoaded
from .reading import in_thread, read_week

CACHE_WEEKS = 12
READ_AHEAD_AFTER = 0.3
"""Seconds a week stays on screen before its neighbours are read: a worker reading
while the screen paints would take the GIL from the paint."""


class HealthdeskApp(App[int]):
    """Buyer account health, week by week."""

    TITLE = "healthdesk"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {ActionsProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding(
            "left_square_bracket", "week(-1)", "Week back", key_display="[", id="app.week_back"
        ),
        Binding(
            "right_square_bracket", "week(1)", "Week fwd", key_display="]", id="app.week_forward"
        ),
        Binding("L", "latest_week", "Latest", id="app.latest_week"),
        Binding("p", "portfolio", "Portfolio", show=False, id="app.portfolio"),
        Binding("c", "concentration", "Concentration", id="app.concentration"),
        Binding("i", "incidents", "Incidents", id="app.incidents"),
        Binding("r", "review", "Weekly review", id="app.review"),
        Binding("y", "replies", "Replies", id="app.replies"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.force_quit"),
    ]

    def __init__(self, db: Path, config: Config) -> None:
        super().__init__()
        if config.keys:  # checked first: a bad [keys] table is a ConfigError naming the key
            from .keymap import check

            self.set_keymap(check(config.keys))
        self.db_path = db
        self.config = config
        self.owner = config.owner or os.environ.get("USER", "")
        self.weeks: list[int] = []
        self.week: int | None = None
        self.data: Week | None = None
        self.cache: OrderedDict[int, Week] = OrderedDict()
        self.started = time.perf_counter()
        self.ready_after: float | None = None
        self._read_ahead: Timer | None = None
        self._latest: int | None = None
        self.generation = 0
        """Bumped by ``reread``: a covered screen redraws on resume when it changed."""
        self._stale = False
        self._opening = in_thread(self._read_latest)

    def get_default_screen(self) -> Screen:
        from .screens.portfolio import PortfolioScreen

        self._take_opening()  # read already? then the first frame shows the rows
        return PortfolioScreen()

    def on_mount(self) -> None:
        if not self._take_opening():
            self.load_start()

    def _take_opening(self) -> bool:
        """Use the first read if it is done (never waiting for it on this thread)."""
        if self.ready_after is not None:
            return True
        if not self._opening.done() or self._opening.exception() is not None:
            return False
        self._weeks_loaded(WeeksLoaded(*self._opening.result()))
        return True

    @property
    def latest(self) -> int | None:
        """The default "as of": the latest complete week, as ``report`` reads it."""
        return self._latest if self.weeks else None

    def week_label(self) -> str:
        """The as-of week as users read it: its Monday, and whether it is the latest."""
        if self.week is None:
            return "loading…"
        latest = self.latest
        if latest is not None and self.week > latest:
            return label(self.week) + " (partial week)"
        return label(self.week) + (" (latest)" if self.week == latest else " (history)")

    def _read_latest(self) -> tuple[list[int], Week]:
        """The scored weeks and the default week's portfolio, in one connection: the
        latest complete week (``engine.latest_week``, as ``report`` has it), so a
        Monday-morning export's lone row never opens the console on a partial week."""
        from ..engine import latest_week

        conn = views.connect(self.db_path)
        try:
            weeks = views.scored_weeks(conn)
            if not weeks:
                return weeks, Week(0, [])
            default = latest_week(conn)  # type: ignore[arg-type]  # reads with execute() only
            week = default if default in weeks else weeks[-1]
            return weeks, read_week(conn, week, self.config.bands)
        finally:
            conn.close()

    @work(thread=True, exclusive=True, group="weeks", exit_on_error=False)
    def load_start(self) -> None:
        """Hand over the first read, begun with the app so that it overlaps Textual's
        own start-up instead of following it."""
        try:
            weeks, data = self._opening.result()
        except Exception as exc:  # reported on screen: the console must not die on a bad file
            self.post_message(LoadFailed("portfolio", str(exc)))
            return
        self.post_message(WeeksLoaded(weeks, data))

    @work(thread=True, exclusive=True, group="week", exit_on_error=False)
    def load_week(self, week: int) -> None:
        self._read(week, prefetch=False)

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def prefetch(self, weeks: list[int]) -> None:
        for week in weeks:
            self._read(week, prefetch=True)

    def _read(self, week: int, prefetch: bool) -> None:
        try:
            conn = views.connect(self.db_path)
            try:
                data = read_week(conn, week, self.config.bands)
            finally:
                conn.close()
        except Exception as exc:  # reported on screen, see load_start
            self.post_message(LoadFailed(f"week {label(week)}", str(exc)))
            return
        self.post_message(WeekLoaded(data, prefetch))

    @on(WeeksLoaded)
    def _weeks_loaded(self, message: WeeksLoaded) -> None:
        self.weeks = message.weeks
        if not self.weeks:
            self.ready_after = time.perf_counter() - self.started
            self.notify("No scored weeks yet: import data first.", severity="warning")
            return
        self._store(message.data)
        self.week = self._latest = message.data.week
        self._show(message.data)
        if self.ready_after is None:
            self.ready_after = time.perf_counter() - self.started
            self.log.info(f"first portfolio ready after {self.ready_after:.3f} s")

    def reread(self) -> None:
        """A write landed (a decision, a task, an override, a logged call): forget the
        cached weeks and read the shown one again, so the portfolio, the account and
        the queue show what is stored now, without a restart."""
        self.generation += 1
        self.cache.clear()
        if self.week is not None:
            self._stale = True
            self.load_week(self.week)

    @on(WeekLoaded)
    def _week_loaded(self, message: WeekLoaded) -> None:
        self._store(message.data)
        if message.data.week != self.week:
            return
        if self._stale or self.data is None or self.data.week != self.week:
            self._stale = False
            self._show(message.data)

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.notify(
            f"Could not read {message.what}: {message.error}", severity="error", markup=False
        )

    def _store(self, data: Week) -> None:
        self.cache[data.week] = data
        self.cache.move_to_end(data.week)
        while len(self.cache) > CACHE_WEEKS:
            self.cache.popitem(last=False)

    def _show(self, data: Week) -> None:
        """Make ``data`` the week on screen, then read its neighbours ahead."""
        self.data = data
        screen = self.screen_stack[-1] if self.screen_stack else None
        show = getattr(screen, "show_week", None)
        if screen is not None and show is not None:
            # A screen still composing has no widgets to fill yet: it draws once mounted.
            if screen.is_mounted:
                show()
            else:
                screen.call_later(show)
        if self._read_ahead is not None:
            self._read_ahead.stop()
        self._read_ahead = self.set_timer(READ_AHEAD_AFTER, self._read_neighbours)

    def _read_neighbours(self) -> None:
        """Read the weeks either side of the one on screen, so ``[``/``]`` need not wait."""
        if self.data is None:
            return
        i = self.weeks.index(self.data.week)
        ahead = [self.weeks[j] for j in (i - 1, i + 1) if 0 <= j < len(self.weeks)]
        missing = [w for w in ahead if w not in self.cache]
        if missing:
            self.prefetch(missing)

    def set_week(self, week: int) -> None:
        """Travel to ``week``: at once from the cache, else when its worker is done."""
        if week == self.week:
            return
        self.week = week
        if week in self.cache:
            self.cache.move_to_end(week)
            self._show(self.cache[week])
        else:
            self.load_week(week)

    def action_week(self, delta: int) -> None:
        if self.week is None or not self.weeks:
            return
        i = min(max(self.weeks.index(self.week) + delta, 0), len(self.weeks) - 1)
        if self.weeks[i] == self.week:
            self.bell()
            return
        self.set_week(self.weeks[i])

    def action_latest_week(self) -> None:
        if self.latest is not None:
            self.set_week(self.latest)

    def action_help(self) -> None:
        from .dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen.for_screen(self.screen))

    def action_portfolio(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_concentration(self) -> None:
        from .screens.concentration import ConcentrationScreen

        self._open(ConcentrationScreen())

    def action_replies(self) -> None:
        from .screens.replies import RepliesScreen

        self._open(RepliesScreen())

    def action_incidents(self) -> None:
        from .screens.incidents import IncidentsScreen

        self._open(IncidentsScreen())

    def open_account(self, buyer_id: str) -> None:
        """Open one buyer's account screen on top of the current one."""
        from .screens.account import AccountScreen

        self.push_screen(AccountScreen(buyer_id))

    def action_review(self) -> None:
        from .screens.review import ReviewScreen

        self._open(ReviewScreen())

    def _open(self, screen: Screen) -> None:
        """Open a top-level view; the portfolio stays underneath, so Esc returns to it."""
        if type(self.screen) is type(screen):
            return
        self.action_portfolio()
        self.push_screen(screen)

    async def action_quit(self) -> None:
        self.exit(0)


def make_app(db: Path, config: Config) -> HealthdeskApp:
    """The console on database ``db``: the CLI and the tests build it here."""
    return HealthdeskApp(db=db, config=config)
