"""Parsed CSV rows → database rows, with the integer day/week columns scoring reads."""

from __future__ import annotations

from datetime import date, datetime

from ..store.keys import delivery_key, digest, touchpoint_key
from . import fields
from .contract import ACCEPTABLE_REASONS, FILES


def _day(value: date | datetime | None) -> int | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).toordinal()


def _week(day: int | None) -> int | None:
    return None if day is None else (day - 1) // 7


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _keyed(r: dict, file: str) -> dict:
    """The row as stored (dates as ISO text) with ``row_key``, the natural key of an
    event row: a hash of the whole row, column order aside, so re-imports add nothing."""
    row = _isos(r, DATES[file])
    return {"row_key": digest(v for _, v in sorted(row.items())), **row}


def _isos(r: dict, dates: tuple[str, ...] | None = None) -> dict:
    """The row with its dates as ISO text. ``dates`` names the columns that can hold
    one (the contract's date and date-time columns: no other parser returns a date);
    without it every value is looked at."""
    if dates is None:
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in r.items()}
    row = r.copy()
    for k in dates:
        v = row.get(k)
        if v is not None:
            row[k] = v.isoformat()
    return row


DATES = {
    spec.name: tuple(
        n for n, c in spec.columns.items() if c.parse in (fields.iso_date, fields.iso_datetime)
    )
    for spec in FILES
}
"""Per file, the columns whose parsed values are dates or date-times."""


def to_db(file: str, r: dict) -> tuple[str, dict | None, int | None]:
    """(table, row, the activity day that should trigger rescoring from its week)."""
    if file == "buyers.csv":
        return "buyers", _isos(r, DATES[file]), None
    if file == "deliveries.csv":
        day = _day(r["date"])
        row = _isos(r, DATES[file])
        key = delivery_key(row["buyer_id"], row["date"], row["product"])
        return "deliveries", {"row_key": key, **row, "day": day, "week": _week(day)}, day
    if file == "returns.csv":
        day = _day(r["date"])
        counted = int(r["reason"] in ACCEPTABLE_REASONS and r["status"] != "rejected")
        row = {**_keyed(r, file), "day": day, "week": _week(day), "counted": counted}
        return "returns", row, day
    if file == "invoices.csv":
        day = _day(r["issued_on"])
        row = {
            **_isos(r, DATES[file]),
            "issued_day": day,
            "due_day": _day(r["due_on"]),
            "paid_day": _day(r["paid_on"]),
        }
        return "invoices", row, day
    if file == "touchpoints.csv":
        return "touchpoints", *_touchpoint(r)
    if file == "incidents.csv":
        row = {
            **_isos(r, DATES[file]),
            "opened_day": _day(r["opened_at"]),
            "resolved_day": _day(r["resolved_at"]),
            "confirmed_day": _day(r["confirmed_at"]),
        }
        return "incidents", row, row["opened_day"]
    if file == "contacts.csv":
        row = {
            **_isos({k: v for k, v in r.items() if k != "primary"}, DATES[file]),
            "is_primary": int(r["primary"]),
        }
        row["introduced"] = int(r["introduced"])
        row.update(started_day=_day(r["started_on"]), ended_day=_day(r["ended_on"]))
        return "contacts", row, row["started_day"]
    if r["score"] is None:
        return "surveys", None, None
    day = _day(r["date"])
    return "surveys", {**_keyed(r, file), "day": day}, day


def _touchpoint(r: dict) -> tuple[dict, int | None]:
    replied = r["replied_at"] if r["direction"] == "outbound" else None
    day = _day(r["at"])
    reply_day = _day(replied)
    stored = _isos(r, DATES["touchpoints.csv"])
    row = {
        "row_key": touchpoint_key(stored),
        **stored,
        "day": day,
        "week": _week(day),
        "reply_day": reply_day,
        "reply_week": _week(reply_day),
        "reply_hours": (replied - r["at"]).total_seconds() / 3600 if replied else None,
    }
    return row, day
