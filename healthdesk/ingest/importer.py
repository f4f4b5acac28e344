"""``healthdesk import DIR``: validate every row of every file; write all or nothing.

Problems from all files are gathered (not only the first), so a user fixes a bad
export in one pass; a failed import rolls back and leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from sqlite_utils import Database

from ..store import aliases as alias_store
from ..store.imports import FileCounts, JournaledWriter, journaled_import, known_buyers, mark_stale
from ..store.keys import digest
from .contract import FILES, SPECS
from .leads import LeadBook
from .names import Resolver
from .profiles import Profile
from .reader import FileReport, Problem, rows
from .rows import to_db
from .sources import ORDER as SOURCE_ORDER
from .sources import Row, Translator, assign, parse_row

MAX_PROBLEMS_SHOWN = 50
EXAMPLES = 3
MAX_GROUPS = 20


class ImportFailed(ValueError):
    """The input breaks the contract; ``problems`` lists every bad row found.

    The message counts the problems by file, column and reason, with the first few
    examples of each, so 1,724 problems read as the handful of things to fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            f"import refused, nothing was changed: {len(problems)} problem(s)\n"
            + summarise(problems)
        )

    def __reduce__(self) -> tuple:
        return (ImportFailed, (self.problems,))


def _reason(p: Problem) -> str:
    """The reason without its per-value detail (closest names, the value's own text)."""
    return p.why.split("; closest known")[0]


def summarise(problems: list[Problem]) -> str:
    """Problems grouped by (file, column, reason), largest group first."""
    if len(problems) <= 10:
        return "\n".join(f"  {p}" for p in problems)
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.column, _reason(p)), []).append(p)
    lines = []
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0][0], str(kv[0][1])))
    for (file, column, _), group in ordered[:MAX_GROUPS]:
        where = file + (f", column {column}" if column else "")
        lines.append(f"  {where}: {len(group)} × {_reason(group[0])}")
        for p in group[:EXAMPLES]:
            value = "" if p.value is None else f" {p.value!r}"
            lines.append(
                f"      line {p.line or '-'}:{value}"
                + (f" ({p.why.split('; ', 1)[1]})" if "; closest known" in p.why else "")
            )
        if len(group) > EXAMPLES:
            lines.append(f"      … and {len(group) - EXAMPLES} more")
    if len(ordered) > MAX_GROUPS:
        rest = sum(len(g) for _, g in ordered[MAX_GROUPS:])
        lines.append(f"  … and {rest} more problem(s) of {len(ordered) - MAX_GROUPS} other kinds")
    return "\n".join(lines)


@dataclass
class ImportResult:
    rows: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    first_day: int | None = None
    import_id: int | None = None
    files: list[FileCounts] = field(default_factory=list)


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


def import_folder(
    db: Database,
    folder: Path,
    profile: Profile | None = None,
    *,
    allow_older: bool = False,
    recorded_as: str | None = None,
) -> ImportResult:
    """Validate every row of every file in ``folder`` (DATA.md files, or other tools'
    exports read through ``profile``) while streaming them into one transaction; any
    problem anywhere rolls the whole import back. The import is recorded in the log
    (``store.imports``) with its rows new / changed / unchanged per file, under
    ``recorded_as`` when given (a touchpoint logged by hand: its folder is a temporary
    one, and a weekly update without ``buyers.csv`` is then fine)."""
    if not folder.is_dir():
        raise ImportFailed([Problem(str(folder), None, None, None, "is not a folder")])
    if profile is None and recorded_as is None and not (folder / "buyers.csv").exists():
        raise ImportFailed(
            [
                Problem(
                    "buyers.csv",
                    None,
                    None,
                    None,
                    f"is required in {folder} (files named as DATA.md says); for other tools'"
                    " exports run 'healthdesk map' on the folder and import with --profile",
                )
            ]
        )
    checks = _Checks(known_buyers(db))
    result = ImportResult()
    problems: list[Problem] = []
    label = None if profile is None else profile.name
    with journaled_import(db, str(folder.resolve()), label, allow_older) as writer:
        sources = _datamd(folder) if profile is None else _profiled(db, folder, profile, result)
        for source in sources:
            spec = SPECS[f"{source.table}.csv"]
            for row in source.rows:
                bad = checks.problems(spec.name, row.line, row.row)
                if bad:
                    source.problems.extend(_relabel(bad, row, source.columns_of))
                elif not problems and not source.problems and not sources.failing():
                    _write(writer, spec.name, row, result)
            # A buyer row refused for a bad value still names its buyer: its deliveries
            # and invoices are not reported again as naming an unknown one.
            checks.known.update(sources.known)
            problems.extend(source.problems)
            result.rows[spec.name] = result.rows.get(spec.name, 0) + source.count()
            result.notes.extend(source.notes)
        problems.extend(sources.shared)
        if problems:
            raise ImportFailed(problems)
        for record in sources.extra_rows():
            writer.add(*record)
        refusals = writer.finish()
        if refusals:
            raise ImportFailed(
                [Problem(r.file, r.line, r.column, r.value, r.why + _OLDER) for r in refusals]
            )
        writer.record(recorded_as or str(folder.resolve()), label)
        mark_stale(db, result.first_day)
    result.changed = writer.changed
    result.import_id = writer.import_id
    result.files = list(writer.counts.values())
    return result


