"""The weekly review's forms: small typed ``ModalScreen[T]`` dialogs.

Each field is checked with the same domain rules the store applies
(``domain.interventions.check_*``), so a bad value is explained inside the dialog and
nothing is written; the store checks again, because the dialog is not the only caller.
Dates are checked against the as-of week, never the wall clock. Enter in a field saves,
Esc cancels (the result is then ``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, Select, Static

from ...domain.interventions import (
    InvalidInput,
    check_due,
    check_health,
    check_owner,
    check_text,
    check_transition,
)
from ...domain.weeks import monday
from ...exports.interventions import FORMATS

T = TypeVar("T")

ACTIONS = (
    "proactive outreach",
    "executive engagement",
    "root-cause discovery",
    "retention offer",
    "diversify",
)
"""DOMAIN.md's interventions, offered as completions; any short text is allowed."""


@dataclass(frozen=True)
class SnoozeForm:
    reason: str
    until_on: date


@dataclass(frozen=True)
class OverrideForm:
    health: int
    reason: str
    expires_on: date


@dataclass(frozen=True)
class StatusForm:
    status: str
    note: str | None


@dataclass(frozen=True)
class LogForm:
    """A touchpoint in DATA.md's columns (the importer checks every value again)."""

    row: dict[str, str]


@dataclass(frozen=True)
class ExportForm:
    fmt: str
    path: Path
    force: bool


