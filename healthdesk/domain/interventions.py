"""Interventions' shared vocabulary: statuses, the records the store hands back
(suggestion, snooze, override), health overrides, and what a user may type.

Pure: plain values in, plain dataclasses out; dates are checked against the as-of
week, never the wall clock. What a flagged account gets is ``domain.suggestions``;
who is looked at this week is ``domain.review_queue``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from .bands import band_of
from .weeks import monday

if TYPE_CHECKING:  # types only: the export command's flags must not pay for numpy
    from ..config import Bands
    from .report import BuyerReport

STATUSES = ("open", "in_progress", "done", "dismissed")
ACTIVE = ("open", "in_progress")
FINISHED = ("done", "dismissed")
"""A task's end: it is never reopened (a problem that comes back is a new task)."""
OUTCOMES = ("accepted", "reviewed", "snoozed")
BAND_ORDER = ("healthy", "watch", "at_risk")
OWNER_MAX = 100
"""As long as a buyer's owner may be on import (DATA.md owner: text up to 100)."""
TEXT_MAX = 2000


def in_words(code: str) -> str:
    """A code as a person reads it: "in_progress" → "in progress", "checkin_overdue" →
    "check-in overdue"."""
    return code.replace("_", " ").replace("checkin", "check-in")


class InvalidInput(ValueError):
    """Something a user typed cannot be stored; the message says what and why."""


@dataclass(frozen=True)
class Suggestion:
    buyer_id: str
    reason_key: str
    action: str
    message: str
    signals: tuple[dict[str, str], ...]
    due_on: date


@dataclass(frozen=True)
class Task:
    """A stored intervention as the queue and the lists read it."""

    id: int
    buyer_id: str
    action: str
    status: str
    due_on: date | None

    def overdue(self, week: int) -> bool:
        """Still open or in progress and due before the as-of week's Monday."""
        return self.status in ACTIVE and self.due_on is not None and self.due_on < monday(week)

    @property
    def status_words(self) -> str:
        return in_words(self.status)


def check_transition(old: str, new: str, note: str | None) -> None:
    """open ⇄ in progress → done or dismissed; an ended task stays ended, and ending
    one needs an outcome note (what happened is the point of closing it)."""
    check_choice(new, STATUSES, "status")
    if old in FINISHED and new != old:
        raise InvalidInput(
            f"this intervention is {in_words(old)}: an ended task is not reopened;"
            " a new problem gets a new intervention"
        )
    if new in FINISHED and new != old and not (note or "").strip():
        raise InvalidInput(f"say what happened: marking it {new} needs an outcome note")


@dataclass(frozen=True)
class FollowUp:
    """A review decision and the buyer's health then and now."""

    buyer_id: str
    week: int
    outcome: str
    health_then: int
    health_now: int


def follow_through_summary(follow_ups: Iterable[FollowUp]) -> dict[str, dict[str, float | int]]:
    """How the accounts we acted on (an accepted intervention) moved against those we
    reviewed and left alone or snoozed: count and mean health change per group."""
    groups: dict[str, list[int]] = {"acted": [], "not_acted": []}
    for f in follow_ups:
        key = "acted" if f.outcome == "accepted" else "not_acted"
        groups[key].append(f.health_now - f.health_then)
    return {
        name: {"accounts": len(moves), "mean_health_change": _mean(moves)}
        for name, moves in groups.items()
    }


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


@dataclass(frozen=True)
class Snooze:
    buyer_id: str
    until_on: date
    band: str


@dataclass(frozen=True)
class Override:
    buyer_id: str
    health: int
    reason: str
    week: int
    expires_on: date

    def active(self, week: int) -> bool:
        """Set in or before ``week`` and not expired by its Monday."""
        return self.week <= week and monday(week) <= self.expires_on


def active_overrides(overrides: Iterable[Override], week: int) -> dict[str, Override]:
    """Each buyer's override in force in ``week`` (the latest set, when several are)."""
    return {o.buyer_id: o for o in overrides if o.active(week)}


class OverrideNote(TypedDict):
    """What a report keeps of the override in force: the manager's health, and the
    computed score it replaced (``BuyerReport.override``, as in the JSON report)."""

    health: int
    computed_health: int
    computed_band: str
    reason: str
    expires_on: str


def apply_overrides(
    buyers: Iterable[BuyerReport], overrides: Iterable[Override], week: int, bands: Bands
) -> list[BuyerReport]:
    """Reports with a manager's active health override in place of the computed score;
    ``override`` keeps the computed health, the reason and the expiry, so every view
    can show that the number is a person's, not the model's."""
    active = active_overrides(overrides, week)
    out: list[BuyerReport] = []
    for b in buyers:
        o = active.get(b.buyer_id)
        if o is None:
            out.append(b)
            continue
        note: OverrideNote = {
            "health": o.health,
            "computed_health": b.health,
            "computed_band": b.band,
            "reason": o.reason,
            "expires_on": o.expires_on.isoformat(),
        }
        out.append(replace(b, health=o.health, band=band_of(o.health, bands), override=note))
    return out


def check_text(value: str | None, what: str = "reason") -> str:
    """A non-empty, bounded free text (reason, note), stripped."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"the {what} is empty: say in a few words why")
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"the {what} is {len(text)} characters; keep it under {TEXT_MAX}")
    return text


def check_due(value: date | str, week: int, what: str = "due date") -> date:
    """A date on or after the as-of week's Monday (a past due date is a typo); ``what``
    names it in the message ("expiry", "snooze end")."""
    try:
        due = value if isinstance(value, date) else date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{what} {value!r} is not a date like 2026-11-20") from None
    if due < monday(week):
        raise InvalidInput(
            f"{what} {due.isoformat()} is before the week of {monday(week).isoformat()}"
        )
    return due


def owner_key(name: str) -> str:
    """How "my accounts" compares owners: runs of spaces as one, case ignored."""
    return " ".join(name.split()).casefold()


def check_owner(value: str | None) -> str:
    """An owner name as a CRM writes it: a login ("alice") or a person's full name
    ("Dana Lee", "José Núñez", "Seán O'Brien"): letters in any script, digits, spaces,
    apostrophes and '.', '_', '-'; runs of spaces collapse to one."""
    owner = " ".join((value or "").split())
    if not owner:
        raise InvalidInput("the owner is empty: give the account manager's name, e.g. Dana Lee")
    if len(owner) > OWNER_MAX:
        raise InvalidInput(f"owner {owner[:OWNER_MAX]}… is longer than {OWNER_MAX} characters")
    if not all(ch.isalnum() or ch in OWNER_MARKS for ch in owner):
        raise InvalidInput(
            f"owner {owner!r} may contain only letters, digits, spaces, apostrophes,"
            " '.', '_' and '-'"
        )
    return owner


OWNER_MARKS = " ._-'’"


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """One of ``allowed`` (a status, an outcome), or a message listing them."""
    if value not in allowed:
        raise InvalidInput(f"{what} {value!r} is not one of: {', '.join(allowed)}")
    return value


def check_health(value: object) -> int:
    """An override health score: a whole number from 0 to 100."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InvalidInput(f"health {value!r} must be a whole number from 0 to 100")
    return value
