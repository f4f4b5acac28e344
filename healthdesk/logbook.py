"""What happened, recorded by hand: a call, email or meeting with a buyer, or an
incident's resolution confirmed. Each is one DATA.md row imported like any other
(same checks, keys, import log and undo, then the rescore), so a logged check-in
counts exactly as one that arrived in a CRM export.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from . import engine
from .config import Config
from .domain.interventions import InvalidInput
from .ingest.contract import SPECS
from .ingest.importer import ImportFailed, ImportResult, import_folder
from .store.interventions import author
from .store.records import incident_row


def log_touchpoint(db: Database, config: Config, row: dict[str, str]) -> ImportResult:
    """Store one touchpoint (DATA.md's columns) and rescore from its week.

    A touchpoint after the last day the data covers is refused: it would open a week
    with no deliveries yet, and that week would become the default "as of" with every
    buyer cut off. Import the week's exports first, then log."""
    _within_data(db, "--at", row.get("at") or "")
    label = f"logged by {author()}: {row.get('kind') or 'touchpoint'} with {row['buyer_id']}"
    return _record(db, config, "touchpoints.csv", row, label)


def confirm_incident(
    db: Database, config: Config, incident_id: str, resolved_at: str | None, confirmed_at: str
) -> ImportResult:
    """Mark a stored incident resolved (if it is not yet) and confirmed by the buyer."""
    stored = incident_row(db.conn, incident_id)
    if stored is None:
        raise InvalidInput(f"no incident {incident_id!r} in the portfolio")
    row = {**stored, "confirmed_at": confirmed_at}
    if resolved_at is not None:
        row["resolved_at"] = resolved_at
    elif not row.get("resolved_at"):
        raise InvalidInput(f"incident {incident_id} is not resolved yet: give --resolved-at too")
    label = f"logged by {author()}: incident {incident_id} confirmed"
    return _record(db, config, "incidents.csv", row, label)


def _within_data(db: Database, option: str, value: str) -> None:
    from .ingest.fields import FieldError, iso_datetime
    from .store.imports import activity_through

    try:
        day = iso_datetime(value).date()
    except FieldError:
        return  # the import names the bad value with the rest
    through = activity_through(db)
    if through is not None and day.toordinal() > through:
        last = date.fromordinal(through).isoformat()
        raise InvalidInput(
            f"{option} {value!r} is after the data, which runs through {last}: import this"
            " week's exports first (a later touchpoint would open a week without deliveries)"
        )


def _record(db: Database, config: Config, name: str, row: dict, label: str) -> ImportResult:
    """Write ``row`` as the one line of DATA.md file ``name`` and import it."""
    header = list(SPECS[name].columns)
    with tempfile.TemporaryDirectory(prefix="healthdesk-log-") as folder:
        path = Path(folder) / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerow([row.get(k) or "" for k in header])
        try:
            result = import_folder(db, Path(folder), recorded_as=label)
        except ImportFailed as exc:
            raise InvalidInput(_as_options(exc)) from None
    engine.rescore_after_import(db, config, result.first_day)
    return result


def _as_options(exc: ImportFailed) -> str:
    """The importer's problems in the command's words: "--at '…': …" instead of a file
    and line the user never wrote."""
    parts = []
    for p in exc.problems:
        where = f"--{p.column.replace('_', '-')}" if p.column else "the entry"
        value = f" {p.value!r}" if p.value not in (None, "") else ""
        parts.append(f"{where}{value}: {p.why}")
    return "; ".join(parts)
