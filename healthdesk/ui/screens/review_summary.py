"""The end of a weekly review: what was decided, what changed since last week, export.

Counts come from the database, not from the screen's memory, so a review finished in a
second session (after quitting mid-way) sums up both sessions. "Since the last review"
compares with the previous week's recorded reviews. Health a person set (an override)
is listed with the model's number beside it, worded as in the review's account panel.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from ...domain.interventions import follow_through_summary
from ...domain.weeks import label
from ..format import BAND_LABEL, OVERRIDDEN
from ..widgets.hanging import Block, Hanging, line
from ..widgets.keybar import KeyBar
from .console_screen import ConsoleScreen
from .review_detail import bullets

if TYPE_CHECKING:
    from ...config import Config
    from ..dialogs.review_forms import ExportForm
    from .review_entry import Entry


@dataclass(frozen=True)
class Summary:
    week: int
    queued: int
    outcomes: dict[str, int]
    pending: list[str]
    created: int
    updated: int
    overrides: int
    previous: int
    new: list[str]
    again: list[str]
    gone: list[str]
    overridden: list[Content]
    follow_through: dict[str, dict[str, float | int]] | None = None
    """Acted on vs not over the last reviews (``follow_through_summary``), if any."""


def summarize(
    week: int,
    entries: list[Entry],
    before: dict[str, str],
    outcomes: dict[str, str],
    previous: dict[str, str],
    stored: list[dict],
    overrides: int,
) -> Summary:
    """The review in numbers; ``previous`` is last week's ``buyer_id → outcome``.

    An accepted account's intervention counts as created when it was created this week,
    as updated when an open one from an earlier week was refreshed instead.
    """
    names = {e.buyer.buyer_id: e.buyer.name for e in entries}
    accepted = {b for b, o in outcomes.items() if o == "accepted"}
    mine = [r for r in stored if r["buyer_id"] in accepted]
    again = []
    for e in entries:
        b = e.buyer
        if b.buyer_id in previous:
            was = before.get(b.buyer_id, b.band)
            band = (
                BAND_LABEL[b.band] if was == b.band else f"{BAND_LABEL[was]} → {BAND_LABEL[b.band]}"
            )
            again.append(f"{b.name}: {previous[b.buyer_id]} last week, {band} now")
    return Summary(
        week=week,
        queued=len(entries),
        outcomes=dict(Counter(outcomes[b] for b in names if b in outcomes)),
        pending=[n for b, n in names.items() if b not in outcomes],
        created=sum(r["created_week"] == week for r in mine),
        updated=sum(r["created_week"] < week for r in mine),
        overrides=overrides,
        previous=len(previous),
        new=[n for b, n in names.items() if b not in previous],
        again=again,
        gone=sorted(b for b in previous if b not in names),
        overridden=[_override(e) for e in entries if e.buyer.override],
    )


def _override(entry: Entry) -> Content:
    b = entry.buyer
    o = b.override or {}
    return Content.assemble(
        f"{b.name}: ",
        (f"{OVERRIDDEN} {b.health}", "bold $text-warning"),
        (f" (computed {o['computed_health']}) until {o['expires_on']}: ", "$text-warning"),
        o["reason"],
    )


def summary_text(s: Summary) -> list[Block]:
    done = sum(s.outcomes.values())
    get = s.outcomes.get
    blocks = [
        line(Content.styled(f"{done} of {s.queued} accounts reviewed", "bold")),
        line(
            f"  accepted {get('accepted', 0)} · no action {get('reviewed', 0)} · "
            f"snoozed {get('snoozed', 0)}"
        ),
        line(
            f"  interventions created {s.created} · updated {s.updated} · "
            f"health overrides set {s.overrides}"
        ),
    ]
    if s.follow_through is not None:
        acted, rest = s.follow_through["acted"], s.follow_through["not_acted"]
        blocks += [
            line(),
            line(Content.styled("Follow-through (earlier reviews)", "bold $text-accent")),
            line(
                f"  acted on {acted['accounts']}: health {acted['mean_health_change']:+.1f}"
                f" on average since · left alone or snoozed {rest['accounts']}:"
                f" {rest['mean_health_change']:+.1f}"
            ),
        ]
    for title, items in (("Health set by a person", s.overridden), ("Still to review", s.pending)):
        if items:
            blocks += [line(), *bullets(title, items)]
    blocks.append(line())
    if not s.previous:
        blocks.append(
            line(
                Content.styled(
                    f"No review was recorded for the week of {label(s.week - 1)}.", "$text-muted"
                )
            )
        )
        return blocks
    since = f"Since the last review (week of {label(s.week - 1)}, {s.previous} reviewed)"
    blocks.append(line(Content.styled(since, "bold $text-accent")))
    blocks += bullets("New in the queue", s.new)
    blocks += bullets("In the queue again", s.again)
    blocks += bullets("No longer in the queue", s.gone)
    return blocks


class SummaryLoaded(Message):
    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary


def default_path(week: int) -> Path:
    return Path.cwd() / f"interventions-{label(week)}.csv"


def write_export(db_path: Path, config: Config, week: int, form: ExportForm) -> int:
    """The list ``healthdesk export interventions`` writes (stored, else suggested),
    written atomically where ``form`` says; the number of rows. Call it off the UI thread."""
    from ... import weekly_review
    from ...exports.files import write_atomic
    from ...exports.interventions import render, week_list
    from ...store import interventions as store
    from ...store.db import open_db

    db = open_db(db_path)
    try:
        review = weekly_review.load(db, config, week)
        stored = store.for_week(db, week)
    finally:
        db.close()
    rows, suggested = week_list(review, stored)
    write_atomic(form.path, render(rows, form.fmt, review.report.week, suggested), force=form.force)
    return len(rows)


def start_export(screen: ConsoleScreen, week: int | None) -> None:
    """Ask where to write ``week``'s intervention list, then write it in a thread worker
    of ``screen``; the outcome arrives as a notification. Any screen can offer export."""
    from ..dialogs.review_forms import ExportDialog

    if week is None:
        return
    app = screen.app

    def write(form: ExportForm) -> None:
        from ...exports.files import ExportError

        try:
            n = write_export(app.db_path, app.config, week, form)
        except ExportError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error", markup=False)
        except Exception as exc:  # shown on screen: a failed export must not end the console
            app.call_from_thread(
                app.notify, f"could not export: {exc}", severity="error", markup=False
            )
        else:
            app.call_from_thread(
                app.notify, f"Wrote {n} interventions to {form.path}", markup=False
            )

    def chosen(form: ExportForm | None) -> None:
        if form is not None:
            screen.run_worker(
                partial(write, form),
                thread=True,
                group="export",
                exclusive=True,
                exit_on_error=False,
            )

    app.push_screen(ExportDialog(default_path(week)), chosen)


class ReviewSummary(ConsoleScreen):
    """The week's review totals; ``e`` exports the intervention list, Esc goes back."""

    HELP_TITLE = "Review summary keys"
    CSS_PATH = "../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export", id="summary.export"),
        Binding("escape", "back", "Back", id="summary.back"),
    ]

    def __init__(self, week: int, entries: list[Entry], before: dict[str, str]) -> None:
        super().__init__()
        self.week, self.entries, self.before = week, entries, before
        self.summary: Summary | None = None

    def compose(self) -> ComposeResult:
        title = Content.assemble(("Review summary", "bold"), f" · week of {label(self.week)}")
        yield Static(title, id="summary-title", classes="summary")
        with VerticalScroll(id="summary-scroll"):
            yield Hanging(id="summary-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#summary-body", Hanging).update(
            [line(Content.styled("counting…", "$text-muted"))]
        )
        self.query_one("#summary-scroll").focus()
        self.load()

    @work(thread=True, exclusive=True, group="review-summary", exit_on_error=False)
    def load(self) -> None:
        from ...store import interventions as store
        from ...store.db import open_db

        try:
            db = open_db(self.app.db_path)
            try:
                outcomes = store.reviewed(db, self.week)
                previous = store.reviewed(db, self.week - 1)
                stored = store.for_week(db, self.week)
                overrides = sum(o.week == self.week for o in store.overrides(db))
                since = self.week - self.app.config.review.follow_through_weeks
                follow = store.follow_through(db, since, self.week)
            finally:
                db.close()
        except Exception as exc:  # shown on screen: a bad read must not end the console
            message = f"could not count the review: {exc}"
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        summary = summarize(
            self.week, self.entries, self.before, outcomes, previous, stored, overrides
        )
        if follow:
            summary = replace(summary, follow_through=follow_through_summary(follow))
        self.post_message(SummaryLoaded(summary))

    @on(SummaryLoaded)
    def _loaded(self, message: SummaryLoaded) -> None:
        self.summary = message.summary
        self.query_one("#summary-body", Hanging).update(summary_text(message.summary))

    def action_export(self) -> None:
        start_export(self, self.week)

    def action_back(self) -> None:
        self.app.pop_screen()
