"""Orchestrates the seeded sample portfolio and streams it into the eight CSV files.

Why per-buyer random streams: each buyer draws from its own `random.Random` seeded with
a string (seeded through SHA-512, not `hash()`), so output is byte-identical for the same
arguments, independent of hash randomisation, and one buyer's draws never shift another's.
The wall clock is never read: every date derives from `last_week`.
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path
from typing import Any

from healthdesk.sample import stories as s
from healthdesk.sample.commerce import (
    Calendar,
    Plan,
    money,
    plan_volume,
    revenue_since,
    write_commerce,
)
from healthdesk.sample.names import NameBook
from healthdesk.sample.relations import contacts, incidents, surveys, touchpoints

HEADERS: dict[str, tuple[str, ...]] = {
    "buyers": ("buyer_id", "name", "started_on", "vertical", "owner", "payment_terms_days",
               "contracted_weekly_leads", "gross_margin", "status", "churned_on"),
    "deliveries": ("buyer_id", "date", "leads", "revenue", "cost", "product"),
    "returns": ("buyer_id", "date", "leads", "reason", "status"),
    "invoices": ("invoice_id", "buyer_id", "issued_on", "due_on", "amount", "paid_on"),
    "touchpoints": ("buyer_id", "at", "direction", "channel", "replied_at", "kind",
                    "request_type", "note"),
    "incidents": ("incident_id", "buyer_id", "opened_at", "category", "severity", "summary",
                  "resolved_at", "confirmed_at"),
    "contacts": ("buyer_id", "name", "role", "level", "primary", "started_on", "ended_on",
                 "introduced"),
    "surveys": ("buyer_id", "date", "score"),
}  # fmt: skip

# Target shares of trailing-13-week revenue for the two giants (only for <= 60 buyers).
GIANT_SHARES = {s.CONC_ALERT: 0.28, s.CONC_WARN: 0.22}
SHARE_WEEKS = 13


def _rng(seed: int, buyer: int, purpose: str) -> random.Random:
    return random.Random(f"healthdesk-sample:{seed}:{buyer}:{purpose}")


def _scale_giants(buyers: list[s.Buyer], plans: list[Plan]) -> None:
    """Resize the two giants so they hold ~28% and ~22% of trailing-13-week revenue."""
    giants = [b for b in buyers if b.story in GIANT_SHARES]
    if len(giants) != len(GIANT_SHARES):
        return
    others = sum(
        revenue_since(b, p, SHARE_WEEKS)
        for b, p in zip(buyers, plans, strict=True)
        if b.story not in GIANT_SHARES
    )
    rest_share = 1.0 - sum(GIANT_SHARES.values())
    for giant in giants:
        plan = plans[giant.index]
        target = others * GIANT_SHARES[giant.story] / rest_share
        scale = target / max(1, revenue_since(giant, plan, SHARE_WEEKS))
        plan.leads = [round(n * scale) for n in plan.leads]
        giant.contracted = round(giant.contracted * scale)


def _buyer_row(b: s.Buyer) -> tuple[Any, ...]:
    return (
        b.buyer_id,
        b.name,
        b.started_on.isoformat(),
        b.vertical,
        b.owner,
        b.terms,
        b.contracted if b.show_contracted else "",
        f"{b.margin:.2f}" if b.show_margin else "",
        "churned" if b.churned_on else "active",
        b.churned_on.isoformat() if b.churned_on else "",
    )


def generate(
    out_dir: Path,
    *,
    buyers: int = 60,
    weeks: int = 104,
    seed: int = 7,
    last_week: date = date(2026, 11, 16),
) -> dict[str, int]:
    """Write buyers.csv, deliveries.csv, returns.csv, invoices.csv, touchpoints.csv,
    incidents.csv, contacts.csv, surveys.csv into out_dir (created if missing); return rows
    per file.

    `last_week` is the Monday of the last week with data; data runs through the Sunday
    after it and starts `weeks` weeks earlier. Same arguments => byte-identical files.
    """
    if buyers < 1 or weeks < 1:
        raise ValueError("buyers and weeks must be at least 1")
    if last_week.weekday() != 0:
        raise ValueError(f"last_week must be a Monday, got {last_week.isoformat()}")
    cal = Calendar(last_week=last_week, weeks=weeks)
    names = NameBook(random.Random(f"healthdesk-sample:{seed}:names"))
    cast = [
        s.make_buyer(i, buyers, cal.end, cal.first_week, _rng(seed, i, "profile"), names)
        for i in range(buyers)
    ]
    plans = [plan_volume(b, cal, _rng(seed, b.index, "volume")) for b in cast]
    if buyers <= len(s.BLOCK):
        _scale_giants(cast, plans)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(HEADERS, 0)
    files = {
        key: (out_dir / f"{key}.csv").open("w", encoding="utf-8", newline="") for key in HEADERS
    }
    try:
        writers = {key: csv.writer(fh, lineterminator="\n") for key, fh in files.items()}
        for key, header in HEADERS.items():
            writers[key].writerow(header)
        next_invoice, next_incident = [1], [1]
        for b, plan in zip(cast, plans, strict=True):
            writers["buyers"].writerow(_buyer_row(b))
            counts["buyers"] += 1
            rng = _rng(seed, b.index, "commerce")
            for key, n in write_commerce(b, plan, cal, rng, writers, next_invoice).items():
                counts[key] += n
            rng = _rng(seed, b.index, "relations")
            contact_rows, intros = contacts(b, cal, rng)
            groups = {
                "contacts": contact_rows,
                "touchpoints": touchpoints(b, cal, rng, intros),
                "incidents": incidents(b, cal, rng, next_incident),
                "surveys": surveys(b, cal, rng),
            }
            for key, rows in groups.items():
                writers[key].writerows(rows)
                counts[key] += len(rows)
    finally:
        for fh in files.values():
            fh.close()
    return {f"{key}.csv": n for key, n in counts.items()}


def story_map(buyers: int = 60) -> dict[str, str]:
    """buyer_id -> story for a portfolio of `buyers` buyers (documentation and tests)."""
    width = max(3, len(str(buyers)))
    return {f"B{i + 1:0{width}d}": s.story_for(i) for i in range(buyers)}


__all__ = ["HEADERS", "generate", "money", "story_map"]