_OLDER = (
    "; this import is older than what is stored: nothing was changed (pass --allow-older"
    " to import it anyway)"
)


def _write(writer: JournaledWriter, file: str, row: Row, result: ImportResult) -> None:
    table, record, day = to_db(file, row.row)
    if record is None:
        return
    if table == "returns" and row.lead_id is not None:
        record["row_key"] = digest(("return", row.lead_id))
    writer.add(table, record, row.file, row.line)
    if day is not None and (result.first_day is None or day < result.first_day):
        result.first_day = day


def _relabel(bad: list[Problem], row: Row, columns_of: dict) -> list[Problem]:
    """Cross-row problems located in the source file and its header."""
    out = []
    for p in bad:
        table = p.file[:-4]
        header = columns_of.get((table, p.column), p.column)
        out.append(Problem(row.file, row.line, header, p.value, p.why))
    return out


class _Source:
    """The rows of one table from a folder, and what reading them found."""

    def __init__(self, table: str, rows, problems, notes, count, columns_of=None) -> None:
        self.table = table
        self.rows = rows
        self.problems: list[Problem] = problems
        self.notes = notes
        self.count = count
        self.columns_of = {} if columns_of is None else columns_of


class _Sources(list):
    """The folder's sources in table order, with what a profile's translation shares
    across them: its problems, the buyers it knows by name, and the rows it derives
    (lead ids, aliases) to write after the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.shared: list[Problem] = []
        self.known: set[str] = set()
        self.extra_rows: Callable[[], list[tuple]] = list

    def failing(self) -> bool:
        """Whether translating found a problem already (then nothing more is written)."""
        return bool(self.shared)


def _datamd(folder: Path) -> _Sources:
    out = _Sources()
    for spec in FILES:
        path = folder / spec.name
        if not path.exists():
            continue
        report = FileReport(spec)
        out.append(
            _Source(
                spec.name[:-4],
                _rows_of(spec.name, path, report),
                report.problems,
                report.notes,
                lambda report=report: report.rows,
            )
        )
    return out


def _rows_of(name: str, path: Path, report: FileReport) -> Iterator[Row]:
    for line, r in rows(path, report):
        yield Row(name, line, r)


def _profiled(db: Database, folder: Path, profile: Profile, result: ImportResult) -> _Sources:
    buyers, aliases = alias_store.known(db)
    resolver = Resolver(buyers, aliases)
    for name, buyer_id in profile.aliases.items():
        resolver.alias(name, buyer_id)
    book = LeadBook(db)
    translator = Translator(profile, resolver, book)
    files, notes, problems = assign(folder, profile)
    result.notes.extend(notes)
    if not any(t in files for t in SOURCE_ORDER):
        raise ImportFailed(
            [
                *problems,
                Problem(
                    str(folder),
                    None,
                    None,
                    None,
                    f"holds no file whose headers match profile {profile.name}"
                    f" ({', '.join(profile.tables)}): run 'healthdesk map {folder}' to see"
                    " what it recognises",
                ),
            ]
        )
    translator.problems.extend(problems)

    def table_rows(table: str):
        counted = [0]

        def gen():
            for row in translator.rows(table, files[table], files):
                before = len(translator.problems)
                parsed = parse_row(table, row, translator.columns_of, translator.problems)
                if parsed is None or len(translator.problems) > before:
                    continue
                counted[0] += 1
                yield Row(row.file, row.line, parsed, row.lead_id)

        return gen(), (lambda: counted[0])

    def extra():
        out: list[tuple] = [("leads", r, "(lead ids)", None) for r in book.records()]
        for alias, buyer_id in resolver.learned.items():
            if buyer_id not in resolver.ids:
                continue  # an alias to a buyer neither stored nor imported: its rows said so
            out.append(
                (
                    "aliases",
                    {"alias": alias, "buyer_id": buyer_id, "source": profile.name},
                    "(aliases)",
                    None,
                )
            )
        return out

    sources = _Sources()
    sources.extra_rows = extra
    for table in SOURCE_ORDER:
        if table in files:
            gen, count = table_rows(table)
            src = _Source(table, gen, [], [], count, translator.columns_of)
            sources.append(src)
    sources.shared = translator.problems
    sources.known = resolver.ids
    return sources
