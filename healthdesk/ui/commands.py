"""The command palette (ctrl+p): every key's action on the current screen, the
app's navigation, and "open account" for every buyer of the as-of week."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.style import Style

if TYPE_CHECKING:
    from .app import HealthdeskApp

Command = tuple[str, Callable[[], object], str]


class ActionsProvider(Provider):
    """Every action reachable by a key, listed with the key that does it."""

    def _commands(self) -> list[Command]:
        app = cast("HealthdeskApp", self.app)
        seen: set[str] = set()
        out: list[Command] = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = binding.key_display or app.get_key_display(binding)
            run = partial(app.run_action, binding.action, active.node)
            out.append((binding.description, run, f"key {shown or key}"))
        return out

    def _buyers(self) -> list[Command]:
        app = cast("HealthdeskApp", self.app)
        if app.data is None:
            return []
        return [
            (f"Open account: {r.name} ({r.buyer_id})", partial(app.open_account, r.buyer_id), "")
            for r in app.data.rows
        ]

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(Content(name), run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands() + self._buyers():
            score, offsets = matcher.fuzzy_search.match(matcher.query, name)
            if score > 0:
                yield Hit(
                    score, _highlight(name, offsets, matcher.match_style), run, help=help_text
                )


def _highlight(name: str, offsets: Sequence[int], style: Style) -> Content:
    """``Matcher.highlight`` parses its text as markup; a buyer's name is plain text."""
    content = Content(name)
    for offset in offsets:
        content = content.stylize(style, offset, offset + 1)
    return content
