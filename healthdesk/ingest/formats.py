"""Value formats of other tools' exports → DATA.md values.

Dates and date-times go through pendulum (named formats such as ``M/D/YYYY`` or
``D.M.YYYY HH:mm``, or ``iso`` for ISO 8601 with or without a zone); money through a
strict pattern per style (``us``: ``$1,008.00``, ``eu``: ``1.008,00 €``; parentheses
or a leading minus for credits); payment terms such as "Net 30" or "Due on receipt".
Each parser raises ``FieldError`` with a reason a person can act on.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache

import pendulum

from .fields import FieldError

ISO = "iso"
DATE_FORMATS = (
    ISO,
    "M/D/YYYY",
    "D/M/YYYY",
    "M/D/YY",
    "D/M/YY",
    "D.M.YYYY",
    "M-D-YYYY",
    "D-M-YYYY",
    "YYYY/MM/DD",
    "MMM D, YYYY",
    "D MMM YYYY",
)
"""Date formats ``map`` tries, in order of preference (US before EU when a column
fits both, as the tools SOURCES.md lists are US-first)."""
TIME_SUFFIXES = ("", " H:mm", " H:mm:ss", " h:mm A", " h:mm:ss A", " h:mm a", " h:mm:ss a")
ZONE_SUFFIXES = ("", " Z", " ZZ", " z")


def datetime_formats() -> list[str]:
    """Every date format with every time-of-day (and zone) suffix, ISO first."""
    out = [ISO]
    for d in DATE_FORMATS[1:]:
        for t in TIME_SUFFIXES:
            for z in ZONE_SUFFIXES if t else ("",):
                out.append(d + t + z)
    return out


@lru_cache(maxsize=1 << 16)
def parse_moment(value: str, fmt: str, zone: str = "UTC") -> datetime:
    """``value`` read with pendulum format ``fmt`` (a missing zone means ``zone``), in UTC."""
    try:
        if fmt == ISO:
            moment = pendulum.parse(value, strict=True, tz=zone)
        else:
            moment = pendulum.from_format(value, fmt, tz=zone)
    except (ValueError, TypeError, pendulum.parsing.exceptions.ParserError):
        raise FieldError(f"is not a date like {example(fmt)} (format {fmt})") from None
    if not isinstance(moment, datetime):  # pendulum.parse of a bare time or duration
        raise FieldError(f"is not a date like {example(fmt)} (format {fmt})")
    return moment.in_timezone("UTC").naive().replace(tzinfo=UTC)


@lru_cache(maxsize=1 << 16)
def parse_day(value: str, fmt: str, zone: str = "UTC") -> date:
    """The calendar date of ``value`` as written (a time of day, if any, is dropped:
    'Created 11/03/2026 23:30' is Nov 3 whatever the zone)."""
    try:
        if fmt == ISO:
            moment = pendulum.parse(value, strict=True, tz=zone)
        else:
            moment = pendulum.from_format(value, fmt, tz=zone)
    except (ValueError, TypeError, pendulum.parsing.exceptions.ParserError):
        raise FieldError(f"is not a date like {example(fmt)} (format {fmt})") from None
    if isinstance(moment, datetime):
        return moment.date()
    if isinstance(moment, date):
        return moment
    raise FieldError(f"is not a date like {example(fmt)} (format {fmt})")


_SAMPLE = pendulum.datetime(2026, 11, 3, 14, 22, 10, tz="UTC")


def example(fmt: str) -> str:
    """``fmt`` shown on a real date, for messages."""
    if fmt == ISO:
        return "2026-11-03 or 2026-11-03T14:22:10Z"
    return _SAMPLE.format(fmt)


def fits(values: list[str], fmt: str, *, day_only: bool) -> bool:
    """Whether every value parses with ``fmt``."""
    parse = parse_day if day_only else parse_moment
    try:
        for v in values:
            parse(v, fmt)
    except FieldError:
        return False
    return True


# Money ---------------------------------------------------------------------------

MONEY_STYLES = {
    "plain": (r"\d+(?:\.\d+)?", "", "."),
    "us": (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", ",", "."),
    "eu": (r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", ".", ","),
}
_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[$€£¥])\s*|\s*(?:[A-Z]{3}|[$€£¥])$")
_MONEY_EXAMPLE = {"plain": "1008.00", "us": "$1,008.00", "eu": "1.008,00 €"}


def parse_money(value: str, style: str = "us") -> float:
    """An amount in ``style``: a currency symbol or code, a sign or parentheses for a
    credit, thousands separators. ``$-`` (a spreadsheet's zero dash) is refused: it is
    not a number, and guessing zero could hide a missing amount."""
    pattern, thousands, decimal = MONEY_STYLES[style]
    text = value.strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith("-"):
        negative, text = not negative, text[1:].strip()
    text = _CURRENCY.sub("", text).strip()
    if text.startswith("-"):
        negative, text = not negative, text[1:].strip()
    if not re.fullmatch(pattern, text):
        raise FieldError(f"is not an amount like {_MONEY_EXAMPLE[style]} (money style {style})")
    if thousands:
        text = text.replace(thousands, "")
    number = float(text.replace(decimal, "."))
    return -number if negative else number


def money_fits(values: list[str], style: str) -> bool:
    try:
        for v in values:
            parse_money(v, style)
    except FieldError:
        return False
    return True


def plain_number(x: float) -> str:
    """A number as DATA.md writes it (no exponent, no trailing zeros)."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# Terms ---------------------------------------------------------------------------

_TERMS = re.compile(r"^(?:net|n)\s*-?\s*(\d{1,3})(?:\s*days?)?$|^(\d{1,3})(?:\s*days?)?$")
_ON_RECEIPT = {
    "due on receipt",
    "on receipt",
    "upon receipt",
    "due upon receipt",
    "cod",
    "immediate",
}


def parse_terms(value: str) -> int:
    """Payment terms in days: "Net 30", "NET-15", "30 days", "45", "Due on receipt" (0)."""
    text = " ".join(value.lower().replace("_", " ").split())
    if text in _ON_RECEIPT:
        return 0
    m = _TERMS.match(text)
    if not m:
        raise FieldError('is not payment terms like "Net 30", "30" or "Due on receipt"')
    return int(m.group(1) or m.group(2))


def terms_fit(values: list[str]) -> bool:
    try:
        for v in values:
            parse_terms(v)
    except FieldError:
        return False
    return True
