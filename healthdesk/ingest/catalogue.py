"""What ``map`` knows about other tools' exports: for each DATA.md table, the fields a
profile can map, their kind (how values are read), the header synonyms other tools
use (SOURCES.md), and the value synonyms of coded fields.

Headers and values are compared by ``key``: case, accents, spaces and punctuation
ignored ("Amount Due", "amount_due" and "AMOUNT-DUE" are one header).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .contract import ACCEPTABLE_REASONS, REJECTABLE_REASONS

SKIP = "skip"
"""A value-map target for filter fields: rows with this value are not imported
(an unsold lead, a voided invoice, a payment line in an invoice list)."""


def key(text: str) -> str:
    """The comparable form of a header or coded value."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^0-9a-z%]+", "", text)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # id text date datetime money number whole terms enum bool buyer lead
    synonyms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    required: bool = False

    @property
    def keys(self) -> list[str]:
        return [key(s) for s in (self.name, *self.synonyms)]


def _f(name: str, kind: str, *synonyms: str, codes: tuple[str, ...] = (), required=False):
    return Field(name, kind, synonyms, codes, required)


BUYER_REF = (
    "buyer",
    "buyer name",
    "buyer_name",
    "buyer_id",
    "client",
    "client company",
    "client_company",
    "customer",
    "customer name",
    "account",
    "account name",
    "company",
    "company name",
    "partner",
    "related to",
    "bid",
)
REASONS = (*ACCEPTABLE_REASONS, *REJECTABLE_REASONS, "other")

