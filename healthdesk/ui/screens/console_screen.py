"""The base of every console screen: ``self.app`` typed as the healthdesk app.

Textual types ``self.app`` as any ``App``, so reading the app's week, data or config
from a screen would not type-check; the cast says which app a screen lives in (as
posting does), without changing which object comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from ..app import HealthdeskApp


class ConsoleScreen(Screen):
    """A screen of the healthdesk console."""

    @property
    def app(self) -> HealthdeskApp:
        """The running console (Textual's own ``app``, typed)."""
        return cast("HealthdeskApp", super().app)
