"""How fast we answered a buyer's request, graded by DOMAIN.md's targets (our side).

The table gives hours for each grade; "same day" is read as 8 hours, a working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

GRADES = ("excellent", "good", "acceptable")
SAME_DAY_HOURS = 8.0
TARGETS: dict[str, tuple[float, float, float]] = {
    "urgent_quality": (0.5, 1.0, 4.0),
    "billing": (4.0, 8.0, 24.0),
    "volume": (SAME_DAY_HOURS, 24.0, 48.0),
    "product": (SAME_DAY_HOURS, 24.0, 48.0),
    "contract": (24.0, 48.0, 72.0),
}
"""Per request type: the most hours for excellent, good and acceptable."""


def acceptable_hours(request_type: str) -> float | None:
    """The slowest acceptable reply to this kind of request; None for other kinds."""
    limits = TARGETS.get(request_type)
    return limits[-1] if limits else None


def grade(request_type: str, hours: float | None) -> str | None:
    """excellent, good, acceptable or late ("late" too when never answered); None when
    the request type has no target."""
    limits = TARGETS.get(request_type)
    if limits is None:
        return None
    if hours is None:
        return "late"
    return next((g for g, most in zip(GRADES, limits, strict=True) if hours <= most), "late")


@dataclass(frozen=True)
class Reply:
    """A buyer's request and how long we took to answer it (None: not answered by the
    end of the as-of week)."""

    buyer_id: str
    request_type: str
    at: str
    hours: float | None

    @property
    def grade(self) -> str | None:
        return grade(self.request_type, self.hours)


def by_type(replies: Iterable[Reply]) -> dict[str, dict[str, int]]:
    """Per request type with a target: how many replies earned each grade (late too)."""
    grades: tuple[str, ...] = (*GRADES, "late")
    out: dict[str, dict[str, int]] = {kind: dict.fromkeys(grades, 0) for kind in TARGETS}
    for r in replies:
        if (g := r.grade) is not None:
            out[r.request_type][g] += 1
    return out


def late(replies: Iterable[Reply]) -> dict[str, list[Reply]]:
    """The late replies (or none yet past the acceptable time), per buyer."""
    out: dict[str, list[Reply]] = {}
    for r in replies:
        if r.grade == "late":
            out.setdefault(r.buyer_id, []).append(r)
    return out


def words(r: Reply) -> str:
    """ "billing request of 2026-11-12 answered in 30 h (acceptable: 24 h)"."""
    limit = acceptable_hours(r.request_type)
    took = "not answered" if r.hours is None else f"answered in {r.hours:.0f} h"
    kind = r.request_type.replace("_", " ")
    return f"{kind} request of {r.at[:10]} {took} (acceptable: {limit:g} h)"
