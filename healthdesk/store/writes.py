"""Writing an import: every table in one transaction, idempotent on natural keys.

Buyers, invoices, incidents and contacts are upserted on their ids (a re-import
can record a payment or a resolution); event rows are keyed on the whole row, so
importing the same file twice adds nothing.
"""

from __future__ import annotations

from sqlite_utils import Database

UPSERT_KEYS = {
    "buyers": ("buyer_id",),
    "invoices": ("invoice_id",),
    "incidents": ("incident_id",),
    "contacts": ("buyer_id", "name"),
}
ORDER = (
    "buyers",
    "deliveries",
    "returns",
    "invoices",
    "touchpoints",
    "incidents",
    "contacts",
    "surveys",
)


def _statement(table: str, columns: list[str]) -> str:
    cols = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    keys = UPSERT_KEYS.get(table)
    if keys is None:
        return f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})"
    updates = [c for c in columns if c not in keys]
    changed = " OR ".join(f"{c} IS NOT excluded.{c}" for c in updates)
    sets = ", ".join(f"{c} = excluded.{c}" for c in updates)
    return (
        f"INSERT INTO {table} ({cols}) VALUES ({marks})"
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets} WHERE {changed}"
    )


def write_import(db: Database, tables: dict[str, list[dict]]) -> dict[str, int]:
    """Write every table's rows atomically; returns rows added or changed per table."""
    changed: dict[str, int] = {}
    with db.atomic():
        for table in ORDER:
            rows = tables.get(table)
            if not rows:
                continue
            columns = list(rows[0])
            before = db.conn.total_changes
            db.conn.executemany(_statement(table, columns), [tuple(r.values()) for r in rows])
            changed[table] = db.conn.total_changes - before
        products = tables.get("deliveries") or []
        db.conn.executemany(
            "INSERT INTO buyer_products (buyer_id, product, first_day) VALUES (?, ?, ?)"
            " ON CONFLICT (buyer_id, product) DO UPDATE SET first_day = excluded.first_day"
            " WHERE excluded.first_day < first_day",
            [(r["buyer_id"], r["product"], r["day"]) for r in products if r["product"]],
        )
    return changed


def known_buyers(db: Database) -> set[str]:
    """Buyer ids already in the database (event files may name them)."""
    return {r[0] for r in db.execute("SELECT buyer_id FROM buyers")}
