"""Health bands: one place for the thresholds' meaning (numpy-free, so the export
command can use it without paying for numpy at start-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Bands

BANDS = ("healthy", "watch", "at_risk")


def band_of(health: int, bands: Bands) -> str:
    """The band of one health value; the vectorised pass applies the same rule."""
    if health >= bands.healthy:
        return BANDS[0]
    return BANDS[1] if health >= bands.watch else BANDS[2]
