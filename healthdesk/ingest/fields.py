"""Field parsers for the CSV contract: each returns a value or raises ``FieldError``
with the reason a user can act on ("not a date like 2026-11-16")."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

MAX_TEXT = 2000
MAX_NAME = 200
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2199, 12, 31)
"""The dates an import accepts: anything outside is a typo (``0001-01-01``,
``9999-12-31``) that would move the "as of" week or the span scored to another era."""
MAX_OFFSET = timedelta(hours=18)
"""The largest UTC offset of a date-time (real zones are within −12:00 and +14:00)."""
MAX_WHOLE = 10**12
"""The largest whole number (leads, days): sums of millions of them stay inside
SQLite's 64-bit integers."""
MAX_AMOUNT = 1e15
"""The largest decimal (money, leads per week): sums stay finite and exact to the cent."""
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class FieldError(ValueError):
    """A value that breaks the contract; the message says why."""


Parser = Callable[[str], object]


def text(limit: int = MAX_TEXT, *, multiline: bool = False) -> Callable[[str], str]:
    """Text kept literally, but no control characters and a sane length. Only
    ``multiline`` fields (notes, summaries) may hold line breaks and tabs: a name
    with a line break would split its row in every table."""
    pattern = _CONTROL if multiline else _LINE_CONTROL

    def parse(value: str) -> str:
        if len(value) > limit:
            raise FieldError(f"is {len(value)} characters long; at most {limit} allowed")
        # Printable text holds no control character (they are all category Cc): the
        # search is needed only for the rest (a line break, a tab, a zero-width space).
        if not value.isprintable():
            bad = pattern.search(value)
            if bad:
                raise FieldError(f"contains control character U+{ord(bad.group()):04X}")
        return value

    return parse


_ID_TEXT = text(100)


def identifier(value: str) -> str:
    """Ids are short printable text without surrounding spaces."""
    value = _ID_TEXT(value)
    if value != value.strip():
        raise FieldError("has leading or trailing spaces")
    return value


def iso_date(value: str) -> date:
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else _fail()
    except ValueError:
        raise FieldError("is not a date like 2026-11-16") from None
    return _in_window(parsed)


def _in_window(day: date) -> date:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise FieldError(f"is outside the dates accepted, {FIRST_DATE} to {LAST_DATE}")
    return day


def iso_datetime(value: str) -> datetime:
    """ISO 8601; a missing zone means UTC. Returned in UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError("is not a date-time like 2026-11-16T09:30:00Z") from None
    _in_window(parsed.date())  # before converting: 9999-12-31T23:00-05:00 overflows
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    offset = parsed.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise FieldError("has a UTC offset beyond ±18:00")
    return _in_window_utc(parsed.astimezone(UTC))


def _in_window_utc(moment: datetime) -> datetime:
    """The UTC moment, still inside the window once the offset is applied."""
    _in_window(moment.date())
    return moment


def _fail() -> date:
    raise ValueError


def number(
    minimum: float | None = None, maximum: float | None = None, above: bool = False
) -> Parser:
    """A plain decimal within bounds (``above`` makes the minimum exclusive)."""

    def parse(value: str) -> float:
        if not _DECIMAL.fullmatch(value):
            raise FieldError("is not a number like 1234.50")
        x = float(value)
        if not math.isfinite(x) or abs(x) > MAX_AMOUNT:
            raise FieldError(f"is out of range: at most {MAX_AMOUNT:,.0f}")
        if minimum is not None and (x <= minimum if above else x < minimum):
            raise FieldError(f"must be {'>' if above else '≥'} {minimum:g}")
        if maximum is not None and x > maximum:
            raise FieldError(f"must be ≤ {maximum:g}")
        return x

    return parse


def whole(minimum: int = 0, above: bool = False) -> Parser:
    """A whole number ≥ ``minimum`` (or > with ``above``), at most ``MAX_WHOLE``."""

    def parse(value: str) -> int:
        # ASCII digits only match the pattern as they are: the search is for the rest.
        if not (value.isascii() and value.isdigit()) and not _WHOLE.fullmatch(value):
            raise FieldError("is not a whole number")
        x = int(value) if len(value) <= 20 else MAX_WHOLE + 1
        if x > MAX_WHOLE:
            raise FieldError(f"is out of range: at most {MAX_WHOLE:,}")
        if x < minimum or (above and x == minimum):
            raise FieldError(f"must be {'>' if above else '≥'} {minimum}")
        return x

    return parse


def choice(*options: str) -> Parser:
    def parse(value: str) -> str:
        if value not in options:
            raise FieldError(f"must be one of {', '.join(options)}")
        return value

    return parse


def boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise FieldError("must be true or false")
