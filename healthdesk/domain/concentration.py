"""Concentration what-ifs: the revenue lost and the new shares if one buyer left.

Pure maths on plain ``{buyer_id: revenue}`` mappings (13-week revenue, DOMAIN.md's
25% rule), so the console can answer "what if B017 walks?" without a rescore.
Written in plain Python: it runs on the UI thread over at most a few thousand
numbers, and importing numpy there would cost more than the sums.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


def state(share: float, warn: float, alert: float) -> str:
    """``ok``, ``warn`` (above ``warn``) or ``alert`` (above ``alert``), as in DATA.md."""
    return "alert" if share > alert else "warn" if share > warn else "ok"


def shares(revenue: Mapping[str, float]) -> dict[str, float]:
    """Each buyer's share of the total (all zero when there is no revenue)."""
    total = sum(revenue.values())
    return {b: (r / total if total > 0 else 0.0) for b, r in revenue.items()}


def top_share(revenue: Mapping[str, float], fraction: float = 0.2) -> float:
    """Share of revenue brought by the top ``fraction`` of buyers with any revenue."""
    positive = sorted((r for r in revenue.values() if r > 0), reverse=True)
    if not positive:
        return 0.0
    top = max(1, math.ceil(fraction * len(positive)))
    return sum(positive[:top]) / sum(positive)


@dataclass(frozen=True)
class WhatIf:
    """The portfolio after ``leaving`` stops buying, all else equal."""

    leaving: str
    lost: float
    total_before: float
    total_after: float
    shares_after: dict[str, float]
    top_share_before: float
    top_share_after: float
    crossed: dict[str, str]
    """Buyers whose state worsens, mapped to the new state (``warn`` or ``alert``)."""

    @property
    def lost_fraction(self) -> float:
        return self.lost / self.total_before if self.total_before > 0 else 0.0


def what_if_leaves(revenue: Mapping[str, float], leaving: str, warn: float, alert: float) -> WhatIf:
    """Remove ``leaving`` and recompute every share and concentration state."""
    before = shares(revenue)
    rest = {b: r for b, r in revenue.items() if b != leaving}
    after = shares(rest)
    rank = {"ok": 0, "warn": 1, "alert": 2}
    crossed: dict[str, str] = {}
    for b, share in after.items():
        new = state(share, warn, alert)
        if rank[new] > rank[state(before[b], warn, alert)]:
            crossed[b] = new
    total = sum(revenue.values())
    return WhatIf(
        leaving=leaving,
        lost=revenue.get(leaving, 0.0),
        total_before=total,
        total_after=total - revenue.get(leaving, 0.0),
        shares_after=after,
        top_share_before=top_share(revenue),
        top_share_after=top_share(rest),
        crossed=crossed,
    )
