"""Read one CSV file against its spec, streaming: rows are yielded as they parse and
every problem is collected, so a 2-million-row import needs no 2-million-row list.

Nothing is written here; the importer decides what to do with rows and problems.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .contract import FileSpec
from .fields import FieldError

csv.field_size_limit(16 * 1024 * 1024)

MAX_FILE_BYTES = 2 * 1024**3
"""The largest CSV file read (2 GiB): a bound on memory for whatever the path is."""


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
class FileReport:
    """What reading one file found besides its rows."""

    spec: FileSpec
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FieldError(
            f"line {line}: byte 0x{raw[exc.start]:02X} is not UTF-8; save the file as UTF-8"
        ) from None


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; else
    ``FieldError``. Opened without blocking and checked on the open descriptor, so a
    FIFO, a device (``/dev/zero``) or a folder is refused before a byte is read, and a
    file that grows while it is read is cut at ``limit`` + 1 bytes and refused."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FieldError("is a folder, not a CSV file")
        if not stat.S_ISREG(info.st_mode):
            raise FieldError("is not a regular file (a pipe or a device?); give a CSV file")
        if info.st_size > limit:
            raise FieldError(f"is {info.st_size:,} bytes; at most {limit:,} are read")
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 64 * 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FieldError(f"grew past {limit:,} bytes while being read")
    return data


def rows(path: Path, report: FileReport) -> Iterator[tuple[int, dict]]:
    """Yield ``(line, parsed row)`` for each good row; problems go into ``report``."""
    spec = report.spec
    try:
        text = _decode(read_bounded(path))
    except FieldError as exc:
        report.problems.append(Problem(spec.name, None, None, None, str(exc)))
        return
    except OSError as exc:
        report.problems.append(Problem(spec.name, None, None, None, f"cannot read: {exc.strerror}"))
        return
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        report.problems.append(Problem(spec.name, line, None, None, "contains a NUL byte"))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            report.problems.append(
                Problem(spec.name, 1, None, None, "is empty: a header row is needed")
            )
            return
        names = [h.strip() for h in header]
        if not _check_header(spec, names, report):
            return
        plan = [
            (i, n, c.parse, c.required, c.default, {})
            for i, n in enumerate(names)
            if (c := spec.columns.get(n)) is not None
        ]
        absent = {n: c.default for n, c in spec.columns.items() if n not in names}
        width = len(names)
        for values in reader:
            line = reader.line_num
            if len(values) != width:
                if any(v.strip() for v in values):
                    report.problems.append(
                        Problem(
                            spec.name,
                            line,
                            None,
                            None,
                            f"has {len(values)} fields, header has {width}",
                        )
                    )
                continue
            row = _parse(spec.name, plan, values, line, report)
            if row is not None:
                row.update(absent)
                report.rows += 1
                yield line, row
    except csv.Error as exc:
        report.problems.append(Problem(spec.name, reader.line_num, None, None, f"bad CSV: {exc}"))


def _check_header(spec: FileSpec, names: list[str], report: FileReport) -> bool:
    for c in spec.required:
        if c not in names:
            report.problems.append(Problem(spec.name, 1, c, None, "required column is missing"))
    for c in sorted({n for n in names if names.count(n) > 1}):
        report.problems.append(Problem(spec.name, 1, c, None, "column appears more than once"))
    unknown = [n for n in names if n not in spec.columns]
    if unknown:
        report.notes.append(
            f"{spec.name}: ignored unknown column(s) {', '.join(map(repr, unknown))}"
        )
    return not report.problems


MEMO = 4096
"""Accepted values remembered per column: the parsers are pure, and a book repeats its
buyer ids, dates, lead counts and choices in every row. A column with more distinct
values than this (amounts, times, notes) is simply parsed; each value either way."""
_MISSING = object()


def _parse(name: str, plan: list, values: list[str], line: int, report: FileReport) -> dict | None:
    row: dict = {}
    ok = True
    for i, column_name, parse, required, default, memo in plan:
        raw = values[i]
        value = raw.strip()
        if not value:
            if required:
                report.problems.append(
                    Problem(name, line, column_name, raw, "is required but empty")
                )
                ok = False
            row[column_name] = default
            continue
        parsed = memo.get(value, _MISSING)
        if parsed is _MISSING:
            try:
                parsed = parse(value)
            except FieldError as exc:
                report.problems.append(Problem(name, line, column_name, raw, str(exc)))
                ok = False
                continue
            if len(memo) < MEMO:
                memo[value] = parsed
        row[column_name] = parsed
    return row if ok else None
