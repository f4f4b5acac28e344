"""Mapping profiles: how one tool's (or one folder's) exports become DATA.md rows.

A profile is TOML::

    name = "my-exports"
    timezone = "America/New_York"   # for date-times without a zone (default UTC)
    money = "us"                     # us ($1,008.00), eu (1.008,00 €) or plain

    [tables.invoices]                # a DATA.md table
    columns = { invoice_id = "Invoice Number", buyer_id = "Customer", ... }
    formats = { issued_on = "M/D/YYYY", amount = "us" }
    constants = { }                  # a field with one value for every row
    [tables.invoices.values.invoice_status]
    "Void" = "skip"

    [aliases]                        # names or other tools' ids → our buyer ids
    "Acme Ins. Group" = "B001"

A file belongs to a table when its header holds every column the table maps, whatever
the file is called. Built-in profiles live in ``healthdesk/ingest/profiles/*.toml``
and are chosen by name; several profiles combine (each adds its tables).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pendulum
import tomli_w

from .catalogue import FIELDS, SKIP, key
from .formats import ISO, MONEY_STYLES


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the key."""


@dataclass
class TableMap:
    table: str
    columns: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)

    def headers(self) -> set[str]:
        return {key(h) for h in self.columns.values()}


@dataclass
class Profile:
    name: str
    timezone: str = "UTC"
    money: str = "us"
    tables: dict[str, TableMap] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def to_toml(self) -> str:
        doc: dict = {"name": self.name, "timezone": self.timezone, "money": self.money}
        doc["tables"] = {
            t.table: {
                k: v
                for k, v in (
                    ("columns", t.columns),
                    ("formats", t.formats),
                    ("constants", t.constants),
                    ("values", t.values),
                )
                if v
            }
            for t in self.tables.values()
        }
        if self.aliases:
            doc["aliases"] = self.aliases
        return tomli_w.dumps(doc)


def builtin_names() -> list[str]:
    folder = resources.files("healthdesk.ingest") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def builtin(name: str) -> Profile:
    folder = resources.files("healthdesk.ingest") / "profiles"
    path = folder / f"{name}.toml"
    if not path.is_file():
        raise ProfileError(
            f"no profile {name!r}: give a profile file, or one of the built-in profiles"
            f" {', '.join(builtin_names())}"
        )
    return parse(path.read_text(encoding="utf-8"), f"built-in profile {name}")


def load(spec: str) -> Profile:
    """A profile by file path (``*.toml``) or built-in name."""
    path = Path(spec)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ProfileError(f"profile file {path} does not exist")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(f"cannot read profile {path}: {exc}") from None
        return parse(text, str(path))
    return builtin(spec)


def combine(profiles: list[Profile]) -> Profile:
    """Several profiles as one: each adds its tables and aliases."""
    if len(profiles) == 1:
        return profiles[0]
    out = Profile(
        " + ".join(p.name for p in profiles), source=" + ".join(p.source for p in profiles)
    )
    zones = {p.timezone for p in profiles}
    out.timezone = zones.pop() if len(zones) == 1 else "UTC"
    for p in profiles:
        for name, table in p.tables.items():
            if name in out.tables:
                raise ProfileError(
                    f"two profiles map table {name} ({p.source} and one before it): give"
                    " one of them, or combine them into one profile file"
                )
            if p.money != profiles[0].money:
                table.formats = {
                    **{f: p.money for f, spec in FIELDS[name].items() if spec.kind == "money"},
                    **table.formats,
                }
            out.tables[name] = table
        out.aliases.update(p.aliases)
    out.money = profiles[0].money
    return out


