"""One row per lead: a lead platform's per-lead deliveries summed into DATA.md's daily
rows per buyer and product, and remembered (``leads`` table) so a returns export
keyed by lead id finds the lead's buyer and sold date, this week or later.

A lead listed twice (overlapping exports in one folder) counts once, the last row
winning.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlite_utils import Database


class LeadBook:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._sold: dict[str, tuple[str, str, str, float, float | None]] = {}
        self._stored: dict[str, tuple[str, str]] = {}

    def sold(
        self,
        lead: str,
        buyer: str,
        day: str,
        product: str | None,
        revenue: float,
        cost: float | None,
    ) -> tuple[str, str, str]:
        self._sold[lead] = (buyer, day, product or "", revenue, cost)
        return buyer, day, product or ""

    def days(self) -> Iterator[tuple[tuple[str, str, str], tuple[int, float, float | None]]]:
        """(buyer, day, product) → (leads, revenue, cost), in key order."""
        sums: dict[tuple[str, str, str], list] = {}
        for buyer, day, product, revenue, cost in self._sold.values():
            s = sums.setdefault((buyer, day, product), [0, 0.0, None])
            s[0] += 1
            s[1] += revenue
            if cost is not None:
                s[2] = (s[2] or 0.0) + cost
        for k in sorted(sums):
            yield (
                k,
                (
                    sums[k][0],
                    round(sums[k][1], 2),
                    None if sums[k][2] is None else round(sums[k][2], 2),
                ),
            )

    def look_up(self, leads: list[str]) -> None:
        """Fetch stored leads not sold in this import (one query per 900 ids)."""
        wanted = [x for x in set(leads) if x not in self._sold and x not in self._stored]
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            for lead, buyer, day in self.db.execute(
                f"SELECT lead_id, buyer_id, date FROM leads WHERE lead_id IN"
                f" ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                self._stored[lead] = (buyer, day)

    def get(self, lead: str) -> tuple[str, str] | None:
        if lead in self._sold:
            buyer, day, *_ = self._sold[lead]
            return buyer, day
        return self._stored.get(lead)

    def records(self) -> Iterator[dict]:
        """The ``leads`` rows of this import's per-lead deliveries."""
        for lead, (buyer, day, product, _, _) in self._sold.items():
            yield {
                "lead_id": lead,
                "buyer_id": buyer,
                "date": day,
                "day": date.fromisoformat(day).toordinal(),
                "product": product or None,
            }