TABLES: dict[str, tuple[Field, ...]] = {
    "buyers": (
        _f(
            "buyer_id",
            "id",
            "account id",
            "record id",
            "company id",
            "customer id",
            "client id",
            "crm id",
            "buyer id",
            "id",
        ),
        _f(
            "name",
            "text",
            "account name",
            "company name",
            "company",
            "customer name",
            "buyer name",
            "client name",
            "account",
            "buyer",
            required=True,
        ),
        _f(
            "started_on",
            "date",
            "created date",
            "create date",
            "start date",
            "customer since",
            "became a customer date",
            "created",
            "date created",
            required=True,
        ),
        _f("vertical", "text", "industry", "lead type"),
        _f(
            "owner",
            "text",
            "account owner",
            "company owner",
            "account manager",
            "owner name",
            "assigned to",
            "hubspot owner",
        ),
        _f("payment_terms_days", "terms", "payment terms", "terms", "net terms", "net days"),
        _f(
            "contracted_weekly_leads",
            "number",
            "contracted volume",
            "contracted weekly leads",
            "weekly cap",
            "weekly volume",
            "contracted leads",
            "weekly leads",
        ),
        _f("gross_margin", "number", "margin", "gross margin %"),
        _f(
            "status",
            "enum",
            "account status",
            "lifecycle stage",
            "partner status",
            "buyer status",
            codes=("active", "paused", "churned"),
        ),
        _f(
            "churned_on",
            "date",
            "churn date",
            "churned date",
            "cancellation date",
            "cancel date",
            "cancelled on",
            "date churned",
        ),
    ),
    "deliveries": (
        _f("buyer_id", "buyer", *BUYER_REF, required=True),
        _f(
            "lead_id",
            "lead",
            "lead id",
            "unique_id",
            "public lead id",
            "lead identifier",
            "leadid",
            "lead_uid",
        ),
        _f(
            "date",
            "date",
            "transaction_date",
            "sold date",
            "sold at",
            "sold on",
            "date sold",
            "lead sold date",
            "timestamp",
            "created",
            required=True,
        ),
        _f("leads", "whole", "leads sold", "leads accepted", "sold", "count", "quantity"),
        _f(
            "revenue",
            "money",
            "price",
            "sale price",
            "sold price",
            "amount",
            "total sell",
            "gross revenue",
            "buyer price",
            required=True,
        ),
        _f("cost", "money", "publisher payout", "payout", "cost price", "publisher price"),
        _f("product", "text", "vertical", "lead type", "buyer_contract_name", "campaign", "offer"),
        _f("lead_status", "enum", "status", "lead status", "disposition", codes=("sold", SKIP)),
    ),
    "returns": (
        _f("buyer_id", "buyer", *BUYER_REF),
        _f(
            "lead_id",
            "lead",
            "lead identifier",
            "lead id",
            "leadid",
            "unique id",
            "public lead id",
            "event id",
        ),
        _f(
            "date",
            "date",
            "return date",
            "returned date",
            "date returned",
            "date added",
            "returned on",
            "returned at",
        ),
        _f("sold_date", "date", "lead sold date", "sold date", "lead date", "transaction date"),
        _f("leads", "whole", "returns", "count", "returned leads"),
        _f(
            "reason",
            "enum",
            "return reason",
            "reason code",
            "returned reason",
            codes=REASONS,
            required=True,
        ),
        _f(
            "status", "enum", "return status", "approval", codes=("accepted", "rejected", "pending")
        ),
    ),
    "invoices": (
        _f(
            "invoice_id",
            "id",
            "num",
            "number",
            "invoice number",
            "invoice no",
            "invoice #",
            "invoice",
            "invoice id",
            "id",
            required=True,
        ),
        _f("buyer_id", "buyer", *BUYER_REF, required=True),
        _f(
            "issued_on",
            "date",
            "date",
            "invoice date",
            "issued on",
            "issue date",
            "created (utc)",
            "created",
            "created date",
            "invoice period start",
            required=True,
        ),
        _f("due_on", "date", "due date", "due", "due on", "due date (utc)", required=True),
        _f(
            "amount",
            "money",
            "amount due",
            "total",
            "invoice total",
            "invoice amount",
            required=True,
        ),
        _f(
            "paid_on",
            "date",
            "paid on",
            "paid at",
            "paid at (utc)",
            "date paid",
            "paid date",
            "payment date",
            "last payment date",
        ),
        _f("open_balance", "money", "open balance", "balance", "amount remaining", "balance due"),
        _f("invoice_status", "enum", "status", "invoice status", codes=("keep", SKIP)),
        _f("transaction_type", "enum", "transaction type", "type", codes=("keep", SKIP)),
    ),
    "touchpoints": (
        _f("buyer_id", "buyer", *BUYER_REF, required=True),
        _f(
            "at",
            "datetime",
            "date",
            "activity date",
            "date time",
            "created",
            "timestamp",
            "start time",
            required=True,
        ),
        _f("direction", "enum", "call direction", codes=("outbound", "inbound")),
        _f(
            "channel",
            "enum",
            "type",
            "activity type",
            "medium",
            codes=("email", "call", "meeting", "chat"),
        ),
        _f("replied_at", "datetime", "replied at", "reply date", "response date"),
        _f(
            "kind",
            "enum",
            "category",
            "activity kind",
            codes=(
                "routine",
                "review",
                "request",
                "complaint",
                "escalation",
                "competitor_mention",
                "new_contact",
                "check_in",
            ),
        ),
        _f(
            "request_type",
            "enum",
            "request",
            codes=("urgent_quality", "billing", "volume", "product", "contract"),
        ),
        _f("note", "text", "subject", "notes", "description", "comments", "body"),
    ),
    "incidents": (
        _f(
            "incident_id",
            "id",
            "ticket id",
            "case number",
            "ticket number",
            "case id",
            required=True,
        ),
        _f("buyer_id", "buyer", *BUYER_REF, required=True),
        _f(
            "opened_at",
            "datetime",
            "opened",
            "created",
            "date opened",
            "created date",
            required=True,
        ),
        _f(
            "category",
            "enum",
            "ticket type",
            "case type",
            codes=("quality", "delivery", "billing", "compliance"),
        ),
        _f("severity", "enum", "priority", codes=("low", "medium", "high")),
        _f("summary", "text", "subject", "description", "title"),
        _f("resolved_at", "datetime", "resolved", "closed date", "date closed", "closed"),
        _f("confirmed_at", "datetime", "confirmed", "confirmed date"),
    ),
    "contacts": (
        _f("buyer_id", "buyer", *BUYER_REF, required=True),
        _f("name", "text", "contact name", "full name", required=True),
        _f("role", "text", "title", "job title"),
        _f("level", "enum", "seniority", codes=("operational", "management", "executive")),
        _f("primary", "bool", "primary contact", "is primary"),
        _f("started_on", "date", "start date", "created date", "added on"),
        _f("ended_on", "date", "end date", "left on"),
        _f("introduced", "bool"),
    ),
    "surveys": (
        _f("buyer_id", "buyer", *BUYER_REF, required=True),
        _f(
            "date",
            "date",
            "survey date",
            "submitted",
            "response date",
            "submitted at",
            required=True,
        ),
        _f(
            "score",
            "number",
            "nps",
            "nps score",
            "rating",
            "likelihood to recommend",
            required=True,
        ),
    ),
}
FIELDS = {table: {f.name: f for f in fields} for table, fields in TABLES.items()}

