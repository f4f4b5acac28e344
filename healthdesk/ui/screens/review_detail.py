"""The review's account panel: why the account is queued, its numbered interventions
(the selected one marked ▶), and what was decided; also the summary's bullet lists.

Long bullets wrap with a hanging indent (``widgets.hanging``), so a wrapped suggestion stays
under its own number instead of running back to the margin. All data text (names,
reasons, notes) goes in as ``Content`` values, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from ...domain.weeks import day_label
from ..format import BAND_LABEL, BAND_TONE, OVERRIDDEN, PHASE_LABEL, TONE_STYLE
from ..widgets.hanging import Block, line
from .review_entry import Entry, Slot, health_text

BULLET = Content("  • ")
PICK_HINT = "tab or 1–9 picks; a accepts it, c o d n t edit it"


def bullets(title: str, items: Iterable[Content | str]) -> list[Block]:
    """A bold heading and one bullet per item; nothing at all when there are no items."""
    rows = [(BULLET, i if isinstance(i, Content) else Content(i)) for i in items]
    return [line(Content.styled(title, "bold $text-accent")), *rows] if rows else []


def entry_blocks(entry: Entry | None) -> list[Block]:
    """Why the account is queued, its interventions (selected one marked), the decision."""
    if entry is None:
        return []
    b = entry.buyer
    tone = TONE_STYLE[BAND_TONE[b.band]]
    blocks = [
        line(
            Content.assemble((b.name, "bold"), (f"  {b.buyer_id} · owner ", "$text-muted"), b.owner)
        ),
        line(
            Content.assemble(
                (BAND_LABEL[b.band], tone),
                " · ",
                health_text(b),
                f" · {b.health_change:+d} this week",
            )
        ),
        line(
            f"trust {b.trust['level']}% · {b.revenue_share:.0%} of revenue"
            f" · phase {PHASE_LABEL.get(b.phase, b.phase)}"
        ),
    ]
    if b.override:
        o = b.override
        model = f"{o['computed_health']}, {BAND_LABEL[o['computed_band']]}"
        blocks.append(
            line(
                Content.assemble(
                    (f"{OVERRIDDEN} set by a person until {o['expires_on']} ", "$text-warning"),
                    (f"(model: {model})", "$text-muted"),
                    ": ",
                    o["reason"],
                )
            )
        )
    blocks += _section(bullets("Why it is in the queue", entry.reasons))  # warnings with evidence
    blocks += _section(_slots(entry))
    closed = [_stored(r) for r in entry.closed()]
    blocks += _section(bullets("Closed this week", closed))
    decided = entry.outcome or "no decision yet"
    blocks += [line(), line(Content.assemble(("Decision: ", "bold $text-accent"), decided))]
    return blocks


def _section(blocks: list[Block]) -> list[Block]:
    return [line(), *blocks] if blocks else []


def _slots(entry: Entry) -> list[Block]:
    slots = entry.slots()
    heading = Content.styled("Interventions", "bold $text-accent")
    if not slots:
        return [
            line(heading),
            (BULLET, Content("nothing to suggest: x marks it reviewed, s snoozes it")),
        ]
    if len(slots) > 1:
        heading += Content.styled(f"  {PICK_HINT}", "$text-muted")
    chosen = min(entry.selected, len(slots) - 1)
    blocks = [line(heading)]
    for n, slot in enumerate(slots):
        blocks += _slot(n + 1, slot, n == chosen)
    return blocks


def _slot(number: int, slot: Slot, selected: bool) -> list[Block]:
    mark = (
        Content.styled(f"▶ {number} ", "bold $text-accent")
        if selected
        else Content.styled(f"  {number} ", "$text-muted")
    )
    indent = Content(" " * mark.cell_length)
    s, row = slot.suggestion, slot.intervention
    action_style = "bold reverse" if selected else "bold"
    if s is not None:
        body = Content.assemble(
            (s.action, action_style), f", due {day_label(s.due_on.isoformat())}: ", s.message
        )
        state = (
            _stored(row, s.action)
            if row
            else Content.styled("suggested, not accepted yet", "$text-muted")
        )
    else:
        assert row is not None  # a slot always has a suggestion or an intervention
        body = Content.assemble(
            (row["action"], action_style), f", open from an earlier week: {row['message']}"
        )
        state = _stored(row, row["action"])
    blocks = [(mark, body), (indent, state)]
    if row and row.get("note"):
        blocks.append((indent, Content.assemble(("note: ", "$text-muted"), row["note"])))
    return blocks


def _stored(row: dict, shown: str | None = None) -> Content:
    """A stored intervention's state; its action too unless the line above shows it."""
    action = [] if row["action"] == shown else [" · ", (row["action"], "bold")]
    return Content.assemble(
        f"#{row['id']} {row['status'].replace('_', ' ')}",
        *action,
        f" · owner {row['owner'] or '—'} · due ",
        day_label(row["due_on"]),
    )
