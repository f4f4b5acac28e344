"""How numbers, bands and trends read on screen, shared by every screen.

Tones name component classes of ``VirtualTable`` (and theme colours elsewhere), so
the palette follows the theme; markers (``!``, ``!!``, arrows) keep the meaning in
a terminal without colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.bands import trust_low

BLOCKS = " ▁▂▃▄▅▆▇█"
BAND_TONE = {"healthy": "good", "watch": "warn", "at_risk": "bad"}
BAND_LABEL = {"healthy": "healthy", "watch": "watch", "at_risk": "at risk"}
STATE_TONE = {"ok": "", "warn": "warn", "alert": "bad"}
STATE_MARK = {"ok": "", "warn": "!", "alert": "!!"}
PHASE_LABEL = {
    "honeymoon": "honeymoon",
    "first_friction": "friction",
    "drift": "drift",
    "decision": "decision",
    "established": "established",
}
PHASE_ORDER = {name: i for i, name in enumerate(PHASE_LABEL)}
OVERRIDDEN = "✎"
"""Marks a health score a person set (an override) rather than the model, everywhere."""
TONE_STYLE = {
    "": "",
    "good": "$text-success",
    "warn": "$text-warning",
    "bad": "bold $text-error",
    "dim": "$text-muted",
    "accent": "$text-accent",
}


def money(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{digits}f}%"


def signed(x: float, digits: int = 0) -> str:
    """A change with its sign; a true minus sign so it reads as one."""
    if round(x, digits) == 0:
        return f"{0:.{digits}f}"
    return ("+" if x > 0 else "−") + f"{abs(x):.{digits}f}"


def spark(values: Sequence[float | None], low: float = 0, high: float = 100) -> str:
    """Block characters on a fixed scale (health is 0–100), so rows compare at a glance."""
    span = (high - low) or 1
    out = []
    for v in values:
        if v is None:
            out.append(" ")
            continue
        level = round((min(max(v, low), high) - low) / span * (len(BLOCKS) - 2)) + 1
        out.append(BLOCKS[level])
    return "".join(out)


def share(value: float, state: str) -> tuple[str, str]:
    """A revenue share with its warn (!) or alert (!!) marker and tone."""
    return pct(value) + STATE_MARK.get(state, ""), STATE_TONE.get(state, "")


def line(x: float) -> str:
    """A configured share line as a label: 0.2 → "20%", 0.125 → "12.5%"."""
    return f"{round(x * 100, 1):g}%"


def trust_tone(level: int) -> str:
    """Red once trust is low (the domain's rule), amber below full trust."""
    return "bad" if trust_low(level) else "warn" if level < 100 else "dim"


def hours(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.0f} h" if x < 48 else f"{x / 24:.1f} d"