VALUE_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "status": {
        "active": ("active", "customer", "live", "evangelist", "current", "open", "enabled"),
        "paused": (
            "paused",
            "temporarily stop",
            "temporarily stopped",
            "on hold",
            "not active",
            "inactive",
            "suspended",
            "hold",
        ),
        "churned": (
            "churned",
            "former customer",
            "closed",
            "lost",
            "cancelled",
            "canceled",
            "terminated",
            "closed lost",
        ),
        "accepted": (
            "accepted",
            "approved",
            "approved and return to source",
            "credited",
            "refunded",
            "granted",
        ),
        "rejected": ("rejected", "denied", "declined", "refused"),
        "pending": ("pending", "requested", "new", "open", "under review", "submitted"),
    },
    "reason": {
        "invalid_contact": (
            "invalid contact",
            "bad phone number",
            "bad phone",
            "invalid phone",
            "wrong number",
            "non working phone",
            "nonworking phone",
            "non-working phone",
            "disconnected",
            "disconnected number",
            "bad contact info",
            "bad contact information",
            "invalid email",
            "bad email",
            "fake info",
            "fake lead",
            "fake name",
            "fraud",
            "bogus",
        ),
        "duplicate": (
            "duplicate",
            "dupe",
            "duplicate lead",
            "already in system",
            "previously sold",
            "duplicate record",
        ),
        "filter_mismatch": (
            "filter mismatch",
            "wrong vertical",
            "outside filters",
            "does not meet criteria",
            "wrong product",
            "out of criteria",
            "underage",
            "age filter",
            "outside criteria",
            "wrong filter",
        ),
        "geographic": (
            "geographic",
            "out of service area",
            "outside service area",
            "out of area",
            "wrong state",
            "wrong zip",
            "out of territory",
            "wrong location",
            "outside area",
        ),
        "no_contact": (
            "no contact",
            "could not reach",
            "unable to contact",
            "no answer",
            "answering machine",
            "voicemail",
            "not reached",
            "unreachable",
        ),
        "not_converted": (
            "not converted",
            "did not convert",
            "didnt convert",
            "no sale",
            "not interested",
            "no conversion",
        ),
        "misrepresented": ("misrepresented", "misrepresentation", "false information"),
        "changed_circumstances": (
            "changed circumstances",
            "changed mind",
            "no longer interested",
            "already purchased",
            "already bought",
        ),
        "other": ("other", "tcpa risk", "tcpa", "compliance", "misc"),
    },
    "lead_status": {
        "sold": ("sold", "accepted", "returned", "approved", "delivered", "success"),
        SKIP: (
            "reject",
            "rejected",
            "new",
            "unsold",
            "error",
            "duplicate",
            "pending",
            "not sold",
            "failed",
        ),
    },
    "invoice_status": {
        "keep": (
            "paid",
            "open",
            "unpaid",
            "overdue",
            "past due",
            "partially paid",
            "sent",
            "issued",
        ),
        SKIP: ("void", "voided", "draft", "uncollectible", "deleted", "cancelled", "canceled"),
    },
    "transaction_type": {
        "keep": ("invoice",),
        SKIP: (
            "payment",
            "credit memo",
            "sales receipt",
            "journal entry",
            "deposit",
            "estimate",
            "refund",
        ),
    },
    "channel": {
        "email": ("email", "e-mail", "mail"),
        "call": ("call", "phone", "phone call", "logged call"),
        "meeting": ("meeting", "video call", "visit", "demo"),
        "chat": ("chat", "slack", "sms", "text", "linkedin message", "whatsapp"),
    },
    "direction": {
        "outbound": ("outbound", "out", "outgoing", "sent"),
        "inbound": ("inbound", "in", "incoming", "received"),
    },
    "bool": {"true": ("true", "yes", "y", "1", "x", "primary"), "false": ("false", "no", "n", "0")},
}
"""Value synonyms per field name (``status`` covers buyers' and returns' statuses)."""


def value_synonyms(field: Field) -> dict[str, str]:
    """``key(value) → code`` for a coded field: its codes and their known synonyms."""
    group = "bool" if field.kind == "bool" else field.name
    table = VALUE_SYNONYMS.get(group, {})
    out = {key(code): code for code in field.codes}
    for code, words in table.items():
        if field.kind == "bool" or code in field.codes:
            for w in words:
                out.setdefault(key(w), code)
    return out


TABLES["payments"] = (
    _f(
        "invoice_id",
        "id",
        "num",
        "number",
        "invoice number",
        "invoice no",
        "invoice",
        "invoice id",
        "applied to",
        required=True,
    ),
    _f("paid_on", "date", "date", "payment date", "paid on", "date paid", "paid at", required=True),
    _f("payment_type", "enum", "transaction type", "type", codes=("keep", SKIP)),
)
"""Not a DATA.md table: a billing tool's payments report (QuickBooks), read only to
give the invoices in the same folder their paid dates."""
VALUE_SYNONYMS["payment_type"] = {
    "keep": ("payment", "receive payment", "received payment"),
    SKIP: ("invoice", "credit memo", "refund"),
}
FIELDS["payments"] = {f.name: f for f in TABLES["payments"]}
