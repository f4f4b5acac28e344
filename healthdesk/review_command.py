"""The review from a script or cron: ``review``, ``interventions list|set`` and
``override``, with the console's rules, audit and order (no Textual imported).

Every command reads through ``weekly_review`` or the store functions the console
calls, so a status set here is the status the console shows, and the reverse.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from .cli_support import Context, friendly, parse_week
from .domain.interventions import STATUSES
from .domain.review_queue import REASON_CODES

LIST_FORMATS = ("table", "json", "csv")


@click.command("review")
@click.option("--week", help="Any date in the week (default: the latest complete week).")
@click.option("--owner", help="Only this account manager's accounts.")
@click.option("--reason", help=f"Only accounts queued for this reason ({', '.join(REASON_CODES)}"
              " or a warning code such as volume_decline).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
@click.pass_obj
@friendly
def review(context: Context, week: str | None, owner: str | None, reason: str | None,
           fmt: str) -> None:  # fmt: skip
    """The week's review queue in the console's order, with reasons and suggestions."""
    from . import review_views, weekly_review
    from .domain.interventions import check_owner
    from .domain.review_queue import check_reason

    owner = None if owner is None else check_owner(owner)
    reason = None if reason is None else check_reason(reason)
    week_no = parse_week(week)
    result = context.read(lambda db, config: weekly_review.load(db, config, week_no))
    queue = review_views.filtered(result.queue, owner, reason)
    if fmt == "json":
        click.echo(review_views.json_text(review_views.review_json(result, queue)))
    else:
        from rich.console import Console

        review_views.print_queue(result, queue, Console())


@click.group("interventions")
def interventions() -> None:
    """List interventions as tasks and move them along (open → in progress → done)."""


@interventions.command("list")
@click.option("--week", help="Any date in the week (default: the latest complete week).")
@click.option("--owner", help="Only this account manager's tasks.")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.option("--format", "fmt", type=click.Choice(LIST_FORMATS), default="table",
              show_default=True)  # fmt: skip
@click.pass_obj
@friendly
def list_cmd(context: Context, week: str | None, owner: str | None, status: str | None,
             fmt: str) -> None:  # fmt: skip
    """The week's interventions: created that week, or earlier and still open."""
    from . import engine, review_views
    from .domain.interventions import check_owner
    from .domain.weeks import label
    from .store import interventions as store

    owner = None if owner is None else check_owner(owner)
    week_no = parse_week(week)

    def query(db: Any, config: Any) -> tuple[int, list[dict]]:
        as_of = engine.latest_week(db) if week_no is None else week_no
        return as_of, store.for_week(db, as_of, owner=owner, status=status)

    as_of, rows = context.read(query)
    tasks = review_views.task_rows(rows, as_of)
    if fmt == "json":
        click.echo(review_views.json_text({"week": label(as_of), "interventions": tasks}))
    elif fmt == "csv":
        click.echo(review_views.tasks_csv(tasks), nl=False)
    else:
        from rich.console import Console

        review_views.print_tasks(tasks, label(as_of), Console())


@interventions.command("set")
@click.argument("intervention_id", type=int)
@click.option("--status", type=click.Choice(STATUSES), help="The new status.")
@click.option("--owner", help="Give the task to this account manager.")
@click.option("--due", help="New due date (YYYY-MM-DD, not before the as-of week).")
@click.option("--note", help="A note; required as the outcome when ending a task.")
@click.option("--week", help="The as-of week (default: the latest complete week).")
@click.pass_obj
@friendly
def set_cmd(context: Context, intervention_id: int, status: str | None, owner: str | None,
            due: str | None, note: str | None, week: str | None) -> None:  # fmt: skip
    """Change one intervention: its status, owner, due date, or add a note."""
    from . import engine
    from .domain.interventions import InvalidInput, in_words
    from .store import interventions as store

    if status is None and owner is None and due is None and note is None:
        raise InvalidInput("nothing to change: give --status, --owner, --due or --note")
    week_no = parse_week(week)
    db = context.open()
    try:
        config = context.config()
        as_of = engine.latest_week(db) if week_no is None else week_no
        row = store.get(db, intervention_id)
        edits = {k: v for k, v in (("owner", owner), ("due_on", due)) if v is not None}
        health = None  # unless the buyer is listed that week: then its health is recorded
        if status is not None:
            with contextlib.suppress(KeyError):
                health = engine.buyer_report(db, config, row["buyer_id"], as_of).health
        with db.atomic():  # all of it, or nothing
            if edits:
                store.edit(db, intervention_id, as_of, **edits)
            if status is not None:
                store.set_status(db, intervention_id, status, note, as_of, health)
            elif note is not None:
                store.add_note(db, intervention_id, note)
        row = store.get(db, intervention_id)
    finally:
        db.close()
    click.echo(
        f"intervention #{row['id']} ({row['buyer_id']}, {row['action']}): "
        f"{in_words(row['status'])}, owner {row['owner']}, due {row['due_on']}"
    )


