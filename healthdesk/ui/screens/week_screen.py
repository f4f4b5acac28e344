"""What every view of the as-of week shares: draw on mount, catch up on resume.

The app calls ``show_week`` on the top screen when the week changes; a screen that
was covered (the account over the portfolio, say) missed those calls, so it redraws
when it comes back if the week it shows is no longer the app's, or if a write was
stored while it was covered (the app's ``generation``).
"""

from __future__ import annotations

from typing import ClassVar

from .console_screen import ConsoleScreen


class WeekScreen(ConsoleScreen):
    """A screen drawn for the app's "as of" week."""

    FOCUS: ClassVar[str]
    """The widget that takes the keys when the screen opens."""
    OWN_READS: ClassVar[bool] = False
    """True when the screen reads its own records for the week asked for (``app.week``);
    False when it draws the portfolio week on hand (``app.data``)."""

    def __init__(self) -> None:
        super().__init__()
        self.shown_week: int | None = None
        self.seen_generation = 0

    def on_mount(self) -> None:
        self.query_one(self.FOCUS).focus()
        self.seen_generation = self.app.generation
        self.show_week()

    def on_screen_resume(self) -> None:
        """Redraw if the week moved, or a write was stored (``app.reread``) meanwhile."""
        moved = self._current() is not None and self._current() != self.shown_week
        if moved or self.seen_generation != self.app.generation:
            self.seen_generation = self.app.generation
            self.show_week()

    def _current(self) -> int | None:
        if self.OWN_READS:
            return self.app.week
        return self.app.data.week if self.app.data is not None else None

    def show_week(self) -> None:
        """Draw the screen for the app's week (subclasses say how)."""
        raise NotImplementedError
