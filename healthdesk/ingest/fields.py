"""Field parsers for the CSV contract: each returns a value or raises ``FieldError``
with the reason a user can act on ("not a date like 2026-11-16")."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

MAX_TEXT = 2000
MAX_NAME = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class FieldError(ValueError):
    """A value that breaks the contract; the message says why."""


Parser = Callable[[str], object]


def text(limit: int = MAX_TEXT, *, multiline: bool = False) -> Parser:
    """Text kept literally, but no control characters and a sane length. Only
    ``multiline`` fields (notes, summaries) may hold line breaks and tabs: a name
    with a line break would split its row in every table."""
    pattern = _CONTROL if multiline else _LINE_CONTROL

    def parse(value: str) -> str:
        if len(value) > limit:
            raise FieldError(f"is {len(value)} characters long; at most {limit} allowed")
        bad = pattern.search(value)
        if bad:
            raise FieldError(f"contains control character U+{ord(bad.group()):04X}")
        return value

    return parse


def identifier(value: str) -> str:
    """Ids are short printable text without surrounding spaces."""
    value = text(100)(value)
    if value != value.strip():
        raise FieldError("has leading or trailing spaces")
    return value


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value) if len(value) == 10 else _fail()
    except ValueError:
        raise FieldError("is not a date like 2026-11-16") from None


def iso_datetime(value: str) -> datetime:
    """ISO 8601; a missing zone means UTC. Returned in UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError("is not a date-time like 2026-11-16T09:30:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _fail() -> date:
    raise ValueError


def number(
    minimum: float | None = None, maximum: float | None = None, above: bool = False
) -> Parser:
    """A plain decimal within bounds (``above`` makes the minimum exclusive)."""

    def parse(value: str) -> float:
        try:
            x = float(value)
        except ValueError:
            raise FieldError("is not a number like 1234.50") from None
        if not math.isfinite(x):
            raise FieldError("is not a finite number")
        if minimum is not None and (x <= minimum if above else x < minimum):
            raise FieldError(f"must be {'>' if above else '≥'} {minimum:g}")
        if maximum is not None and x > maximum:
            raise FieldError(f"must be ≤ {maximum:g}")
        return x

    return parse


def whole(minimum: int = 0, above: bool = False) -> Parser:
    """A whole number ≥ ``minimum`` (or > with ``above``)."""

    def parse(value: str) -> int:
        try:
            x = int(value)
        except ValueError:
            raise FieldError("is not a whole number") from None
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
