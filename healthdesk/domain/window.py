"""Trailing-window arithmetic over the ledger's weekly matrices, for one as-of week.

Cumulative sums are built once per ledger so any window sum is two lookups, which
keeps scoring every week of a 5,000-buyer history a handful of array operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ledger import WEEKLY_SUMS, Floats, Ints, Ledger, Numbers
from .weeks import last_day


def ramp(x: Floats, xs: list[float], ys: list[float]) -> Floats:
    """Piecewise-linear mapping of a measurement onto a 0–100 score (clamped at the ends)."""
    return np.interp(x, xs, ys)


def safe_ratio(num: Numbers, den: Numbers) -> Floats:
    """num / den, NaN where den is zero: "no data" stays distinguishable from zero."""
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


class Cumulative:
    """Prefix sums of every weekly matrix, shared by all as-of weeks of one ledger."""

    def __init__(self, ledger: Ledger) -> None:
        w = ledger.weekly
        self._sums = {name: _prefix(getattr(w, name)) for name in WEEKLY_SUMS}
        running = np.maximum.accumulate(w.last_contact, axis=1)
        self.last_contact = np.maximum(running, ledger.contact_before[:, None])

    def total(self, name: str, end: int, weeks: int) -> Floats:
        """Sum of matrix ``name`` over the ``weeks`` columns ending at column ``end``."""
        prefix = self._sums[name]
        lo = max(end + 1 - weeks, 0)
        if end < 0:
            rows: int = prefix.shape[0]
            return np.zeros(rows)
        return prefix[:, end + 1] - prefix[:, lo]


def _prefix(matrix: Floats) -> Floats:
    out = np.zeros((matrix.shape[0], matrix.shape[1] + 1))
    np.cumsum(matrix, axis=1, out=out[:, 1:])
    return out


@dataclass(frozen=True)
class AsOf:
    """One as-of week seen from the ledger: its column and the last day that counts."""

    ledger: Ledger
    sums: Cumulative
    week: int

    @property
    def col(self) -> int:
        return self.ledger.column(self.week)

    @property
    def day(self) -> int:
        return last_day(self.week)

    def total(self, name: str, weeks: int, skip: int = 0) -> Floats:
        """Window sum of ``weeks`` weeks ending ``skip`` weeks before the as-of week."""
        return self.sums.total(name, self.col - skip, weeks)

    def active_weeks(self, weeks: int, skip: int = 0) -> Ints:
        """How many weeks of the window fall on or after each buyer's first delivery."""
        hi = self.week - skip
        lo = hi - weeks + 1
        start = np.maximum(self.ledger.first_active, lo)
        return np.clip(hi - start + 1, 0, weeks)

    def mean(self, name: str, weeks: int, skip: int = 0) -> Floats:
        """Average per active week: weeks before a buyer's first delivery are not zeros."""
        return safe_ratio(self.total(name, weeks, skip), self.active_weeks(weeks, skip))
