"""Weekly review: the accounts that need a look this week, one decision each.

Loading and saving live in ``review_io.ReviewBase``, the writes behind the keys in
``review_actions``; this module is the bindings, the navigation and the rendering.
Every decision (accept, reviewed, snooze) is written at once. An account with several
suggestions shows them numbered; ``tab``/``shift+tab`` or ``1``–``9`` select one
(marked ▶), and ``a`` accepts, ``c``/``o``/``d``/``n``/``t`` edit, the selected one
only. ``A`` accepts every suggestion of the account at once.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static

from ..widgets.hanging import Hanging
from ..widgets.keybar import KeyBar
from .review_actions import ReviewActions
from .review_detail import entry_blocks
from .review_entry import prompt


class ReviewScreen(ReviewActions):
    """The week's review queue; Esc goes back, ``f`` shows the summary."""

    HELP_TITLE = "Weekly review keys"
    CSS_PATH = "../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept", id="review.accept"),
        Binding("A", "accept_all", "Accept all", show=False, id="review.accept_all"),
        Binding("c", "edit('action')", "Action", id="review.action"),
        Binding("o", "edit('owner')", "Owner", id="review.owner"),
        Binding("d", "edit('due_on')", "Due", id="review.due"),
        Binding("n", "edit('note')", "Note", id="review.note"),
        Binding("t", "status", "Task status", id="review.status"),
        Binding("enter", "open_account", "Open", id="review.open"),
        Binding("l", "log", "Log", id="review.log"),
        Binding("s", "snooze", "Snooze", id="review.snooze"),
        Binding("x", "reviewed", "No action", id="review.reviewed"),
        Binding("h", "override", "Override", id="review.override"),
        Binding("j,down", "move(1)", "Next", id="review.next"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="review.previous"),
        Binding("tab", "pick(1)", "Next suggestion", show=False, id="review.pick_next"),
        Binding(
            "shift+tab", "pick(-1)", "Previous suggestion", show=False, id="review.pick_previous"
        ),
        # One help line for the nine digits: 2-9 carry no description, 1 speaks for all.
        *(
            Binding(
                str(n),
                f"pick_number({n})",
                "Pick suggestion 1–9" if n == 1 else "",
                show=False,
                key_display="1…9" if n == 1 else None,
                id=f"review.pick_{n}",
            )
            for n in range(1, 10)
        ),
        Binding("pagedown", "page(1)", "Page down", show=False, id="review.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="review.page_up"),
        Binding("m", "mine", "Mine", id="review.mine"),
        Binding("g", "reason", "Reason", id="review.reason"),
        Binding("f", "finish", "Summary", id="review.summary"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="review-title", classes="summary")
        yield Static(id="review-progress", classes="state")
        with Horizontal(id="review-main"):
            queue = OptionList(id="review-queue")
            queue.can_focus = False
            yield queue
            detail = VerticalScroll(id="review-detail")
            detail.can_focus = False  # arrows move through the queue, not the panel
            with detail:
                yield Hanging(id="review-buyer")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_week()

    def show_week(self) -> None:
        """Called by the app when the as-of week changes: review that week instead."""
        week = self.app.week
        if week is None or week == self.week:
            return
        self.week = week
        self.entries = []
        self.query_one("#review-title", Static).update(self._title())
        self._set_progress(Content.styled("loading the queue…", "$text-muted"))
        self.load(week)

    def _title(self) -> Content:
        return Content.assemble(("Weekly review", "bold"), " · week of ", self.app.week_label())

    def loaded(self) -> None:
        queue = self.query_one("#review-queue", OptionList)
        queue.set_options(prompt(e) for e in self.entries)
        self._show()

    def changed(self, index: int) -> None:
        queue = self.query_one("#review-queue", OptionList)
        queue.replace_option_prompt_at_index(index, prompt(self.entries[index]))
        self._show()

    def action_mine(self) -> None:
        """Only my accounts (the console's owner), or everyone's again."""
        self.mine = not self.mine
        self._reload()

    def action_reason(self) -> None:
        """Cycle the reason filter through the codes in this week's queue, then all."""
        codes: list[str | None] = [None, *self.codes]
        at = codes.index(self.reason) if self.reason in codes else 0
        self.reason = codes[(at + 1) % len(codes)]
        self._reload()

    def _reload(self) -> None:
        if self.week is not None:
            self._set_progress(Content.styled("filtering the queue…", "$text-muted"))
            self.load(self.week)

    def _filters(self) -> str:
        parts = [f"owner {self.app.owner}"] if self.mine else []
        parts += [f"reason {self.reason.replace('_', ' ')}"] if self.reason else []
        return "".join(f" · {p}" for p in parts)

    def _set_progress(self, content: Content) -> None:
        self.query_one("#review-progress", Static).update(content)

    def _show(self) -> None:
        done, total = self.progress()
        if not total:
            filters = self._filters()
            empty = f"Nothing matches{filters}." if filters else "Nothing needs a look this week."
            self._set_progress(Content(empty))
            self.query_one("#review-buyer", Hanging).update([])
            return
        tail = " · all done: f for the summary" if done == total else ""
        self._set_progress(Content(f"{done} of {total} reviewed{self._filters()}{tail}"))
        queue = self.query_one("#review-queue", OptionList)
        queue.highlighted = self.current
        self.query_one("#review-buyer", Hanging).update(entry_blocks(self.entry))

    @on(OptionList.OptionHighlighted, "#review-queue")
    def _clicked(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.current:
            self.current = event.option_index
            self._show()

    def action_move(self, step: int) -> None:
        if self.entries:
            self.current = (self.current + step) % len(self.entries)
            self._show()

    def action_pick(self, step: int) -> None:
        """Select the next (previous) suggestion of the account, wrapping."""
        entry = self.entry
        if entry is not None and entry.select(entry.selected + step):
            self._show()

    def action_pick_number(self, number: int) -> None:
        entry = self.entry
        if entry is None:
            return
        if number > len(entry.slots()):
            self.notify(f"There is no suggestion {number} here.", timeout=2)
            return
        entry.select(number - 1)
        self._show()

    def action_page(self, direction: int) -> None:
        detail = self.query_one("#review-detail", VerticalScroll)
        detail.scroll_relative(y=direction * max(detail.size.height - 2, 1), animate=False)

    def action_open_account(self) -> None:
        """The account screen; Esc comes back to this place in the queue."""
        if self.entry is not None:
            self.app.open_account(self.entry.buyer.buyer_id)

    def action_finish(self) -> None:
        from .review_summary import ReviewSummary

        if self.week is not None:
            self.app.push_screen(ReviewSummary(self.week, self.entries, self.before))

    def action_back(self) -> None:
        self.app.pop_screen()
