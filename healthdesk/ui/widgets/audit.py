"""``AuditTrail``: who changed what on one buyer's interventions, notes, overrides,
snoozes and reviews, newest first, for the account screen (the rows come from
``store.interventions.buyer_audit_trail``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

if TYPE_CHECKING:
    from ..app import HealthdeskApp

SHOWN = 50


FIELDS = {
    "created_week": "week",
    "reason_key": "reason",
    "due_on": "due",
    "expires_on": "expires",
    "until_on": "snoozed until",
    "buyer_id": "buyer",
    "message": "opening question",
    "opened_health": "health when opened",
    "closed_health": "health when closed",
    "closed_week": "closed in the week of",
    "cleared_because": "cleared because",
}
"""Stored column names as a manager reads them."""


def row_text(row: dict) -> Content:
    """``2026-11-16 10:02 ann  intervention #3 owner: dana → bob``, in words: weeks as
    their Monday, signals as their codes, statuses without underscores; literally."""
    when = (row["at"] or "")[:16].replace("T", " ")
    what = f"{row['entity']} #{row['entity_id']}" if row["entity"] != "review" else "review"
    field = row["field"]
    old, new = (_value(field, v) for v in (row["old"], row["new"]))
    change = new if old is None else f"{old} → {new}"
    return Content.assemble(
        (f"{when} {row['author']}  ", "$text-muted"),
        (what, "bold"),
        f" {FIELDS.get(field, field.replace('_', ' '))}: ",
        change or "",
    )


def _value(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    if field in ("created_week", "week", "closed_week") and value.lstrip("-").isdigit():
        from ...domain.weeks import label

        return label(int(value))
    if field == "signals":
        try:
            signals = json.loads(value)
        except ValueError:
            return value
        return "; ".join(f"{str(s.get('code', '')).replace('_', ' ')}" for s in signals) or "none"
    if field in ("status", "outcome", "reason_key", "band"):
        return value.replace("_", " ")
    return value


class TrailLoaded(Message):
    def __init__(self, buyer_id: str, rows: list[dict] | None, error: str = "") -> None:
        super().__init__()
        self.buyer_id, self.rows, self.error = buyer_id, rows, error


class AuditTrail(Static):
    """A buyer's audit rows, read in a worker; call ``reload`` after a change."""

    DEFAULT_CSS = """
    AuditTrail {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, buyer_id: str, *, id: str | None = None) -> None:
        super().__init__(Content.styled("reading the audit trail…", "$text-muted"), id=id)
        self.buyer_id = buyer_id
        self.rows: list[dict] | None = None

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load(self.buyer_id)

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def _load(self, buyer_id: str) -> None:
        from ...store.db import open_db
        from ...store.interventions import buyer_audit_trail

        try:
            db = open_db(cast("HealthdeskApp", self.app).db_path)
            try:
                rows = buyer_audit_trail(db, buyer_id)
            finally:
                db.close()
        except Exception as exc:  # shown in place: a bad read must not end the console
            self.post_message(TrailLoaded(buyer_id, None, str(exc)))
            return
        self.post_message(TrailLoaded(buyer_id, rows))

    @on(TrailLoaded)
    def _loaded(self, message: TrailLoaded) -> None:
        message.stop()
        if message.buyer_id != self.buyer_id:
            return
        self.rows = message.rows
        title = Content.styled("Audit trail", "bold $text-accent")
        if message.rows is None:
            body = [Content.styled(f"could not read it: {message.error}", "$text-error")]
        elif not message.rows:
            body = [Content.styled("no changes recorded", "$text-muted")]
        else:
            newest = message.rows[::-1][:SHOWN]
            body = [row_text(r) for r in newest]
            if len(message.rows) > SHOWN:
                body.append(Content.styled(f"… {len(message.rows) - SHOWN} older", "$text-muted"))
        self.update(Content("\n").join([title, *body]))
