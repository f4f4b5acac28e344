"""``healthdesk export``: the week's lists written to stdout or, atomically, to a file.

The CLI registers this group with ``main.add_command(export)``; ``healthdesk.cli`` is
imported inside the command so the two modules never import each other at load time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..domain.interventions import STATUSES, InvalidInput, check_choice, check_owner
from .interventions import FORMATS, SNOOZED, SUGGESTED


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
    help=f"Only this status: {', '.join(STATUSES)}, {SUGGESTED} or {SNOOZED} (the"
    " suggestions for the accounts the review queue holds, and for the snoozed ones).",
)
@click.option("--week", help="Any date in the week (default: the latest week with data).")
@click.pass_obj
def interventions(context: Any, **options: Any) -> None:
    """The intervention list for a week: buyer, owner, band, health, signals, action,
    due date, status, note.

    With nothing recorded for the week, lists the suggested interventions for every
    account the review queue holds (status "suggested"; "snoozed" for snoozed ones).
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
    from .. import weekly_review
    from ..cli_support import parse_week
    from ..store import interventions as store
    from .files import write_atomic
    from .interventions import render, week_list

    if status is not None:
        check_choice(status, (*STATUSES, SUGGESTED, SNOOZED), "--status")
    if owner is not None:
        owner = check_owner(owner)
    week_no = parse_week(week)
    db = context.open()
    try:
        review = weekly_review.load(db, context.config(), week_no)
        stored = store.for_week(db, review.week, owner=owner)
    finally:
        db.close()
    report = review.report
    rows, suggested = week_list(review, stored, owner, status)
    text = render(rows, fmt, report.week, suggested)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text, force=force)
    click.echo(
        f"wrote {len(rows)} interventions for the week of {report.week} to {output}", err=True
    )
