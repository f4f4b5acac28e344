"""Health bands: one place for the thresholds' meaning (numpy-free, so the export
command can use it without paying for numpy at start-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Bands

BANDS = ("healthy", "watch", "at_risk")

TRUST_LOW = 50
"""Trust at or below this (3 open incidents on the default ladder) is low: the review
queues the account (``trust_low``), suggests a quality intervention sooner, and the
console shows it in red."""


def band_of(health: int, bands: Bands) -> str:
    """The band of one health value; the vectorised pass applies the same rule."""
    if health >= bands.healthy:
        return BANDS[0]
    return BANDS[1] if health >= bands.watch else BANDS[2]


def trust_low(level: int) -> bool:
    """Whether a trust level (0..100) is low enough to act on (``TRUST_LOW``)."""
    return level <= TRUST_LOW
