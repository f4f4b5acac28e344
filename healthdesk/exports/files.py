"""Atomic file writes, spreadsheet-safe CSV cells and terminal-safe text.

A file is written to a temporary sibling, flushed to disk and renamed over the
target, so a crash never leaves half a file; an existing file is kept unless the
caller asked to replace it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 control characters (ESC starts every terminal escape sequence) and the
bidirectional overrides that make a terminal show text in another order than stored."""


class ExportError(ValueError):
    """The export cannot be written where asked; the message says why."""


def safe_cell(value: object) -> object:
    """Defuse a text cell a spreadsheet would run as a formula (prefix a quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def printable(text: str, keep: str = "") -> str:
    """``text`` as the terminal should show it: every control character (but those in
    ``keep``) replaced by its escape, ``\\x1b`` or ``\\u202e``, so data written by any
    tool reads as what it is and never moves the cursor, recolours or rings the bell."""

    def escape(m: re.Match[str]) -> str:
        ch = m.group()
        if ch in keep:
            return ch
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return _UNPRINTABLE.sub(escape, text)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a header, every text cell formula-safe and its control characters (but
    line breaks and tabs) shown as escapes, ``\\n`` line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(_cell_text(v)) for v in row])
    return buffer.getvalue()


def _cell_text(value: object) -> object:
    return printable(value, keep="\n\t") if isinstance(value, str) else value


def write_atomic(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` all at once, or not at all."""
    if path.exists() and not force:
        raise ExportError(f"{path} already exists; pass --force to replace it")
    if path.is_dir():
        raise ExportError(f"{path} is a folder")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {path}: {exc.strerror}") from None
        raise
