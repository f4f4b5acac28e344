"""``?``: every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """A list of (keys, description) for one screen; any of esc, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpScreen:
        """Help for ``screen``: its bindings, its focused widget's, and the app's."""
        app = screen.app
        grouped: dict[tuple[str, str], list[str]] = {}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description:
                continue
            shown = binding.key_display or app.get_key_display(binding.with_key(key))
            grouped.setdefault((binding.action, binding.description), []).append(shown)
        keys = [(" ".join(dict.fromkeys(k)), desc) for (_, desc), k in grouped.items()]
        return cls(getattr(screen, "HELP_TITLE", "keys"), keys)

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.keys), default=4)
        lines = [Content.styled(self.title_text, "bold $text-accent"), Content("")]
        for keys, description in self.keys:
            lines.append(
                Content.assemble((keys.ljust(width), "bold $text-primary"), "  ", description)
            )
        lines.append(Content(""))
        lines.append(
            Content.styled("esc, q or ? closes this help; ctrl+p lists every action", "$text-muted")
        )
        with VerticalScroll(id="help-body"):
            yield Static(Content("\n").join(lines), id="help-text")

    def action_dismiss(self) -> None:
        self.dismiss(None)
