"""``healthdesk import DIR``: validate every row of every file; write all or nothing.

Problems from all files are gathered (not only the first), so a user fixes a bad
export in one pass; a failed import rolls back and leaves the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from sqlite_utils import Database

from ..store.writes import import_transaction, known_buyers
from .contract import FILES
from .reader import FileReport, Problem, rows
from .rows import to_db

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

    def __reduce__(self) -> tuple:
        return (ImportFailed, (self.problems,))


@dataclass
class ImportResult:
    rows: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    first_day: int | None = None


class _Checks:
    """Rules that span rows or files: unique ids, known buyers, dates in order."""

    ORDERED: ClassVar = {
        "buyers.csv": [("started_on", "churned_on")],
        "invoices.csv": [("issued_on", "due_on"), ("issued_on", "paid_on")],
        "incidents.csv": [("opened_at", "resolved_at"), ("resolved_at", "confirmed_at")],
        "touchpoints.csv": [("at", "replied_at")],
        "contacts.csv": [("started_on", "ended_on")],
    }
    UNIQUE: ClassVar = {
        "buyers.csv": ("buyer_id",),
        "invoices.csv": ("invoice_id",),
        "incidents.csv": ("incident_id",),
        "contacts.csv": ("buyer_id", "name"),
    }

    def __init__(self, existing: set[str]) -> None:
        self.known = set(existing)
        self.seen: dict[str, set] = {name: set() for name in self.UNIQUE}

    def problems(self, name: str, line: int, r: dict) -> list[Problem]:
        out = []
        unique = self.UNIQUE.get(name)
        if unique:
            key = tuple(r[c] for c in unique)
            if key in self.seen[name]:
                out.append(Problem(name, line, unique[-1], str(key[-1]), "is a duplicate"))
            self.seen[name].add(key)
        if name == "buyers.csv":
            self.known.add(r["buyer_id"])
            if r["status"] == "churned" and r["churned_on"] is None:
                out.append(
                    Problem(name, line, "churned_on", "", "is required when status is churned")
                )
        elif r["buyer_id"] not in self.known:
            out.append(Problem(name, line, "buyer_id", r["buyer_id"], "names an unknown buyer"))
        for early, late in self.ORDERED.get(name, []):
            if r[late] is not None and (r[early] is None or r[late] < r[early]):
                out.append(
                    Problem(name, line, late, str(r[late]), f"is before {early} or without it")
                )
        return out


def import_folder(db: Database, folder: Path) -> ImportResult:
    """Validate every row of every file in ``folder`` while streaming them into one
    transaction; any problem anywhere rolls the whole import back."""
    if not folder.is_dir():
        raise ImportFailed([Problem(str(folder), None, None, None, "is not a folder")])
    if not (folder / "buyers.csv").exists():
        raise ImportFailed([Problem("buyers.csv", None, None, None, f"is required in {folder}")])
    checks = _Checks(known_buyers(db))
    result = ImportResult()
    problems: list[Problem] = []
    with import_transaction(db) as writer:
        for spec in FILES:
            path = folder / spec.name
            if not path.exists():
                continue
            report = FileReport(spec)
            for line, row in rows(path, report):
                bad = checks.problems(spec.name, line, row)
                if bad:
                    report.problems.extend(bad)
                elif not problems and not report.problems:
                    table, record, day = to_db(spec.name, row)
                    if record is not None:
                        writer.add(table, record)
                    if day is not None and (result.first_day is None or day < result.first_day):
                        result.first_day = day
            problems.extend(report.problems)
            result.rows[spec.name] = report.rows
            result.notes.extend(report.notes)
        if problems:
            raise ImportFailed(problems)
    result.changed = writer.changed
    return result
