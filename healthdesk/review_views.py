"""How ``healthdesk review`` and ``interventions list`` print: JSON for scripts, a rich
table for people. Data text is shown literally (``render``'s rules), CSV formula-safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from .domain.interventions import follow_through_summary, in_words
from .domain.review_queue import matches
from .domain.weeks import label
from .exports.files import csv_text
from .render import _text, health_text, json_text
from .store.interventions import task_of

if TYPE_CHECKING:
    from .weekly_review import Queued, WeeklyReview

__all__ = ["json_text"]

TASK_FIELDS = ("id", "buyer_id", "name", "owner", "reason_key", "action", "status", "due_on",
               "overdue", "created_week", "opened_health", "closed_health", "note")  # fmt: skip


def filtered(queue: list[Queued], owner: str | None, reason: str | None) -> list[Queued]:
    """The queue for one owner and/or one reason code, order kept."""
    return [
        q
        for q in queue
        if (owner is None or q.buyer.owner == owner) and (reason is None or matches(q.item, reason))
    ]


def review_json(review: WeeklyReview, queue: list[Queued]) -> dict:
    """The week's review: the portfolio's counts (the report's own) and each queued
    account with its position, reasons, suggestions, decision and tasks."""
    p = review.report.portfolio
    position = _positions(review)
    return {
        "week": review.report.week,
        "portfolio": {
            "buyers": p.buyers,
            "bands": p.bands,
            "revenue_at_risk_13w": p.revenue_at_risk_13w,
            "net_revenue_retention": p.net_revenue_retention,
        },
        "responsiveness": p.responsiveness,
        "follow_through": follow_through_summary(review.follow_ups),
        "queued": len(position),
        "snoozed": [a.buyer.buyer_id for a in review.accounts if a.snoozed],
        "queue": [_account(q, review.week, position[q.buyer.buyer_id]) for q in queue],
    }


def _positions(review: WeeklyReview) -> dict[str, int]:
    """Each queued account's place in the whole queue (a filtered list keeps it)."""
    return {q.buyer.buyer_id: n for n, q in enumerate(review.queue, start=1)}


def _account(q: Queued, week: int, position: int) -> dict:
    b = q.buyer
    return {
        "position": position,
        "buyer_id": b.buyer_id,
        "name": b.name,
        "owner": b.owner,
        "band": b.band,
        "health": b.health,
        "health_change": b.health_change,
        "override": b.override,
        "revenue_13w": b.revenue_13w,
        "revenue_share": round(b.revenue_share, 4),
        "reasons": [r.to_json() for r in q.item.reasons],
        "suggestions": [
            {
                "reason_key": s.reason_key,
                "action": s.action,
                "message": s.message,
                "due_on": s.due_on.isoformat(),
                "signals": list(s.signals),
            }
            for s in q.suggestions
        ],
        "outcome": q.outcome,
        "interventions": task_rows(q.interventions, week),
    }


def task_rows(rows: list[dict], week: int) -> list[dict]:
    """Stored interventions as tasks: DATA-ish fields plus ``overdue`` (open or in
    progress and due before the as-of week's Monday)."""
    return [
        {
            **{k: r.get(k) for k in TASK_FIELDS if k not in ("overdue", "created_week")},
            "created_week": label(r["created_week"]),
            "overdue": task_of(r).overdue(week),
        }
        for r in rows
    ]


def tasks_csv(tasks: list[dict]) -> str:
    return csv_text(TASK_FIELDS, ([t[k] for k in TASK_FIELDS] for t in tasks))


def print_queue(review: WeeklyReview, queue: list[Queued], console: Console) -> None:
    p = review.report.portfolio
    position = _positions(review)
    console.print(
        _text(
            f"Review, week of {review.report.week}: {len(position)} accounts queued"
            f" ({len(queue)} shown); healthy {p.bands['healthy']}, watch {p.bands['watch']},"
            f" at risk {p.bands['at_risk']}; revenue at risk {p.revenue_at_risk_13w:,.0f}"
        )
    )
    table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
    for header in ("#", "buyer", "name", "owner", "health", "share", "why", "decided"):
        table.add_column(header, overflow="fold")
    for q in queue:
        b = q.buyer
        table.add_row(
            str(position[b.buyer_id]),
            _text(b.buyer_id),
            _text(b.name),
            _text(b.owner),
            health_text(b),
            f"{b.revenue_share:.1%}",
            _text(", ".join(r.short for r in q.item.reasons)),
            q.outcome or "",
        )
    console.print(table)


def print_tasks(tasks: list[dict], week: str, console: Console) -> None:
    console.print(_text(f"Interventions, week of {week}: {len(tasks)}"))
    table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
    for header in ("id", "buyer", "owner", "action", "status", "due", "note"):
        table.add_column(header, overflow="fold")
    for t in tasks:
        due = t["due_on"] or ""
        table.add_row(
            str(t["id"]),
            _text(f"{t['buyer_id']} {t['name']}"),
            _text(t["owner"] or ""),
            _text(t["action"]),
            in_words(t["status"]),
            _text(due + (" OVERDUE" if t["overdue"] else ""), style="red" if t["overdue"] else ""),
            _text(t["note"] or ""),
        )
    console.print(table)
