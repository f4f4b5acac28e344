"""The schema as versioned migrations: add a function, never edit an applied one.

Weekly scores are stored WITHOUT ROWID keyed (week, buyer_id): a rescore appends
whole weeks in key order, and the portfolio view reads one week as one range.

Event tables keep the imported text columns as they came and add integer ``day``
(date ordinal) and ``week`` columns computed on import, so weekly GROUP BYs and
windows are integer comparisons.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("healthdesk")

BUYER = ("buyer_id", "buyers", "buyer_id")


@migrations()
def m001_portfolio(db: Database) -> None:
    db.table("buyers").create(
        {
            "buyer_id": str,
            "name": str,
            "started_on": str,
            "vertical": str,
            "owner": str,
            "payment_terms_days": int,
            "contracted_weekly_leads": float,
            "gross_margin": float,
            "status": str,
            "churned_on": str,
        },
        pk="buyer_id",
    )
    db.table("deliveries").create(
        {
            "row_key": str,
            "buyer_id": str,
            "date": str,
            "day": int,
            "week": int,
            "leads": int,
            "revenue": float,
            "cost": float,
            "product": str,
        },
        pk="row_key",
        foreign_keys=[BUYER],
    )
    db.table("returns").create(
        {
            "row_key": str,
            "buyer_id": str,
            "date": str,
            "day": int,
            "week": int,
            "leads": int,
            "reason": str,
            "status": str,
            "counted": int,
        },
        pk="row_key",
        foreign_keys=[BUYER],
    )
    db.table("invoices").create(
        {
            "invoice_id": str,
            "buyer_id": str,
            "issued_on": str,
            "due_on": str,
            "amount": float,
            "paid_on": str,
            "issued_day": int,
            "due_day": int,
            "paid_day": int,
        },
        pk="invoice_id",
        foreign_keys=[BUYER],
    )
    db.table("touchpoints").create(
        {
            "row_key": str,
            "buyer_id": str,
            "at": str,
            "day": int,
            "week": int,
            "direction": str,
            "channel": str,
            "replied_at": str,
            "reply_day": int,
            "reply_week": int,
            "reply_hours": float,
            "kind": str,
            "request_type": str,
            "note": str,
        },
        pk="row_key",
        foreign_keys=[BUYER],
    )
    db.table("incidents").create(
        {
            "incident_id": str,
            "buyer_id": str,
            "opened_at": str,
            "category": str,
            "severity": str,
            "summary": str,
            "resolved_at": str,
            "confirmed_at": str,
            "opened_day": int,
            "resolved_day": int,
            "confirmed_day": int,
        },
        pk="incident_id",
        foreign_keys=[BUYER],
    )
    db.table("contacts").create(
        {
            "buyer_id": str,
            "name": str,
            "role": str,
            "level": str,
            "is_primary": int,
            "started_on": str,
            "ended_on": str,
            "introduced": int,
            "started_day": int,
            "ended_day": int,
        },
        pk=("buyer_id", "name"),
        foreign_keys=[BUYER],
    )
    db.table("surveys").create(
        {"row_key": str, "buyer_id": str, "date": str, "day": int, "score": float},
        pk="row_key",
        foreign_keys=[BUYER],
    )
    db.execute(
        """CREATE TABLE weekly_scores (
            week INTEGER NOT NULL, buyer_id TEXT NOT NULL, health INTEGER, band TEXT,
            volume INTEGER, payment INTEGER, returns INTEGER, engagement INTEGER,
            satisfaction INTEGER, expansion INTEGER, trust_incidents INTEGER,
            trust_level INTEGER, revenue_13w REAL, share REAL, concentration TEXT,
            phase TEXT, warnings TEXT, leads REAL,
            PRIMARY KEY (week, buyer_id)
        ) WITHOUT ROWID"""
    )
    db.table("buyer_products").create(
        {"buyer_id": str, "product": str, "first_day": int},
        pk=("buyer_id", "product"),
        foreign_keys=[BUYER],
    )
    db.table("meta").create({"key": str, "value": str}, pk="key")
    for table in ("deliveries", "returns", "touchpoints"):
        db.table(table).create_index(["buyer_id", "week"])
    db.table("touchpoints").create_index(["kind"])
    db.table("weekly_scores").create_index(["buyer_id", "week"])


@migrations()
def m002_interventions(db: Database) -> None:
    """Interventions and the account manager's decisions about them, each one audited.

    ``interventions.message`` keeps the concrete sentence behind the action;
    ``overrides.week`` and ``snoozes.week`` record the as-of week they were set in (an
    override never reaches back before it), and ``snoozes.band`` the band at the time,
    so a buyer whose band worsens comes back to the review queue early.
    """
    db.table("interventions").create(
        {
            "id": int,
            "buyer_id": str,
            "created_week": int,
            "reason_key": str,
            "signals": str,
            "action": str,
            "message": str,
            "owner": str,
            "due_on": str,
            "status": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[BUYER],
        not_null={"buyer_id", "created_week", "reason_key", "action", "status"},
    )
    db.table("intervention_notes").create(
        {"id": int, "intervention_id": int, "at": str, "author": str, "text": str},
        pk="id",
        foreign_keys=[("intervention_id", "interventions", "id")],
    )
    db.table("overrides").create(
        {
            "id": int,
            "buyer_id": str,
            "health": int,
            "reason": str,
            "week": int,
            "expires_on": str,
            "created_at": str,
            "author": str,
        },
        pk="id",
        foreign_keys=[BUYER],
    )
    db.table("snoozes").create(
        {
            "id": int,
            "buyer_id": str,
            "week": int,
            "band": str,
            "until_on": str,
            "reason": str,
            "created_at": str,
            "author": str,
        },
        pk="id",
        foreign_keys=[BUYER],
    )
    db.table("reviews").create(
        {"week": int, "buyer_id": str, "outcome": str, "at": str, "author": str},
        pk=("week", "buyer_id"),
        foreign_keys=[BUYER],
    )
    db.table("audit").create(
        {
            "id": int,
            "at": str,
            "author": str,
            "entity": str,
            "entity_id": str,
            "field": str,
            "old": str,
            "new": str,
        },
        pk="id",
    )
    db.table("interventions").create_index(["buyer_id", "reason_key", "status"])
    db.table("intervention_notes").create_index(["intervention_id"])
    db.table("audit").create_index(["entity", "entity_id"])


@migrations()
def m003_weekly_activity(db: Database) -> None:
    """Per buyer-week sums, refreshed by imports, so scoring reads one table."""
    db.execute(
        """CREATE TABLE weekly_activity (
            week INTEGER NOT NULL, buyer_id TEXT NOT NULL,
            leads REAL, revenue REAL, cost REAL, returned REAL, outbound REAL,
            inbound REAL, replies REAL, reply_hours REAL, last_contact INTEGER,
            PRIMARY KEY (week, buyer_id)
        ) WITHOUT ROWID"""
    )
    from .activity import refresh

    refresh(db, -(10**9))


@migrations()
def m004_health_history_index(db: Database) -> None:
    """Carry health in the by-buyer index of ``weekly_scores``, so a buyer's recent
    healths (the console's sparklines, 5,000 of them per week) are read from the index
    alone instead of one table lookup per week."""
    db.execute('DROP INDEX IF EXISTS "idx_weekly_scores_buyer_id_week"')
    db.table("weekly_scores").create_index(["buyer_id", "week", "health"])


@migrations()
def m005_record_indexes(db: Database) -> None:
    """Index the per-buyer record tables by buyer, so one account (its explanation and
    its records on the account screen) reads its own rows instead of scanning every
    buyer's; and invoices by issue day for the data's week span."""
    db.table("invoices").create_index(["buyer_id", "issued_day"])
    db.table("invoices").create_index(["issued_day"])
    db.table("incidents").create_index(["buyer_id", "opened_day"])
    db.table("surveys").create_index(["buyer_id", "day"])


@migrations()
def m006_touchpoint_keys(db: Database) -> None:
    """Rekey touchpoints on what a touchpoint is (``store.keys``). Rows that were one
    touchpoint imported twice, before and after its reply, become one: the last
    imported wins, as it would on a re-import now."""
    from .keys import TOUCHPOINT_KEY, touchpoint_key

    seen: dict[str, int] = {}
    rekeyed: list[tuple[str, int]] = []
    merged = 0
    for rowid, *values in db.execute(
        f"SELECT rowid, {', '.join(TOUCHPOINT_KEY)} FROM touchpoints ORDER BY rowid"
    ).fetchall():
        key = touchpoint_key(dict(zip(TOUCHPOINT_KEY, values, strict=True)))
        if key in seen:
            db.execute("DELETE FROM touchpoints WHERE rowid = ?", (seen[key],))
            merged += 1
        seen[key] = rowid
        rekeyed.append((f"rekey:{key}", rowid))
    # Two passes, so a new key never meets an old one still waiting to be changed.
    db.conn.executemany("UPDATE touchpoints SET row_key = ? WHERE rowid = ?", rekeyed)
    db.execute("UPDATE touchpoints SET row_key = substr(row_key, 7)")
    if merged:  # the weekly sums and the scores read the removed copies: redo both
        from .activity import refresh

        refresh(db, -(10**9))
        db.execute("DELETE FROM meta WHERE key = 'scored_with'")


@migrations()
def m007_audit_by_buyer(db: Database) -> None:
    """Find one buyer's audit rows by index: entities by their creation row (field,
    new value) and reviews by buyer, as both tables grow by every weekly review."""
    db.table("audit").create_index(["field", "new"])
    db.table("reviews").create_index(["buyer_id"])


@migrations()
def m008_rhythm_and_config_history(db: Database) -> None:
    """The rhythm component and each score's cap limit (calibration recomputes health
    from stored parts), and every scoring config the scores were computed with, so a
    jump caused by a setting is never read as a buyer's behaviour. Stored scores from
    the old formula are dropped: the next reader rescores."""
    db.execute("ALTER TABLE weekly_scores ADD COLUMN rhythm INTEGER")
    db.execute("ALTER TABLE weekly_scores ADD COLUMN cap_limit REAL")
    db.execute("ALTER TABLE weekly_scores ADD COLUMN confidence REAL")
    db.execute("DELETE FROM weekly_scores")
    db.execute("DELETE FROM meta WHERE key = 'scored_with'")
    db.execute(
        "CREATE TABLE scoring_configs (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL"
        " UNIQUE, settings TEXT NOT NULL, took_effect_at TEXT NOT NULL, week INTEGER NOT NULL)"
    )


@migrations()
def m009_score_state(db: Database) -> None:
    """Stored scores now carry a stale mark (``store.scores.mark_stale``), set by each
    import and cleared by its rescore. A database from before cannot say whether its
    last import was rescored (a kill in between left it not), so it is rescored once."""
    has_data = db.execute(
        "SELECT EXISTS (SELECT 1 FROM weekly_activity) OR EXISTS (SELECT 1 FROM invoices)"
    ).fetchone()[0]
    if has_data:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stale_from', '0')")


IMPORTED_TABLES = (
    "buyers", "deliveries", "returns", "invoices", "touchpoints", "incidents", "contacts",
    "surveys",
)  # fmt: skip


@migrations()
def m010_import_log(db: Database) -> None:
    """Every import recorded and undoable (issue 9): ``imports`` (when, folder, profile),
    ``import_files`` (rows new / changed / unchanged and data-through per file), and
    ``import_changes`` (the stored row an import replaced, to put back on undo); each
    imported row carries the ``import_id`` that last wrote it. ``aliases`` maps
    normalised names and other tools' ids to buyers; ``leads`` remembers per-lead
    deliveries so a returns export keyed by lead id finds its buyer and date."""
    db.execute(
        """CREATE TABLE imports (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, folder TEXT NOT NULL, profile TEXT,
            author TEXT, allow_older INTEGER NOT NULL DEFAULT 0, undone_at TEXT)"""
    )
    db.execute(
        """CREATE TABLE import_files (
            import_id INTEGER NOT NULL REFERENCES imports(id), file TEXT NOT NULL,
            tbl TEXT NOT NULL, rows INTEGER NOT NULL, new INTEGER NOT NULL,
            changed INTEGER NOT NULL, unchanged INTEGER NOT NULL, data_through TEXT,
            PRIMARY KEY (import_id, file, tbl))"""
    )
    db.execute(
        """CREATE TABLE import_changes (
            import_id INTEGER NOT NULL REFERENCES imports(id), tbl TEXT NOT NULL,
            old TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX idx_import_changes ON import_changes (import_id)")
    db.execute(
        """CREATE TABLE aliases (
            alias TEXT PRIMARY KEY, buyer_id TEXT NOT NULL REFERENCES buyers(buyer_id),
            source TEXT, import_id INTEGER)"""
    )
    db.execute(
        """CREATE TABLE leads (
            lead_id TEXT PRIMARY KEY, buyer_id TEXT NOT NULL REFERENCES buyers(buyer_id),
            date TEXT NOT NULL, day INTEGER NOT NULL, product TEXT, import_id INTEGER)"""
    )
    for table in IMPORTED_TABLES:
        db.execute(f"ALTER TABLE {table} ADD COLUMN import_id INTEGER")
        db.execute(f"CREATE INDEX idx_{table}_import_id ON {table} (import_id)")
    _rekey_deliveries(db)


def _rekey_deliveries(db: Database) -> None:
    """Deliveries are keyed on (buyer, date, product) from now on, so a corrected day
    replaces the stored one; rows that were one day imported twice (the correction
    stored beside the original, double-counted) become one, the later import winning."""
    from .keys import delivery_key

    seen: dict[str, int] = {}
    rekeyed: list[tuple[str, int]] = []
    merged = 0
    rows = db.execute(
        "SELECT rowid, buyer_id, date, product FROM deliveries ORDER BY rowid"
    ).fetchall()
    for rowid, buyer_id, day, product in rows:
        key = delivery_key(buyer_id, day, product)
        if key in seen:
            db.execute("DELETE FROM deliveries WHERE rowid = ?", (seen[key],))
            merged += 1
        seen[key] = rowid
        rekeyed.append((f"rekey:{key}", rowid))
    db.conn.executemany("UPDATE deliveries SET row_key = ? WHERE rowid = ?", rekeyed)
    db.execute("UPDATE deliveries SET row_key = substr(row_key, 7)")
    if merged:
        from .activity import refresh

        refresh(db, -(10**9))
        db.execute("DELETE FROM meta WHERE key = 'scored_with'")


@migrations()
def m011_task_health(db: Database) -> None:
    """Interventions are tasks with an end (issue 10): the buyer's health when the task
    was opened and when it was closed, and the as-of week it closed in, so the summary
    can show how the accounts we acted on moved against those we did not."""
    for column in ("opened_health", "closed_health", "closed_week"):
        db.execute(f"ALTER TABLE interventions ADD COLUMN {column} INTEGER")
