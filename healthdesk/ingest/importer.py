"""``healthdesk import DIR``: validate every row of every file, then write all or nothing.

Problems from all files are gathered before anything touches the database, so a
user fixes a bad export in one pass, and a failed import leaves the file as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database

from ..store.writes import known_buyers, write_import
from .contract import ACCEPTABLE_REASONS, FILES
from .reader import Parsed, Problem, read

MAX_PROBLEMS_SHOWN = 50


class ImportFailed(ValueError):
    """The input breaks the contract; ``problems`` lists every bad row found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(
            f"import refused, nothing was changed: {len(problems)} problem(s)\n{shown}{tail}"
        )


@dataclass
class ImportResult:
    rows: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    first_day: int | None = None


def _day(value: date | datetime | None) -> int | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).toordinal()


def _week(day: int | None) -> int | None:
    return None if day is None else (day - 1) // 7


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _key(*values: object) -> str:
    return hashlib.sha1(repr(values).encode()).hexdigest()


def read_folder(folder: Path) -> dict[str, Parsed]:
    """Parse every contract file present in ``folder``."""
    if not folder.is_dir():
        raise ImportFailed([Problem(str(folder), None, None, None, "is not a folder")])
    if not (folder / "buyers.csv").exists():
        raise ImportFailed([Problem("buyers.csv", None, None, None, f"is required in {folder}")])
    return {
        spec.name: read(folder / spec.name, spec) for spec in FILES if (folder / spec.name).exists()
    }


def _cross_check(parsed: dict[str, Parsed], existing: set[str]) -> list[Problem]:
    """Rules that span rows or files: unique ids, known buyers, dates in order."""
    problems: list[Problem] = []
    buyers = parsed["buyers.csv"]
    ids: set[str] = set()
    for line, r in buyers.rows:
        if r["buyer_id"] in ids:
            problems.append(
                Problem("buyers.csv", line, "buyer_id", r["buyer_id"], "is a duplicate")
            )
        ids.add(r["buyer_id"])
        if r["status"] == "churned" and r["churned_on"] is None:
            problems.append(
                Problem("buyers.csv", line, "churned_on", "", "is required when status is churned")
            )
        if r["churned_on"] and r["churned_on"] < r["started_on"]:
            problems.append(
                Problem(
                    "buyers.csv", line, "churned_on", str(r["churned_on"]), "is before started_on"
                )
            )
    known = ids | existing
    order = {
        "invoices.csv": ("invoice_id", [("issued_on", "due_on"), ("issued_on", "paid_on")]),
        "incidents.csv": (
            "incident_id",
            [("opened_at", "resolved_at"), ("resolved_at", "confirmed_at")],
        ),
        "touchpoints.csv": (None, [("at", "replied_at")]),
        "contacts.csv": (None, [("started_on", "ended_on")]),
    }
    for name, data in parsed.items():
        if name == "buyers.csv":
            continue
        unique, pairs = order.get(name, (None, []))
        seen: set[str] = set()
        for line, r in data.rows:
            if r["buyer_id"] not in known:
                problems.append(
                    Problem(name, line, "buyer_id", r["buyer_id"], "names an unknown buyer")
                )
            if unique:
                if r[unique] in seen:
                    problems.append(Problem(name, line, unique, r[unique], "is a duplicate"))
                seen.add(r[unique])
            for early, late in pairs:
                if r[late] is not None and (r[early] is None or r[late] < r[early]):
                    problems.append(
                        Problem(name, line, late, _iso(r[late]), f"is before {early} or without it")
                    )
        if name == "contacts.csv":
            problems.extend(_contact_names(data))
    return problems


def _contact_names(data: Parsed) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for line, r in data.rows:
        key = (r["buyer_id"], r["name"])
        if key in seen:
            out.append(
                Problem("contacts.csv", line, "name", r["name"], "is listed twice for this buyer")
            )
        seen.add(key)
    return out


