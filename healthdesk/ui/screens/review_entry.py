"""One queued account in the weekly review: its suggestions, its stored interventions,
and which of them the manager's keys act on.

An account can need several interventions (one per reason family). They are shown as
numbered *slots*: each suggestion, paired with the open intervention stored for its
reason family if there is one, then any open intervention no suggestion matches (one
from an earlier week whose signal has gone). ``Entry.selected`` is the slot that accept
and the edit keys act on, so the second suggestion can be accepted or edited without
touching the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from ...domain.interventions import ACTIVE, Suggestion
from ...domain.report import BuyerReport
from ..format import BAND_TONE, OVERRIDDEN, TONE_STYLE

MARKS = {
    "accepted": ("✓", "$text-success"),
    "reviewed": ("•", "$text-muted"),
    "snoozed": ("z", "$text-warning"),
    None: (" ", ""),
}


@dataclass(frozen=True)
class Slot:
    """A suggestion and/or the open intervention for its reason family."""

    reason_key: str
    suggestion: Suggestion | None
    intervention: dict | None


@dataclass
class Entry:
    """One queued account: its report, why it is queued, and what to do about it."""

    buyer: BuyerReport
    reasons: tuple[str, ...]
    suggestions: list[Suggestion]
    outcome: str | None = None
    interventions: list[dict] | None = None
    selected: int = 0

    def slots(self) -> list[Slot]:
        """The account's suggestions with their open interventions, then unmatched open ones."""
        active = [i for i in self.interventions or [] if i["status"] in ACTIVE]
        out = []
        for s in self.suggestions:
            match = next((i for i in active if i["reason_key"] == s.reason_key), None)
            out.append(Slot(s.reason_key, s, match))
        keys = {s.reason_key for s in self.suggestions}
        out += [Slot(i["reason_key"], None, i) for i in active if i["reason_key"] not in keys]
        return out

    def slot(self) -> Slot | None:
        """The selected slot (the last one if the list shrank), or ``None`` if there are none."""
        slots = self.slots()
        return slots[min(self.selected, len(slots) - 1)] if slots else None

    def select(self, index: int) -> bool:
        """Select slot ``index`` (wrapping); False when the account has no slots."""
        n = len(self.slots())
        if n:
            self.selected = index % n
        return bool(n)

    def target(self) -> dict | None:
        """The open intervention edits apply to: the selected slot's, if it has one."""
        slot = self.slot()
        return slot.intervention if slot else None

    def closed(self) -> list[dict]:
        """This week's interventions that are done or dismissed (shown, not selectable)."""
        return [i for i in self.interventions or [] if i["status"] not in ACTIVE]


def health_text(buyer: BuyerReport) -> Content:
    """``health 30`` or, when a person set it, ``✎ 55 (computed 30)`` in the warning tone."""
    o = buyer.override
    if not o:
        return Content(f"health {buyer.health}")
    return Content.assemble(
        "health ",
        (f"{OVERRIDDEN} {buyer.health}", "bold $text-warning"),
        (f" (computed {o['computed_health']})", "$text-warning"),
    )


def prompt(entry: Entry) -> Content:
    """The queue line: decision mark, health (✎ when a person set it), name in band tone."""
    mark, style = MARKS[entry.outcome]
    b = entry.buyer
    tone = TONE_STYLE[BAND_TONE[b.band]]
    score = (
        (f"{b.health:>3}{OVERRIDDEN}", "bold $text-warning")
        if b.override
        else (f"{b.health:>3} ", "$text-muted")
    )
    return Content.assemble((mark, style), " ", score, " ", (b.name, tone))
