"""``healthdesk import`` / ``map`` / ``imports`` / ``undo-import``: bring data in, see
what came in, take an import back."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_support import Context, friendly


def _profile(specs: tuple[str, ...]):
    from .profiles import ProfileError, combine, load

    if not specs:
        return None
    try:
        return combine([load(s) for s in specs])
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("import")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    metavar="PROFILE",
    help="A mapping profile (FILE.toml from 'healthdesk map', or a built-in name); repeat"
    " to combine. Without one the folder must be in DATA.md shape.",
)
@click.option(
    "--allow-older",
    is_flag=True,
    help="Import even if this folder is older than what is stored and would undo newer"
    " facts (a paid invoice back to unpaid, a churned buyer back to active).",
)
@click.pass_obj
@friendly
def import_cmd(
    context: Context, folder: Path, profiles: tuple[str, ...], allow_older: bool
) -> None:
    """Import FOLDER (all or nothing), record the import, then rescore."""
    from .. import engine
    from ..store.db import open_db
    from .importer import ImportFailed, import_folder

    profile = _profile(profiles)
    config = context.config()
    existed = context.db_path.exists()
    db = open_db(context.db_path, create=True)
    try:
        result = import_folder(db, folder, profile, allow_older=allow_older)
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
    click.echo(
        f"imported {counts}; {changed} rows new or changed in"
        f" {context.db_path} (import {result.import_id}: 'healthdesk imports' lists it)"
    )
    for c in result.files:
        click.echo(
            f"  {c.file} → {c.table}: {c.new} new, {c.changed} changed, {c.unchanged} unchanged"
            + (f" (data through {c.through})" if c.through else "")
        )


@click.command("map")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the profile here.")
@click.option("--force", is_flag=True, help="Overwrite an existing profile file.")
@click.pass_obj
@friendly
def map_cmd(context: Context, folder: Path, output: Path | None, force: bool) -> None:
    """Propose a mapping profile for the exports in FOLDER (any file names)."""
    from ..exports.files import write_atomic
    from .mapping import MapFailed, propose

    if not folder.is_dir():
        raise click.ClickException(f"{folder} is not a folder")
    known: list[tuple[str, str]] = []
    aliases: dict[str, str] = {}
    if context.db_path.exists():
        from ..store import aliases as alias_store
        from ..store.db import open_db

        db = open_db(context.db_path)
        try:
            known, aliases = alias_store.known(db)
        finally:
            db.close()
    try:
        proposal = propose(folder, known, aliases, name=(output.stem if output else folder.name))
    except MapFailed as exc:
        raise click.ClickException(str(exc)) from None
    for line in proposal.report:
        click.echo(line)
    text = proposal.profile.to_toml()
    if output is None:
        click.echo("\n# the proposed profile (save it with -o FILE.toml):")
        click.echo(text, nl=False)
        return
    write_atomic(output, text, force=force)
    click.echo(f"\nwrote {output}: review it, then 'healthdesk import {folder} --profile {output}'")


@click.command("imports")
@click.pass_obj
@friendly
def imports_cmd(context: Context) -> None:
    """List every recorded import: when, folder, profile, rows per file."""
    from ..store import imports as log

    entries = context.read(lambda db, _config: log.log(db))
    if not entries:
        click.echo("no imports recorded yet")
        return
    for e in entries:
        undone = f"  UNDONE {e.undone_at}" if e.undone_at else ""
        click.echo(
            f"import {e.id}  {e.at}  by {e.author or '?'}  profile {e.profile or '(DATA.md)'}"
            f"  {e.folder}{undone}"
        )
        for f in e.files:
            through = f", data through {f.through}" if f.through else ""
            click.echo(
                f"    {f.file} → {f.table}: {f.rows} rows, {f.new} new, {f.changed} changed,"
                f" {f.unchanged} unchanged{through}"
            )


@click.command("undo-import")
@click.argument("import_id", type=int)
@click.pass_obj
@friendly
def undo_cmd(context: Context, import_id: int) -> None:
    """Revert import IMPORT_ID exactly (the latest one), in one transaction, and rescore."""
    from .. import engine
    from ..store import imports as log

    config = context.config()
    db = context.open()
    try:
        try:
            first_day = log.undo(db, import_id)
        except log.UndoRefused as exc:
            raise click.ClickException(str(exc)) from None
        engine.rescore_after_import(db, config, first_day)
    finally:
        db.close()
    click.echo(f"import {import_id} undone and the portfolio rescored")


COMMANDS = (import_cmd, map_cmd, imports_cmd, undo_cmd)
