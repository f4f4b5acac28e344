"""How fast we answered a buyer's request, graded by DOMAIN.md's targets (our side).

The table gives hours for each grade; "same day" is read as 8 hours, a working day.
"""

from __future__ import annotations

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