class FormDialog(ModalScreen[T], Generic[T]):
    """A titled form; ``values`` turns the fields into ``T`` or raises ``InvalidInput``."""

    CSS_PATH = "../review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
    ]

    def __init__(self, title: str, about: str = "") -> None:
        super().__init__(classes="review-form")
        self.heading = title
        self.about = about

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-body"):
            yield Static(Content.styled(self.heading, "bold $text-accent"), classes="form-title")
            if self.about:
                yield Static(Content(self.about), classes="form-about")
            yield from self.fields()
            yield Static(id="form-error", classes="form-error")
            yield Static(
                Content.styled("enter or ctrl+s saves · esc cancels", "$text-muted"),
                classes="form-keys",
            )

    def fields(self) -> ComposeResult:
        yield from ()

    def values(self) -> T:
        raise NotImplementedError

    def text(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    @property
    def error(self) -> str:
        """The message on show, "" when the form has none (tests read it)."""
        return str(self.query_one("#form-error", Static).content)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        try:
            result = self.values()
        except InvalidInput as exc:
            box = self.query_one("#form-error", Static)
            box.update(Content(str(exc)))
            box.add_class("-shown")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _field(label: str, widget: Input | Select | Checkbox) -> ComposeResult:
    yield Label(label, classes="form-label")
    yield widget


def _date(value: str, week: int, what: str) -> date:
    return check_due(value, week, what)


class ActionDialog(FormDialog[str]):
    """The intervention's action: one of DOMAIN.md's, or a short text of one's own."""

    def __init__(self, current: str) -> None:
        super().__init__("Change action", "e.g. " + ", ".join(ACTIONS))
        self.current = current

    def fields(self) -> ComposeResult:
        suggester = SuggestFromList(ACTIONS, case_sensitive=False)
        yield from _field("Action", Input(self.current, suggester=suggester, id="action"))

    def values(self) -> str:
        return check_text(self.text("action"), "action")


class OwnerDialog(FormDialog[str]):
    def __init__(self, current: str) -> None:
        super().__init__(
            "Change owner", "A name or login: letters, digits, spaces, apostrophes, '.', '_', '-'."
        )
        self.current = current

    def fields(self) -> ComposeResult:
        yield from _field("Owner", Input(self.current, id="owner"))

    def values(self) -> str:
        return check_owner(self.text("owner"))


class DueDialog(FormDialog[date]):
    def __init__(self, current: str, week: int) -> None:
        super().__init__("Change due date", f"On or after {monday(week).isoformat()}.")
        self.current = current
        self.week = week

    def fields(self) -> ComposeResult:
        yield from _field("Due date (YYYY-MM-DD)", Input(self.current, id="due"))

    def values(self) -> date:
        return _date(self.text("due"), self.week, "due date")


class NoteDialog(FormDialog[str]):
    def __init__(self, about: str) -> None:
        super().__init__("Add a note", about)

    def fields(self) -> ComposeResult:
        yield from _field("Note", Input(id="note"))

    def values(self) -> str:
        return check_text(self.text("note"), "note")


class StatusDialog(FormDialog[StatusForm]):
    """Move a task along: in progress, done or dismissed (ending one needs an outcome)."""

    CHOICES = (("in progress", "in_progress"), ("done", "done"), ("dismissed", "dismissed"),
               ("open", "open"))  # fmt: skip

    def __init__(self, about: str, current: str) -> None:
        super().__init__("Task status", about)
        self.current = current

    def fields(self) -> ComposeResult:
        first = "done" if self.current == "in_progress" else "in_progress"
        yield from _field(
            "Status", Select(self.CHOICES, allow_blank=False, value=first, id="status")
        )
        yield from _field("Outcome note (needed for done or dismissed)", Input(id="note"))

    def values(self) -> StatusForm:
        status = str(self.query_one("#status", Select).value)
        note = self.text("note").strip() or None
        check_transition(self.current, status, note)
        return StatusForm(status, None if note is None else check_text(note, "note"))


class LogDialog(FormDialog[LogForm]):
    """What happened with the buyer: a call, email, meeting or check-in, ours or theirs."""

    KINDS = ("check_in", "routine", "review", "request", "complaint", "escalation",
             "competitor_mention", "new_contact")  # fmt: skip
    CHANNELS = ("call", "email", "meeting", "chat")

    def __init__(self, name: str, buyer_id: str, last_day: date) -> None:
        super().__init__(
            f"Log a touchpoint with {name}",
            f"On or before {last_day.isoformat()}, the data's last day (import this week's"
            " exports first for later ones).",
        )
        self.buyer_id, self.last_day = buyer_id, last_day

    def fields(self) -> ComposeResult:
        kinds = [(k.replace("_", " "), k) for k in self.KINDS]
        channels = [(c, c) for c in self.CHANNELS]
        directions = [("we reached out", "outbound"), ("they did", "inbound")]
        yield from _field("Kind", Select(kinds, allow_blank=False, value="check_in", id="kind"))
        yield from _field(
            "Channel", Select(channels, allow_blank=False, value="call", id="channel")
        )
        yield from _field(
            "Direction", Select(directions, allow_blank=False, value="outbound", id="direction")
        )
        yield from _field(
            "When (YYYY-MM-DD or YYYY-MM-DDTHH:MM)", Input(self.last_day.isoformat(), id="at")
        )
        yield from _field("Their reply at (optional)", Input(id="replied_at"))
        yield from _field("Note (optional)", Input(id="note"))

    def values(self) -> LogForm:
        at = self.text("at").strip()
        try:
            when = date.fromisoformat(at[:10])
        except ValueError:
            raise InvalidInput(f"when {at!r} is not a date like 2026-11-20") from None
        if when > self.last_day:
            raise InvalidInput(
                f"when {at} is after the data's last day {self.last_day.isoformat()}:"
                " import this week's exports first"
            )
        row = {
            "buyer_id": self.buyer_id,
            "at": at,
            "kind": str(self.query_one("#kind", Select).value),
            "channel": str(self.query_one("#channel", Select).value),
            "direction": str(self.query_one("#direction", Select).value),
            "replied_at": self.text("replied_at").strip(),
            "note": self.text("note").strip(),
        }
        return LogForm(row)


class ConfirmDialog(FormDialog[tuple[str | None, str]]):
    """The buyer confirmed an incident's fix: when (and when it was resolved, if the
    data has no resolution yet). Gives ``(resolved_at or None, confirmed_at)``."""

    def __init__(self, incident_id: str, summary: str, resolved: bool, last_day: date) -> None:
        super().__init__(f"Confirm {incident_id} resolved", summary)
        self.resolved, self.last_day = resolved, last_day

    def fields(self) -> ComposeResult:
        if not self.resolved:
            yield from _field("Resolved on (YYYY-MM-DD)", Input(id="resolved_at"))
        yield from _field("Confirmed by the buyer on (YYYY-MM-DD)",
                          Input(self.last_day.isoformat(), id="confirmed_at"))  # fmt: skip

    def values(self) -> tuple[str | None, str]:
        resolved = None if self.resolved else self._day("resolved_at", "resolved on")
        return resolved, self._day("confirmed_at", "confirmed on")

    def _day(self, field: str, what: str) -> str:
        raw = self.text(field).strip()
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(f"{what} {raw!r} is not a date like 2026-11-20") from None
        if day > self.last_day:
            raise InvalidInput(f"{what} {raw} is after the data's last day {self.last_day}")
        return raw


class SnoozeDialog(FormDialog[SnoozeForm]):
    """Out of the queue until a date; back early if the account's band worsens."""

    def __init__(self, name: str, week: int) -> None:
        super().__init__(f"Snooze {name}", "It comes back early if its band gets worse.")
        self.week = week

    def fields(self) -> ComposeResult:
        until = (monday(self.week) + timedelta(weeks=2)).isoformat()
        yield from _field("Reason", Input(id="reason"))
        yield from _field("Until (YYYY-MM-DD)", Input(until, id="until"))

    def values(self) -> SnoozeForm:
        reason = check_text(self.text("reason"))
        return SnoozeForm(reason, _date(self.text("until"), self.week, "snooze end"))


class OverrideDialog(FormDialog[OverrideForm]):
    """A person's health score in place of the model's, with why and until when."""

    def __init__(self, name: str, health: int, week: int) -> None:
        super().__init__(f"Override health of {name}", f"The model says {health}.")
        self.health = health
        self.week = week

    def fields(self) -> ComposeResult:
        expiry = (monday(self.week) + timedelta(weeks=4)).isoformat()
        yield from _field("Health (0–100)", Input(str(self.health), id="health"))
        yield from _field("Reason", Input(id="reason"))
        yield from _field("Expires on (YYYY-MM-DD)", Input(expiry, id="expires"))

    def values(self) -> OverrideForm:
        raw = self.text("health").strip()
        try:
            health = int(raw)
        except ValueError:
            raise InvalidInput(f"health {raw!r} must be a whole number from 0 to 100") from None
        check_health(health)
        reason = check_text(self.text("reason"))
        return OverrideForm(health, reason, _date(self.text("expires"), self.week, "expiry"))


class ExportDialog(FormDialog[ExportForm]):
    """Where to write the week's list; an existing file is kept unless "replace" is on."""

    def __init__(self, default: Path) -> None:
        super().__init__("Export interventions", "Written all at once, or not at all.")
        self.default = default

    def fields(self) -> ComposeResult:
        options = [(f, f) for f in FORMATS]
        yield from _field("Format", Select(options, allow_blank=False, value="csv", id="format"))
        yield from _field("File", Input(str(self.default), id="path"))
        yield Checkbox("Replace the file if it exists", id="force")

    @on(Select.Changed, "#format")
    def _format(self, event: Select.Changed) -> None:
        """Keep the file's suffix in step with the format while it is a known one."""
        path = self.query_one("#path", Input)
        current = Path(path.value)
        if current.suffix.lstrip(".") in FORMATS:
            path.value = str(current.with_suffix(f".{event.value}"))

    def values(self) -> ExportForm:
        raw = self.text("path").strip()
        if not raw:
            raise InvalidInput("the file name is empty: say where to write the list")
        path = Path(raw).expanduser()
        force = self.query_one("#force", Checkbox).value
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder: give a file name inside it")
        folder = path.parent
        if not folder.is_dir():
            raise InvalidInput(f"folder {folder} does not exist: create it or pick another")
        if path.exists() and not force:
            raise InvalidInput(f"{path} already exists: tick 'Replace' or pick another name")
        return ExportForm(str(self.query_one("#format", Select).value), path, force)
