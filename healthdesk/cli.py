"""The ``healthdesk`` command. Bare, it opens the console; its subcommands print.

Thin by design: parse flags, open the database, call ``engine``, render. Anything
a user can get wrong ends as a one-paragraph message and exit code 1; Textual is
imported only by the bare command, so ``report`` and ``export`` start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .cli_support import Context, friendly, parse_week


@click.group(invoke_without_command=True)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    help="Database file (default: data/healthdesk.db in a clone, the user data folder when"
    " installed; or $HEALTHDESK_DB).",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    help="Config TOML (default: healthdesk.toml next to the database).",
)
@click.version_option(package_name="healthdesk")
@click.pass_context
def main(ctx: click.Context, db: Path | None, config: Path | None) -> None:
    """Buyer account health for lead-generation businesses.

    Without a command, opens the console on the database.
    """
    ctx.obj = Context(db, config)
    if ctx.invoked_subcommand is None:
        _console(ctx.obj)


@friendly
def _console(context: Context) -> None:
    database = context.open()
    database.close()
    from .ui.app import make_app

    app = make_app(db=context.db_path, config=context.config())
    app.run()
    sys.exit(app.return_code or 0)


@main.command()
@click.option("--week", help="Any date in the week to report (default: the latest week with data).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "table"]),
    default="table",
    show_default=True,
)
@click.option(
    "--no-explain",
    is_flag=True,
    help="JSON: leave out each buyer's explanation (much smaller at thousands of buyers).",
)
@click.pass_obj
@friendly
def report(context: Context, week: str | None, fmt: str, no_explain: bool) -> None:
    """Print the portfolio as of a week."""
    from . import engine, render

    week_no = parse_week(week)
    rep = context.read(lambda db, config: engine.report(db, config, week_no))
    if fmt == "json":
        render.write_json(rep, sys.stdout, explain=not no_explain)
    elif fmt == "csv":
        click.echo(render.as_csv(rep), nl=False)
    else:
        from rich.console import Console

        render.print_table(rep, Console())


@main.command()
@click.argument("buyer_id")
@click.option("--week", help="Any date in the week to explain (default: the latest).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
@friendly
def explain(context: Context, buyer_id: str, week: str | None, fmt: str) -> None:
    """Explain one buyer's score: components, weights, evidence, what moved."""

    from . import engine, render
    from .domain.weeks import label

    week_no = parse_week(week)

    def query(db: Any, config: Any) -> tuple[str, Any]:
        as_of = engine.latest_week(db) if week_no is None else week_no
        try:
            return label(as_of), engine.buyer_report(db, config, buyer_id, as_of)
        except KeyError:
            return label(as_of), None

    week_label, buyer = context.read(query)
    if buyer is None:
        raise click.ClickException(f"no buyer {buyer_id!r} in the portfolio for week {week_label}")
    if fmt == "json":
        click.echo(render.json_text(buyer.to_json()))
    else:
        from rich.console import Console

        render.print_explain(buyer, buyer.why, week_label, Console())


@main.command("config")
@click.pass_obj
@friendly
def config_cmd(context: Context) -> None:
    """Print the active configuration as TOML."""
    from .config import to_toml

    config = context.config()
    if config.keys:  # the console's bindings checked, so a bad [keys] table shows here too
        from .ui.keymap import check

        check(config.keys)
    click.echo(to_toml(config), nl=False)


@main.command()
@click.option("--buyers", type=click.IntRange(1, 100_000), default=60, show_default=True)
@click.option("--weeks", type=click.IntRange(1, 1000), default=104, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def sample(buyers: int, weeks: int, seed: int, out: Path) -> None:
    """Write a seeded sample portfolio as DATA.md CSV files into OUT."""
    from .sample import generate

    if out.exists() and not out.is_dir():
        raise click.ClickException(f"--out {out} is a file; give a folder for the CSV files")
    try:
        counts = generate(out, buyers=buyers, weeks=weeks, seed=seed)
    except OSError as exc:
        raise click.ClickException(f"cannot write the sample into {out}: {exc.strerror}") from None
    click.echo(", ".join(f"{name} {n}" for name, n in counts.items()) + f" written to {out}")


def _register() -> None:
    """Subcommand groups that live with their feature (they import no Textual)."""
    from .exports.command import export
    from .foresight_command import backtest, calibrate
    from .ingest.command import COMMANDS as ingest_commands
    from .review_command import COMMANDS as review_commands

    main.add_command(export)
    main.add_command(backtest)
    main.add_command(calibrate)
    for command in (*ingest_commands, *review_commands):  # import, map…; review, override…
        main.add_command(command)


_register()
