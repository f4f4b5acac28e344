"""The week's intervention list as CSV, JSON or Markdown (DATA.md "Exporting interventions").

Rows come from the stored interventions, or, when none are recorded for the week, from
the suggestions for every account the review queue holds (snoozed ones too, with
status "snoozed"), so the export lists what the review shows. Buyer state (name, band,
health, a manager's override) is the week's report, the same numbers the console
shows; an open task's signals are the buyer's current evidence for its reason, not the
week it was opened. The ``note`` column is the latest note, or the suggestion's
concrete message when there is none: the sentence an account manager opens the call
with. ``overdue`` and ``override`` columns follow DATA.md's ten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from ..domain.interventions import ACTIVE
from ..domain.weeks import day_label
from .files import csv_text, printable

if TYPE_CHECKING:
    from ..domain.report import BuyerReport
    from ..weekly_review import WeeklyReview

HEADER = (
    "buyer_id",
    "name",
    "owner",
    "band",
    "health",
    "signals",
    "action",
    "due_on",
    "status",
    "note",
    "overdue",
    "override",
)
FORMATS = ("csv", "json", "md")
SUGGESTED = "suggested"
SNOOZED = "snoozed"
MD_SPECIAL = "\\`*_[]<>#|~!"


@dataclass(frozen=True)
class Row:
    buyer_id: str
    name: str
    owner: str
    band: str
    health: int | None
    signals: tuple[dict[str, str], ...]
    action: str
    due_on: str
    status: str
    note: str
    reason_key: str
    id: int | None = None
    overdue: bool = False
    override: str = ""


def week_list(
    review: WeeklyReview, stored: list[dict], owner: str | None = None, status: str | None = None
) -> tuple[list[Row], bool]:
    """The week's list and whether it is suggested (nothing stored matches): the one
    orchestration ``healthdesk export`` and the console's export both run."""
    suggested = status in (SUGGESTED, SNOOZED) or (status is None and not stored)
    if suggested:
        rows = suggested_rows(review, owner)
        return [r for r in rows if status in (None, r.status)], True
    return stored_rows(review, [r for r in stored if status in (None, r["status"])]), False


def stored_rows(review: WeeklyReview, stored: Iterable[dict]) -> list[Row]:
    """Rows for stored interventions (``store.interventions.for_week``), with buyer state
    and, for an open task, the buyer's current signals for its reason."""
    from ..store.interventions import task_of

    buyers = {b.buyer_id: b for b in review.report.buyers}
    current = {
        (a.buyer.buyer_id, s.reason_key): s.signals for a in review.accounts for s in a.suggestions
    }
    rows = []
    for r in stored:
        buyer = buyers.get(r["buyer_id"])
        task = task_of(r)
        signals = tuple(r["signals"])
        if task.status in ACTIVE:
            signals = current.get((task.buyer_id, r["reason_key"]), signals)
        rows.append(
            Row(
                buyer_id=r["buyer_id"],
                name=r["name"],
                owner=r["owner"] or "",
                band=buyer.band if buyer else "",
                health=buyer.health if buyer else None,
                signals=signals,
                action=r["action"],
                due_on=r["due_on"] or "",
                status=r["status"],
                note=r["note"] or r["message"] or "",
                reason_key=r["reason_key"],
                id=r["id"],
                overdue=task.overdue(review.week),
                override=_override(buyer),
            )
        )
    return rows


def suggested_rows(review: WeeklyReview, owner: str | None = None) -> list[Row]:
    """One row per suggestion for every account that needs a look, in the queue's order;
    a snoozed account's rows say "snoozed"."""
    rows = []
    for account in review.accounts:
        buyer = account.buyer
        if owner is not None and buyer.owner != owner:
            continue
        for s in account.suggestions:
            rows.append(
                Row(
                    buyer_id=buyer.buyer_id,
                    name=buyer.name,
                    owner=buyer.owner or "",
                    band=buyer.band,
                    health=buyer.health,
                    signals=s.signals,
                    action=s.action,
                    due_on=s.due_on.isoformat(),
                    status=SNOOZED if account.snoozed else SUGGESTED,
                    note=s.message,
                    reason_key=s.reason_key,
                    override=_override(buyer),
                )
            )
    return rows


def _override(buyer: BuyerReport | None) -> str:
    """ "computed 32, until 2026-12-01: reason" when a manager's health is shown."""
    o = buyer.override if buyer is not None else None
    if not o:
        return ""
    return f"computed {o['computed_health']}, until {o['expires_on']}: {o['reason']}"


def render(rows: list[Row], fmt: str, week: str, suggested: bool) -> str:
    """The list in ``fmt`` (csv, json or md) for the week labelled ``week``."""
    if fmt == "csv":
        return as_csv(rows)
    if fmt == "json":
        return as_json(rows, week, suggested)
    return as_markdown(rows, week, suggested)


def as_csv(rows: list[Row]) -> str:
    """DATA.md's columns; signals as ``code: detail`` joined by ``; ``; formula-safe."""
    return csv_text(
        HEADER,
        (
            (
                r.buyer_id,
                r.name,
                r.owner,
                r.band,
                r.health,
                "; ".join(f"{s['code']}: {s['detail']}" for s in r.signals),
                r.action,
                r.due_on,
                r.status,
                r.note,
                "yes" if r.overdue else "",
                r.override,
            )
            for r in rows
        ),
    )


def as_json(rows: list[Row], week: str, suggested: bool) -> str:
    """``{"week", "source", "interventions": [...]}``; signals stay a list of objects."""
    items = [{**asdict(r), "signals": list(r.signals)} for r in rows]
    source = SUGGESTED if suggested else "stored"
    return json.dumps({"week": week, "source": source, "interventions": items}, indent=2) + "\n"


def as_markdown(rows: list[Row], week: str, suggested: bool) -> str:
    """Paste-ready for an email or stand-up doc: grouped by owner, then by buyer (a
    buyer with two actions is named once), reasons in words."""
    lines = [f"# Interventions, week of {week}", ""]
    if suggested:
        lines += [
            "Suggested for every account the review queue holds: none are recorded for this"
            " week yet.",
            "",
        ]
    if not rows:
        lines += ["Nothing to do this week.", ""]
    for owner in sorted({r.owner for r in rows}, key=lambda o: (o == "", o.lower())):
        group = [r for r in rows if r.owner == owner]
        lines += [f"## {md_escape(owner) if owner else 'Unassigned'} ({len(group)})", ""]
        for buyer_id in dict.fromkeys(r.buyer_id for r in group):
            actions = [r for r in group if r.buyer_id == buyer_id]
            first = actions[0]
            state = (
                f"{first.band.replace('_', ' ')}, health {first.health}"
                + (f" (override: {md_escape(first.override)})" if first.override else "")
                if first.band
                else "not listed"
            )
            lines.append(f"- **{md_escape(first.name)}** ({md_escape(buyer_id)}): {state}")
            for r in actions:
                status = r.status.replace("_", " ") + (", OVERDUE" if r.overdue else "")
                lines.append(f"  - {r.action}, due {day_label(r.due_on)} ({status})")
                lines += [f"    - {md_escape(s['detail'])}" for s in r.signals]
                if r.note:
                    lines.append(f"    - Note: {md_escape(r.note)}")
        lines.append("")
    return printable("\n".join(lines), keep="\n")


def md_escape(text: str) -> str:
    """Data as literal text: Markdown punctuation escaped, line breaks flattened."""
    flat = " ".join(str(text).split())
    return "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in flat)
