"""The ``healthdesk`` command. Bare, it opens the console; its subcommands print.

Thin by design: parse flags, open the database, call ``engine``, render. Anything
a user can get wrong ends as a one-paragraph message and exit code 1; Textual is
imported only by the bare command, so ``report`` and ``export`` start fast.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DB = REPO_DATA / "healthdesk.db"
SAMPLE_DIR = REPO_DATA / "sample"
CONFIG_NAME = "healthdesk.toml"


class Context:
    """Where the database and config are; opened lazily by the command that needs them."""

    def __init__(self, db: Path | None, config: Path | None) -> None:
        env = os.environ.get("HEALTHDESK_DB")
        self.explicit_db = db is not None or bool(env)
        self.db_path = db or (Path(env) if env else DEFAULT_DB)
        self.config_path = config

    def config(self) -> Any:
        from .config import load_config

        if self.config_path is not None and not self.config_path.is_file():
            raise click.ClickException(
                f"config file {self.config_path} does not exist or is not a file"
            )
        return load_config(self.config_path or self.db_path.parent / CONFIG_NAME)

    def open(self, *, create: bool = False) -> Any:
        """The database, built from the bundled sample on first use of the default one."""
        from . import engine
        from .store.db import open_db

        if not self.explicit_db and not self.db_path.exists() and SAMPLE_DIR.is_dir():
            self._build_sample()
        db = open_db(self.db_path, create=create)
        engine.ensure_scored(db, self.config())
        return db

    def _build_sample(self) -> None:
        """Import and score the bundled sample into a file of its own, then move it into
        place: a first run cut short (or a second one started meanwhile) never finds a
        half-built database that would say "no data" from then on."""
        from . import engine
        from .ingest.importer import import_folder
        from .store.db import open_db

        fd, name = tempfile.mkstemp(prefix=".building-", suffix=".db", dir=self.db_path.parent)
        os.close(fd)
        building = Path(name)
        try:
            building.unlink()
            db = open_db(building, create=True)
            try:
                import_folder(db, SAMPLE_DIR)
                engine.ensure_scored(db, self.config())
                db.conn.commit()
            finally:
                db.close()
            os.replace(building, self.db_path)
        finally:
            for leftover in (building, *(Path(f"{building}{x}") for x in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)

    def read(self, query: Callable[..., Any]) -> Any:
        """Run ``query(db, config)`` on the opened database and close it."""
        db = self.open()
        try:
            return query(db, self.config())
        finally:
            db.close()


def friendly(func: Callable) -> Callable:
    """Turn the errors a user can cause into exit code 1 with a plain message."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .config import ConfigError
        from .domain.interventions import InvalidInput
        from .engine import NoData
        from .exports.files import ExportError
        from .ingest.importer import ImportFailed
        from .store.db import StoreError

        try:
            return func(*args, **kwargs)
        except (ConfigError, StoreError, ImportFailed, NoData, ExportError, InvalidInput) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def parse_week(value: str | None) -> int | None:
    """``--week YYYY-MM-DD`` → the ISO week containing that date."""
    if value is None:
        return None
    from .domain.weeks import week_of

    try:
        return week_of(date.fromisoformat(value))
    except ValueError:
        raise click.ClickException(f"--week {value!r} is not a date like 2026-11-16") from None


@click.group(invoke_without_command=True)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    help="Database file (default data/healthdesk.db, or $HEALTHDESK_DB).",
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


@main.command("import")
@click.argument("folder", type=click.Path(path_type=Path))
@click.pass_obj
@friendly
def import_cmd(context: Context, folder: Path) -> None:
    """Import the DATA.md CSV files in FOLDER (all or nothing), then rescore."""
    from . import engine
    from .ingest.importer import ImportFailed, import_folder
    from .store.db import open_db

    config = context.config()
    existed = context.db_path.exists()
    db = open_db(context.db_path, create=True)
    try:
        result = import_folder(db, folder)
        engine.rescore_after_import(db, config, result.first_day)
    except ImportFailed:
        db.close()
        if not existed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{context.db_path}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        db.close()
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    counts = ", ".join(f"{name} {n}" for name, n in result.rows.items())
    changed = sum(result.changed.values())
    click.echo(f"imported {counts}; {changed} rows new or changed in {context.db_path}")


@main.command()
@click.option("--week", help="Any date in the week to report (default: the latest week with data).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "table"]),
    default="table",
    show_default=True,
)
@click.pass_obj
@friendly
def report(context: Context, week: str | None, fmt: str) -> None:
    """Print the portfolio as of a week."""
    from . import engine, render

    week_no = parse_week(week)
    rep = context.read(lambda db, config: engine.report(db, config, week_no))
    if fmt == "json":
        click.echo(render.as_json(rep))
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
    import json

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
        click.echo(json.dumps(buyer.to_json(), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        render.print_explain(buyer, buyer.why, week_label, Console())


@main.command("config")
@click.pass_obj
@friendly
def config_cmd(context: Context) -> None:
    """Print the active configuration as TOML."""
    from .config import to_toml

    click.echo(to_toml(context.config()), nl=False)


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

    main.add_command(export)


_register()