def parse(text: str, where: str) -> Profile:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {where} is not valid TOML: {exc}") from None
    allowed = {"name", "timezone", "money", "tables", "aliases"}
    for k in doc:
        if k not in allowed:
            raise ProfileError(
                f"profile {where}: unknown key {k!r} (keys: {', '.join(sorted(allowed))})"
            )
    profile = Profile(
        name=_str(doc.get("name", Path(where).stem), where, "name"),
        timezone=_str(doc.get("timezone", "UTC"), where, "timezone"),
        money=_str(doc.get("money", "us"), where, "money"),
        source=where,
    )
    try:
        pendulum.timezone(profile.timezone)
    except Exception:  # pendulum raises its own InvalidTimezone
        raise ProfileError(
            f"profile {where}: timezone {profile.timezone!r} is not a zone like UTC or"
            " America/New_York"
        ) from None
    if profile.money not in MONEY_STYLES:
        raise ProfileError(f"profile {where}: money must be one of {', '.join(MONEY_STYLES)}")
    tables = doc.get("tables", {})
    if not isinstance(tables, dict):
        raise ProfileError(f"profile {where}: [tables] must be a table")
    for name, body in tables.items():
        profile.tables[name] = _table(name, body, where)
    aliases = doc.get("aliases", {})
    if not isinstance(aliases, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()
    ):
        raise ProfileError(f'profile {where}: [aliases] maps names to buyer ids: "Name" = "B001"')
    profile.aliases = dict(aliases)
    return profile


def _str(value: object, where: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"profile {where}: {name} must be text")
    return value


def _table(name: str, body: object, where: str) -> TableMap:
    if name not in FIELDS:
        raise ProfileError(
            f"profile {where}: tables.{name} is not a DATA.md table ({', '.join(FIELDS)})"
        )
    if not isinstance(body, dict):
        raise ProfileError(f"profile {where}: tables.{name} must be a table")
    fields = FIELDS[name]
    out = TableMap(name)
    for part in body:
        if part not in ("columns", "formats", "values", "constants"):
            raise ProfileError(
                f"profile {where}: tables.{name}.{part} is not a key (columns, formats,"
                " values, constants)"
            )
    for part in ("columns", "formats", "constants"):
        section = body.get(part, {})
        if not isinstance(section, dict):
            raise ProfileError(f"profile {where}: tables.{name}.{part} must be a table")
        for fname, value in section.items():
            if fname not in fields:
                raise ProfileError(
                    f"profile {where}: tables.{name}.{part}.{fname} is not a field of {name}"
                    f" ({', '.join(fields)})"
                )
            if not isinstance(value, str):
                raise ProfileError(f"profile {where}: tables.{name}.{part}.{fname} must be text")
        getattr(out, part).update(section)
    for fname, fmt in out.formats.items():
        kind = fields[fname].kind
        if kind in ("money", "number", "whole") and fmt not in MONEY_STYLES and fmt != "percent":
            raise ProfileError(
                f"profile {where}: tables.{name}.formats.{fname} must be one of"
                f" {', '.join(MONEY_STYLES)}, percent"
            )
        if kind in ("date", "datetime") and fmt != ISO and not any(t in fmt for t in "YMD"):
            raise ProfileError(
                f"profile {where}: tables.{name}.formats.{fname} {fmt!r} is not a date format"
                " like M/D/YYYY, D.M.YYYY HH:mm or iso"
            )
    values = body.get("values", {})
    if not isinstance(values, dict):
        raise ProfileError(f"profile {where}: tables.{name}.values must be a table")
    for fname, mapping in values.items():
        f = fields.get(fname)
        if f is None or not (f.codes or f.kind == "bool"):
            raise ProfileError(
                f"profile {where}: tables.{name}.values.{fname}: only coded fields take a value map"
            )
        codes = (*f.codes, "true", "false") if f.kind == "bool" else f.codes
        if not isinstance(mapping, dict):
            raise ProfileError(f"profile {where}: tables.{name}.values.{fname} must be a table")
        for source, code in mapping.items():
            if code not in codes and code != SKIP:
                raise ProfileError(
                    f"profile {where}: tables.{name}.values.{fname}: {source!r} maps to"
                    f" {code!r}, not one of {', '.join(codes)}"
                )
        out.values[fname] = dict(mapping)
    if not out.columns:
        raise ProfileError(f"profile {where}: tables.{name}.columns maps no column")
    return out
