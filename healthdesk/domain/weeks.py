"""ISO weeks (Monday start) as plain integers, so windows are integer arithmetic.

Week number ``n`` starts on ``date.fromordinal(7 * n + 1)``: ordinal 1 (0001-01-01)
is a Monday, so every Monday is ``7n + 1`` and no calendar library is needed in the
hot path. Days are ``date.toordinal()`` integers for the same reason.
"""

from __future__ import annotations

from datetime import date

YEAR_WEEKS = 52
"""A year back in weeks: net revenue retention compares with the same week then."""


def week_of(day: date) -> int:
    """The number of the ISO week (Monday start) containing ``day``."""
    return (day.toordinal() - 1) // 7


def week_of_day(day: int) -> int:
    """The week number of a day ordinal."""
    return (day - 1) // 7


def monday(week: int) -> date:
    """The Monday that starts ``week``."""
    return date.fromordinal(7 * week + 1)


def last_day(week: int) -> int:
    """The ordinal of the Sunday that ends ``week``: data dated up to it counts."""
    return 7 * week + 7


def label(week: int) -> str:
    """The ISO date of the week's Monday, the week's name in reports and the UI."""
    return monday(week).isoformat()


def day_label(iso: str | None) -> str:
    """A due date as people plan with it, ``Wed 2026-11-18`` (``not set`` when empty)."""
    return f"{date.fromisoformat(iso):%a} {iso}" if iso else "not set"
