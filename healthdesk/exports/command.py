"""``healthdesk export``: the week's lists written to stdout or, atomically, to a file.

The CLI registers this group with ``main.add_command(export)``; ``healthdesk.cli`` is
imported inside the command so the two modules never import each other at load time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from ..domain.interventions import STATUSES, InvalidInput, check_choice, check_owner
from .interventions import FORMATS, SUGGESTED


@click.group()
def export() -> None:
    """Write the week's lists (interventions) as CSV, JSON or Markdown."""


@export.command("interventions")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (atomically); default: stdout.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--owner", help="Only this account manager's interventions.")
@click.option(
    "--status",
    help=f"Only this status: {', '.join(STATUSES)} or {SUGGESTED} (the at-risk suggestions).",
)
@click.option("--week", help="Any date in the week (default: the latest week with data).")
@click.pass_obj
def interventions(context: Any, **options: Any) -> None:
    """The intervention list for a week: buyer, owner, band, health, signals, action,
    due date, status, note.

    With nothing recorded for the week, lists the suggested interventions for every
    at-risk buyer (status "suggested").
    """
    from ..cli_support import friendly

    try:
        friendly(_export)(context, **options)
    except InvalidInput as exc:
        raise click.ClickException(str(exc)) from None


def _export(
    context: Any,
    fmt: str,
    output: Path | None,
    force: bool,
    owner: str | None,
    status: str | None,
    week: str | None,
) -> None:
    from .. import engine
    from ..cli_support import parse_week
    from ..domain.weeks import week_of
    from ..store import interventions as store
    from .files import write_atomic
    from .interventions import render, stored_rows, suggested_rows

    if status is not None:
        check_choice(status, (*STATUSES, SUGGESTED), "--status")
    if owner is not None:
        owner = check_owner(owner)
    week_no = parse_week(week)
    db = context.open()
    try:
        report = engine.report(db, context.config(), week_no)
        week_no = week_of(date.fromisoformat(report.week))
        stored = [] if status == SUGGESTED else store.for_week(db, week_no, owner=owner)
    finally:
        db.close()
    suggested = status == SUGGESTED or (status is None and not stored)
    if suggested:
        rows = suggested_rows(report, week_no, owner)
    else:
        rows = stored_rows(report, [r for r in stored if status in (None, r["status"])])
    text = render(rows, fmt, report.week, suggested)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text, force=force)
    click.echo(
        f"wrote {len(rows)} interventions for the week of {report.week} to {output}", err=True
    )
