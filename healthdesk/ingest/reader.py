"""Read one CSV file against its spec: every row parsed, every problem collected.

Nothing is written here; the caller decides after seeing all files' problems.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .contract import FileSpec
from .fields import FieldError

MAX_FILE_BYTES = 2 * 1024**3
csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    why: str

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        where += f", column {self.column}" if self.column else ""
        shown = ""
        if self.value is not None:
            shown = repr(self.value if len(self.value) <= 40 else self.value[:40] + "…")
            shown = f" {shown}"
        return f"{where}:{shown} {self.why}"


@dataclass
class Parsed:
    """A file's good rows (with their line numbers) and its problems."""

    spec: FileSpec
    rows: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FieldError(
            f"line {line}: byte 0x{raw[exc.start]:02X} is not UTF-8; save the file as UTF-8"
        ) from None


def read(path: Path, spec: FileSpec) -> Parsed:
    """Parse ``path`` per ``spec``; problems are collected, never raised."""
    out = Parsed(spec)
    try:
        text = _decode(path, path.read_bytes())
    except FieldError as exc:
        out.problems.append(Problem(spec.name, None, None, None, str(exc)))
        return out
    except OSError as exc:
        out.problems.append(Problem(spec.name, None, None, None, f"cannot read: {exc.strerror}"))
        return out
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        out.problems.append(Problem(spec.name, line, None, None, "contains a NUL byte"))
        return out
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            out.problems.append(
                Problem(spec.name, 1, None, None, "is empty: a header row is needed")
            )
            return out
        names = [h.strip() for h in header]
        if not _check_header(spec, names, out):
            return out
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            _row(spec, names, values, line, out)
    except csv.Error as exc:
        out.problems.append(Problem(spec.name, reader.line_num, None, None, f"bad CSV: {exc}"))
    return out


def _check_header(spec: FileSpec, names: list[str], out: Parsed) -> bool:
    missing = [c for c in spec.required if c not in names]
    for c in missing:
        out.problems.append(Problem(spec.name, 1, c, None, "required column is missing"))
    dupes = sorted({n for n in names if names.count(n) > 1})
    for c in dupes:
        out.problems.append(Problem(spec.name, 1, c, None, "column appears more than once"))
    unknown = [n for n in names if n not in spec.columns]
    if unknown:
        out.notes.append(f"{spec.name}: ignored unknown column(s) {', '.join(map(repr, unknown))}")
    return not missing and not dupes


def _row(spec: FileSpec, names: list[str], values: list[str], line: int, out: Parsed) -> None:
    if len(values) != len(names):
        out.problems.append(
            Problem(
                spec.name, line, None, None, f"has {len(values)} fields, header has {len(names)}"
            )
        )
        return
    row: dict = {}
    ok = True
    for name, raw in zip(names, values, strict=True):
        column = spec.columns.get(name)
        if column is None:
            continue
        value = raw.strip()
        if value == "":
            if column.required:
                out.problems.append(Problem(spec.name, line, name, raw, "is required but empty"))
                ok = False
            row[name] = column.default
            continue
        try:
            row[name] = column.parse(value)
        except FieldError as exc:
            out.problems.append(Problem(spec.name, line, name, raw, str(exc)))
            ok = False
    for name, column in spec.columns.items():
        row.setdefault(name, column.default)
    if ok:
        out.rows.append((line, row))
