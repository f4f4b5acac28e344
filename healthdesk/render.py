"""Headless output of a report: JSON, CSV and a rich table. No Textual here.

Text from data is wrapped in ``rich.text.Text`` so a name like ``[bold]x`` prints
as typed, and its control characters are shown as escapes (``printable``): whoever
wrote the database, nothing in it reaches the terminal raw. JSON escapes what a
terminal could act on; CSV keeps the values exactly (formula-safe).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .domain.explain import Why
from .domain.report import BuyerReport, Report
from .exports.files import csv_text, printable

CSV_COLUMNS = (
    "buyer_id",
    "name",
    "owner",
    "vertical",
    "phase",
    "health",
    "health_change",
    "band",
    "rhythm",
    "volume",
    "payment",
    "returns",
    "engagement",
    "satisfaction",
    "expansion",
    "trust_incidents",
    "trust_level",
    "revenue_13w",
    "revenue_share",
    "concentration",
    "warnings",
    "ltv",
    "effective_cpl",
    "computed_health",
    "override_reason",
    "override_expires_on",
)


def _text(text: object, style: str = "") -> Text:
    """Rich text of data, literally: no markup, control characters as escapes."""
    return Text(printable(str(text)), style=style)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


def json_text(data: object) -> str:
    """Indented JSON, non-ASCII text kept readable; ``json`` already escapes C0 controls,
    and the rest a terminal could act on (DEL, C1, bidi overrides) are escaped here too:
    the same values once parsed."""
    out = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def as_json(report: Report) -> str:
    return json_text(report.to_json())


def write_json(report: Report, out: TextIO, *, explain: bool = True) -> None:
    """The report's JSON written to ``out`` one buyer at a time, never the whole text in
    memory: with ``explain`` the same bytes as ``as_json``; without, each buyer's
    ``explain`` object is left out (DATA.md's buyer object and our additions stay)."""
    top = dataclasses.replace(report, buyers=[]).to_json()
    top.pop("buyers")
    out.write("{\n")
    for key, value in top.items():
        out.write(f"  {json.dumps(key)}: {_nested(value, 2)},\n")
    out.write('  "buyers": [')
    for i, buyer in enumerate(report.buyers):
        data = buyer.to_json() if explain else _without_explain(buyer)
        out.write(("," if i else "") + "\n    " + _nested(data, 4))
    out.write("\n  ]\n}\n" if report.buyers else "]\n}\n")


def _without_explain(buyer: BuyerReport) -> dict:
    data = dataclasses.replace(buyer, why=None).to_json()
    data.pop("explain", None)
    return data


def _nested(value: object, depth: int) -> str:
    """``value`` as ``json_text`` writes it ``depth`` spaces in."""
    return json_text(value).replace("\n", "\n" + " " * depth)


def as_csv(report: Report) -> str:
    rows = (
        (
            b.buyer_id,
            b.name,
            b.owner,
            b.vertical,
            b.phase,
            b.health,
            b.health_change,
            b.band,
            *b.components.values(),
            b.trust["incidents"],
            b.trust["level"],
            b.revenue_13w,
            round(b.revenue_share, 4),
            b.concentration,
            "; ".join(f"{w['code']}: {w['detail']}" for w in b.warnings),
            b.ltv,
            b.effective_cpl,
            *_override_cells(b),
        )
        for b in report.buyers
    )
    return csv_text(CSV_COLUMNS, rows)


def _money(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def _override_cells(b: BuyerReport) -> tuple:
    """Computed health, reason and expiry when a manager overrode the score, else blanks."""
    o = b.override
    return (o["computed_health"], o["reason"], o["expires_on"]) if o else (None, None, None)


def health_text(b: BuyerReport) -> Text:
    """Health in its band colour; an override is marked so it never passes for a score."""
    text = _text(str(b.health), style=BAND_STYLE[b.band])
    if b.override:
        text.append(f" override (computed {b.override['computed_health']})", style="italic")
    return text


WIDE = 140
"""Below this many columns the table counts warnings instead of naming them, so the
buyer's name keeps its room (``healthdesk explain`` names them)."""
BAND_STYLE = {"healthy": "green", "watch": "yellow", "at_risk": "bold red"}


def print_table(report: Report, console: Console) -> None:
    p = report.portfolio
    console.print(
        _text(
            f"Portfolio as of week {report.week}: {p.buyers} buyers, "
            f"13-week revenue {p.revenue_13w:,.0f}, top 20% bring {p.top_20pct_share:.0%}; "
            f"healthy {p.bands['healthy']}, watch {p.bands['watch']}, at risk {p.bands['at_risk']}"
        )
    )
    graded = [n for counts in p.responsiveness.values() for n in counts.values()]
    if graded:
        late = sum(counts.get("late", 0) for counts in p.responsiveness.values())
        console.print(_text(f"Our replies to buyers' requests: {sum(graded)} graded, {late} late"))
    wide = console.width >= WIDE
    headers = ("buyer", "name", "owner", "phase", "health", "Δ", "trust", "rev 13w", "share")
    rows = [_table_row(b, wide) for b in report.buyers]
    fits = [max([len(h), *(Text(str(r[i])).cell_len for r in rows)]) for i, h in enumerate(headers)]
    last = ("warnings", 0) if wide else ("wrn", 3)
    gaps = len(headers)  # one space after each column before the last
    room = console.width - sum(fits) + fits[1] - last[1] - gaps
    table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
    for i, header in enumerate(headers):
        if header == "name":  # the one column that gives way when the terminal is narrow
            width = min(fits[i], max(room, 12))
            table.add_column(header, width=width, no_wrap=True, overflow="ellipsis")
        else:
            right = i >= headers.index("health")
            table.add_column(header, width=fits[i], justify="right" if right else "left")
    if wide:
        table.add_column("warnings", overflow="fold")
    else:
        table.add_column("wrn", justify="right", width=3)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _table_row(b: BuyerReport, wide: bool) -> list[Text | str]:
    codes = [w["code"] for w in b.warnings]
    return [
        _text(b.buyer_id),
        _text(b.name),
        _text(b.owner),
        b.phase,
        health_text(b),
        f"{b.health_change:+d}",
        f"{b.trust['level']}%" + (f" ({b.trust['incidents']})" if b.trust["incidents"] else ""),
        f"{b.revenue_13w:,.0f}",
        _text(f"{b.revenue_share:.1%}", style="red" if b.concentration != "ok" else ""),
        _text(", ".join(codes) if wide else str(len(codes) or "")),
    ]


def print_explain(buyer: BuyerReport, why: Why, week: str, console: Console) -> None:
    console.print(_text(f"{buyer.buyer_id} {buyer.name}", style="bold"))
    console.print(
        _text(
            f"week {week}: health {buyer.health} ({buyer.band}), {buyer.health_change:+d} since "
            f"last week; phase {buyer.phase} (month {buyer.month}); trust {buyer.trust['level']}% "
            f"({buyer.trust['incidents']} open incidents)"
        )
    )
    table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
    table.add_column("component", no_wrap=True)
    for col in ("score", "weight", "points", "Δ"):  # points: score × weight
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("evidence", overflow="fold", ratio=1)
    for c in why.components:
        table.add_row(
            c.name,
            "—" if c.score is None else str(c.score),
            f"{c.weight:.0%}",
            f"{c.contribution:.1f}",
            f"{c.change:+.1f}",
            _text(c.evidence),
        )
    console.print(table)
    console.print(_text(f"weighted score {why.raw:.1f} (scoring profile: {why.profile})"))
    if why.cap is not None:
        console.print(_text(f"capped at {why.cap}: {why.cap_reason}"))
    console.print(_text("moved since last week: " + ("; ".join(why.moved) or "nothing notable")))
    if buyer.override:
        o = buyer.override
        console.print(
            _text(
                f"health overridden to {o['health']} (computed {o['computed_health']}) until "
                f"{o['expires_on']}: {o['reason']}",
                style="italic",
            )
        )
    for w in buyer.warnings:
        console.print(_text(f"warning {w['code']}: {w['detail']}"))
    cpl = "—" if buyer.effective_cpl is None else f"{buyer.effective_cpl:,.2f}"
    console.print(
        _text(
            f"LTV {buyer.ltv:,.0f} (risk-adjusted {_money(buyer.ltv_risk_adjusted)});"
            f" effective CPL {cpl}; share {buyer.revenue_share:.1%}"
        )
    )
