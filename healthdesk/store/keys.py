"""Natural keys of event rows, shared by the importer and the migrations that rekey.

Most event files are keyed on the whole row (DATA.md), so importing a file twice adds
nothing. A touchpoint is keyed on who, when, which way, how and what kind instead: a CRM export
sent again once the buyer has replied carries the same touchpoint with ``replied_at``
filled in, and a whole-row key would add it a second time, halving the reply rate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

TOUCHPOINT_KEY = ("buyer_id", "at", "direction", "channel", "kind", "request_type")
"""What a touchpoint is, not what became of it: ``replied_at`` and ``note`` may change
in a later export. ``kind`` keeps apart two contacts logged in the same minute (a
routine call and a check-in, a complaint and a billing question)."""


def digest(values: Iterable[object]) -> str:
    """A stable key for ``values`` (None kept distinct from the text "None")."""
    text = "\x1f".join(["\x00" if v is None else str(v) for v in values])
    return hashlib.sha1(text.encode()).hexdigest()


def touchpoint_key(row: dict) -> str:
    """The key of a stored touchpoint row (dates as stored, ISO text)."""
    return digest(row.get(column) for column in TOUCHPOINT_KEY)


def delivery_key(buyer_id: str, date: str, product: str | None) -> str:
    """Deliveries are one row per buyer, day and product: a corrected day replaces the
    stored one instead of being added beside it (issue 9)."""
    return digest(("delivery", buyer_id, date, product or ""))
