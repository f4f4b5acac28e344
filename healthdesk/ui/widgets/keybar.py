"""The key hints line: one widget drawing the screen's shown bindings as text.

Textual's ``Footer`` composes a widget per key and recomposes on every focus
change; at a dozen keys that was most of the console's start-up time, so this
draws the same hints as one line of ``Content``.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    """``key description`` for every binding with ``show=True`` on the screen."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self._draw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        """As many whole hints as fit, in the screen's order; when some do not, the
        last hint is ``?``, whose help screen lists them all (never a cut-off key)."""
        hints: list[tuple[str, str]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.app.get_key_display(binding)
            hints.append((key, binding.description))
        hints.append(("^p", "palette"))
        help_hint = next((h for h in hints if h[0] == "?"), ("?", "Help"))
        room = self.size.width or self.app.size.width
        if sum(map(_width, hints)) > room:
            fitted, used = [], _width(help_hint)
            for hint in (h for h in hints if h != help_hint):
                if used + _width(hint) > room:
                    break
                fitted.append(hint)
                used += _width(hint)
            hints = [*fitted, help_hint]
        parts: list[str | tuple[str, str]] = []
        for key, description in hints:
            parts += [(f" {key} ", "bold $footer-key-foreground"), f"{description} "]
        self.update(Content.assemble(*parts))


def _width(hint: tuple[str, str]) -> int:
    key, description = hint
    return cell_len(key) + cell_len(description) + 3
