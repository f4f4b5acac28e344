"""Buyer aliases: normalised names and other tools' ids that mean one of our buyers,
remembered from imports (a CRM id, a name confirmed in a profile's ``[aliases]``)."""

from __future__ import annotations

from sqlite_utils import Database


def known(db: Database) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Every buyer as (id, name), and every stored alias → buyer id."""
    buyers = [(r[0], r[1]) for r in db.execute("SELECT buyer_id, name FROM buyers")]
    aliases = {r[0]: r[1] for r in db.execute("SELECT alias, buyer_id FROM aliases")}
    return buyers, aliases
