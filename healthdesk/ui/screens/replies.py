"""How fast we answered buyers' requests: per request type, how many replies earned
each DOMAIN.md grade over the review's reply window, and every late one with its buyer.

The counts are ``responsiveness.by_type`` over ``engine.replies``, the read behind
``report``'s and the review's figures, so the three agree.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from ...domain.responsiveness import GRADES, TARGETS, Reply, by_type, late, words
from ...store import views
from ..messages import LoadFailed
from ..widgets.hanging import Block, Hanging, line
from ..widgets.keybar import KeyBar
from .week_screen import WeekScreen

MUTED = "$text-muted"


class RepliesLoaded(Message):
    def __init__(self, week: int, replies: list[Reply]) -> None:
        super().__init__()
        self.week, self.replies = week, replies


class RepliesScreen(WeekScreen):
    """Our reply times by request type against the targets; Esc goes back."""

    DEFAULT_CSS = "#replies-scroll { padding: 1 2; }"
    HELP_TITLE = "Replies keys"
    FOCUS = "#replies-scroll"
    OWN_READS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="replies.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="replies-summary", classes="summary")
        with VerticalScroll(id="replies-scroll"):
            yield Hanging(id="replies-body")
        yield KeyBar()

    def show_week(self) -> None:
        week = self.app.week
        if week is None:
            return
        self.shown_week = week
        self.query_one("#replies-summary", Static).update(
            Content.assemble(("As of ", MUTED), (self.app.week_label(), "bold"))
        )
        self.load(week)

    @work(thread=True, exclusive=True, group="replies", exit_on_error=False)
    def load(self, week: int) -> None:
        from ... import engine

        try:
            conn = views.connect(self.app.db_path)
            try:
                replies = engine.replies(conn, self.app.config, week)
            finally:
                conn.close()
        except Exception as exc:  # shown on screen: a bad read must not end the console
            self.post_message(LoadFailed("replies", str(exc)))
            return
        self.post_message(RepliesLoaded(week, replies))

    @on(RepliesLoaded)
    def _loaded(self, message: RepliesLoaded) -> None:
        if message.week == self.shown_week:
            data = self.app.data  # buyer names: the portfolio rows on hand, no second read
            names = {i: r.name for i, r in data.by_id.items()} if data is not None else {}
            body = self.query_one("#replies-body", Hanging)
            body.update(blocks(message.replies, names, self.app.config.review.reply_weeks))

    def action_back(self) -> None:
        self.app.pop_screen()


def blocks(replies: list[Reply], names: dict[str, str], weeks: int) -> list[Block]:
    """The grade table per request type, then every late reply (data text literal)."""
    counts = by_type(replies)
    head = f"{'request':<16}" + "".join(f"{g:>12}" for g in (*GRADES, "late")) + "   targets (h)"
    out = [line(Content.styled(f"Our replies over {weeks} weeks", "bold $text-accent"))]
    out.append(line(Content.styled(head, MUTED)))
    for kind, limits in TARGETS.items():
        row = counts[kind]
        cells = "".join(f"{row[g]:>12}" for g in (*GRADES, "late"))
        target = " / ".join(f"{h:g}" for h in limits)
        tone = "$text-error" if row["late"] else ""
        out.append(line(Content.assemble((f"{kind.replace('_', ' '):<16}{cells}", tone),
                                         (f"   {target}", MUTED))))  # fmt: skip
    slow = late(replies)
    out += [line(), line(Content.styled(f"Late ({sum(map(len, slow.values()))})", "bold"))]
    if not slow:
        out.append(line(Content.styled("  none: every request answered within target", MUTED)))
    for buyer_id, rs in slow.items():
        for r in rs:
            out.append(line(Content.assemble("  • ", (names.get(buyer_id, buyer_id), "bold"),
                                             f" ({buyer_id}): ", words(r))))  # fmt: skip
    return out