@click.command("override")
@click.argument("buyer_id")
@click.option("--health", type=int, help="The health to show instead (0-100).")
@click.option("--reason", help="Why: shown wherever the health is.")
@click.option("--until", "until", help="Last day it holds (YYYY-MM-DD).")
@click.option("--clear", is_flag=True, help="End this buyer's override from this week.")
@click.option("--week", help="The as-of week it starts in (default: the latest complete week).")
@click.pass_obj
@friendly
def override(context: Context, buyer_id: str, health: int | None, reason: str | None,
             until: str | None, clear: bool, week: str | None) -> None:  # fmt: skip
    """Override a buyer's health by hand (or --clear it); audited, shown everywhere."""
    from . import engine
    from .domain.interventions import InvalidInput
    from .store import interventions as store

    if clear and (health is not None or until is not None):
        raise InvalidInput("--clear takes no --health or --until")
    if not clear and (health is None or until is None or reason is None):
        raise InvalidInput("give --health, --reason and --until (or --clear)")
    message = ""
    week_no = parse_week(week)
    db = context.open()
    try:
        as_of = engine.latest_week(db) if week_no is None else week_no
        if clear:
            ended = store.clear_override(db, buyer_id, as_of, reason)
            message = f"override of {buyer_id} ended ({ended} cleared)"
        elif health is not None and until is not None and reason is not None:
            store.set_override(db, buyer_id, health, reason, until, as_of)
            message = f"{buyer_id} shows health {health} until {until}: {reason}"
    finally:
        db.close()
    click.echo(message)


@click.command("log")
@click.argument("buyer_id")
@click.option("--kind", required=True, help="routine, review, request, complaint, escalation,"
              " competitor_mention, new_contact or check_in.")  # fmt: skip
@click.option("--channel", required=True, help="email, call, meeting or chat.")
@click.option("--at", "at", required=True, help="When (YYYY-MM-DD or an ISO date-time).")
@click.option("--direction", default="outbound", show_default=True,
              help="outbound (we reached out) or inbound (they did).")  # fmt: skip
@click.option("--replied-at", help="When the other side replied.")
@click.option("--request-type", help="For a request: urgent_quality, billing, volume, product"
              " or contract (graded against our reply targets).")  # fmt: skip
@click.option("--note", help="What was said.")
@click.pass_obj
@friendly
def log(context: Context, buyer_id: str, **fields: str | None) -> None:
    """Record a call, email or meeting (a check-in too) and rescore that buyer's weeks."""
    from . import logbook

    row = {"buyer_id": buyer_id, **{k: v for k, v in fields.items() if v is not None}}
    db = context.open()
    try:
        result = logbook.log_touchpoint(db, context.config(), row)
    finally:
        db.close()
    click.echo(f"logged {fields['kind']} by {fields['channel']} with {buyer_id}"
               f" (import {result.import_id}; 'healthdesk undo-import' takes it back)")  # fmt: skip


@click.command("confirm")
@click.argument("incident_id")
@click.option("--confirmed-at", required=True, help="When the buyer confirmed the fix.")
@click.option("--resolved-at", help="When it was resolved, if not recorded yet.")
@click.pass_obj
@friendly
def confirm(context: Context, incident_id: str, confirmed_at: str, resolved_at: str | None) -> None:
    """Confirm an incident's resolution with the buyer (trust recovers on confirmation)."""
    from . import logbook

    db = context.open()
    try:
        logbook.confirm_incident(db, context.config(), incident_id, resolved_at, confirmed_at)
    finally:
        db.close()
    click.echo(f"incident {incident_id} confirmed resolved on {confirmed_at}")


@click.command("digest")
@click.option("--week", help="Any date in the week (default: the latest complete week).")
@click.option("--owner", help="Only this account manager's accounts.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (atomically); default: stdout.")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.pass_obj
@friendly
def digest(context: Context, week: str | None, owner: str | None, output: Path | None,
           force: bool) -> None:  # fmt: skip
    """The Monday summary as Markdown: counts, who moved, the queue, tasks, late replies."""
    from . import weekly_review
    from .digest import digest as build
    from .domain.interventions import check_owner
    from .exports.files import write_atomic

    owner = None if owner is None else check_owner(owner)
    week_no = parse_week(week)
    review = context.read(lambda db, config: weekly_review.load(db, config, week_no))
    text = build(review, owner)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text, force=force)
    click.echo(f"wrote the digest for the week of {review.report.week} to {output}", err=True)


COMMANDS = (review, interventions, override, log, confirm, digest)