def _tables(parsed: dict[str, Parsed]) -> dict[str, list[dict]]:
    """Database rows with the integer day/week columns scoring reads."""
    rows = {name: [r for _, r in p.rows] for name, p in parsed.items()}
    out: dict[str, list[dict]] = {}
    out["buyers"] = [
        {**r, "started_on": _iso(r["started_on"]), "churned_on": _iso(r["churned_on"])}
        for r in rows["buyers.csv"]
    ]
    out["deliveries"] = [
        {
            "row_key": _key(*r.values()),
            "buyer_id": r["buyer_id"],
            "date": _iso(r["date"]),
            "day": (d := _day(r["date"])),
            "week": _week(d),
            "leads": r["leads"],
            "revenue": r["revenue"],
            "cost": r["cost"],
            "product": r["product"],
        }
        for r in rows.get("deliveries.csv", [])
    ]
    out["returns"] = [
        {
            "row_key": _key(*r.values()),
            "buyer_id": r["buyer_id"],
            "date": _iso(r["date"]),
            "day": (d := _day(r["date"])),
            "week": _week(d),
            "leads": r["leads"],
            "reason": r["reason"],
            "status": r["status"],
            "counted": int(r["reason"] in ACCEPTABLE_REASONS and r["status"] != "rejected"),
        }
        for r in rows.get("returns.csv", [])
    ]
    out["invoices"] = [
        {
            **r,
            "issued_on": _iso(r["issued_on"]),
            "due_on": _iso(r["due_on"]),
            "paid_on": _iso(r["paid_on"]),
            "issued_day": _day(r["issued_on"]),
            "due_day": _day(r["due_on"]),
            "paid_day": _day(r["paid_on"]),
        }
        for r in rows.get("invoices.csv", [])
    ]
    out["touchpoints"] = [_touchpoint(r) for r in rows.get("touchpoints.csv", [])]
    out["incidents"] = [
        {
            **{k: _iso(v) if isinstance(v, datetime) else v for k, v in r.items()},
            "opened_day": _day(r["opened_at"]),
            "resolved_day": _day(r["resolved_at"]),
            "confirmed_day": _day(r["confirmed_at"]),
        }
        for r in rows.get("incidents.csv", [])
    ]
    out["contacts"] = [
        {
            "buyer_id": r["buyer_id"],
            "name": r["name"],
            "role": r["role"],
            "level": r["level"],
            "is_primary": int(r["primary"]),
            "started_on": _iso(r["started_on"]),
            "ended_on": _iso(r["ended_on"]),
            "introduced": int(r["introduced"]),
            "started_day": _day(r["started_on"]),
            "ended_day": _day(r["ended_on"]),
        }
        for r in rows.get("contacts.csv", [])
    ]
    out["surveys"] = [
        {
            "row_key": _key(*r.values()),
            "buyer_id": r["buyer_id"],
            "date": _iso(r["date"]),
            "day": _day(r["date"]),
            "score": r["score"],
        }
        for r in rows.get("surveys.csv", [])
        if r["score"] is not None
    ]
    return out


def _touchpoint(r: dict) -> dict:
    replied = r["replied_at"] if r["direction"] == "outbound" else None
    day = _day(r["at"])
    reply_day = _day(replied)
    hours = (replied - r["at"]).total_seconds() / 3600 if replied else None
    return {
        "row_key": _key(*r.values()),
        "buyer_id": r["buyer_id"],
        "at": _iso(r["at"]),
        "day": day,
        "week": _week(day),
        "direction": r["direction"],
        "channel": r["channel"],
        "replied_at": _iso(r["replied_at"]),
        "reply_day": reply_day,
        "reply_week": _week(reply_day),
        "reply_hours": hours,
        "kind": r["kind"],
        "request_type": r["request_type"],
        "note": r["note"],
    }


def import_folder(db: Database, folder: Path) -> ImportResult:
    """Validate everything in ``folder``; on success write it all in one transaction."""
    parsed = read_folder(folder)
    problems = [p for data in parsed.values() for p in data.problems]
    problems += _cross_check(parsed, known_buyers(db))
    if problems:
        raise ImportFailed(problems)
    tables = _tables(parsed)
    changed = write_import(db, tables)
    days = [r["day"] for t in ("deliveries", "returns", "touchpoints") for r in tables[t]]
    days += [r["issued_day"] for r in tables["invoices"]]
    return ImportResult(
        rows={name: len(data.rows) for name, data in parsed.items()},
        changed=changed,
        notes=[n for data in parsed.values() for n in data.notes],
        first_day=min(days) if days else None,
    )
