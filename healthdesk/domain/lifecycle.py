"""Relationship lifecycle: months since start, the phase, and check-ins due.

DOMAIN.md: month 1 honeymoon, 2–3 first friction, 4–6 drift, 7–12 decision, 13+
established. Month 1 runs from the start date up to the same day next month, so
a buyer who started on 2026-01-15 is in month 2 from 2026-02-15.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from .ledger import Floats, Ints

PHASES = ("honeymoon", "first_friction", "drift", "decision", "established")
PHASE_LAST_MONTH = (1, 3, 6, 12)
EXPECTED_SHARE_OF_STEADY = (0.25, 0.60, 1.0, 1.0, 1.0)
"""Volume a buyer is expected to take in each phase, as a share of contract."""


def month_number(started: date, as_of: date) -> int:
    """1 in the first month after ``started``, 2 in the second, and so on."""
    months = (as_of.year - started.year) * 12 + as_of.month - started.month
    if as_of.day < started.day:
        months -= 1
    return months + 1


def month_numbers(started: Ints, as_of: date) -> Ints:
    """Vectorised ``month_number``; ``started`` holds yyyymmdd integers."""
    y, m, d = started // 10000, started // 100 % 100, started % 100
    months = (as_of.year - y) * 12 + as_of.month - m - (as_of.day < d)
    return months + 1


def phase_index(months: Ints) -> Ints:
    """Index into ``PHASES`` for each month number."""
    return np.searchsorted(np.array(PHASE_LAST_MONTH), months, side="left")


def expected_share(phases: Ints) -> Floats:
    """Share of contracted volume expected in each buyer's phase."""
    return np.array(EXPECTED_SHARE_OF_STEADY)[phases]


def yyyymmdd(day: date) -> int:
    """A date as the integer the vectorised month arithmetic reads."""
    return day.year * 10000 + day.month * 100 + day.day


def checkins(
    started: date,
    milestones: tuple[int, ...],
    logged: list[date],
    as_of: date,
    grace: int,
    early: int,
) -> list[dict[str, object]]:
    """The 30/90/180-day check-ins (seed 000): each one's due date and whether it was
    done (a check-in logged from ``early`` days before it), is upcoming, overdue (past
    its grace days, until the next one is due) or missed (that window has passed)."""
    out: list[dict[str, object]] = []
    for k, days in enumerate(milestones):
        due = started + timedelta(days=days)
        until = (
            started + timedelta(days=milestones[k + 1])
            if k + 1 < len(milestones)
            else due + timedelta(days=90)
        )
        done = min((d for d in logged if due - timedelta(days=early) <= d <= as_of), default=None)
        if done is not None:
            status = "done"
        elif as_of <= due + timedelta(days=grace):
            status = "upcoming"
        else:
            status = "overdue" if as_of <= until else "missed"
        out.append(
            {
                "days": days,
                "due_on": due.isoformat(),
                "status": status,
                "done_on": done.isoformat() if done else None,
            }
        )
    return out
