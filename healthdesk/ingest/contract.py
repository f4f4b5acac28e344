"""DATA.md's import contract as data: files, columns, parsers, defaults."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import fields as f

ACCEPTABLE_REASONS = ("invalid_contact", "duplicate", "filter_mismatch", "geographic")
REJECTABLE_REASONS = ("no_contact", "not_converted", "misrepresented", "changed_circumstances")


@dataclass(frozen=True)
class Column:
    parse: f.Parser
    required: bool = False
    default: object = None


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)

    @property
    def required(self) -> list[str]:
        return [name for name, col in self.columns.items() if col.required]


def _req(parse: f.Parser) -> Column:
    return Column(parse, required=True)


FILES = (
    FileSpec(
        "buyers.csv",
        {
            "buyer_id": _req(f.identifier),
            "name": _req(f.text(f.MAX_NAME)),
            "started_on": _req(f.iso_date),
            "vertical": Column(f.text(100)),
            "owner": Column(f.text(100)),
            "payment_terms_days": Column(f.whole(0), default=15),
            "contracted_weekly_leads": Column(f.number(0)),
            "gross_margin": Column(f.number(0, 1)),
            "status": Column(f.choice("active", "paused", "churned"), default="active"),
            "churned_on": Column(f.iso_date),
        },
    ),
    FileSpec(
        "deliveries.csv",
        {
            "buyer_id": _req(f.identifier),
            "date": _req(f.iso_date),
            "leads": _req(f.whole(0)),
            "revenue": _req(f.number(0)),
            "cost": Column(f.number(0)),
            "product": Column(f.text(100)),
        },
    ),
    FileSpec(
        "returns.csv",
        {
            "buyer_id": _req(f.identifier),
            "date": _req(f.iso_date),
            "leads": _req(f.whole(0, above=True)),
            "reason": _req(f.choice(*ACCEPTABLE_REASONS, *REJECTABLE_REASONS, "other")),
            "status": Column(f.choice("accepted", "rejected", "pending"), default="pending"),
        },
    ),
    FileSpec(
        "invoices.csv",
        {
            "invoice_id": _req(f.identifier),
            "buyer_id": _req(f.identifier),
            "issued_on": _req(f.iso_date),
            "due_on": _req(f.iso_date),
            "amount": _req(f.number(0)),
            "paid_on": Column(f.iso_date),
        },
    ),
    FileSpec(
        "touchpoints.csv",
        {
            "buyer_id": _req(f.identifier),
            "at": _req(f.iso_datetime),
            "direction": _req(f.choice("outbound", "inbound")),
            "channel": Column(f.choice("email", "call", "meeting", "chat")),
            "replied_at": Column(f.iso_datetime),
            "kind": Column(
                f.choice(
                    "routine",
                    "review",
                    "request",
                    "complaint",
                    "escalation",
                    "competitor_mention",
                    "new_contact",
                    "check_in",
                ),
                default="routine",
            ),
            "request_type": Column(
                f.choice("urgent_quality", "billing", "volume", "product", "contract")
            ),
            "note": Column(f.text(multiline=True)),
        },
    ),
    FileSpec(
        "incidents.csv",
        {
            "incident_id": _req(f.identifier),
            "buyer_id": _req(f.identifier),
            "opened_at": _req(f.iso_datetime),
            "category": Column(
                f.choice("quality", "delivery", "billing", "compliance"), default="quality"
            ),
            "severity": Column(f.choice("low", "medium", "high")),
            "summary": Column(f.text(multiline=True)),
            "resolved_at": Column(f.iso_datetime),
            "confirmed_at": Column(f.iso_datetime),
        },
    ),
    FileSpec(
        "contacts.csv",
        {
            "buyer_id": _req(f.identifier),
            "name": _req(f.text(f.MAX_NAME)),
            "role": Column(f.text(100)),
            "level": Column(f.choice("operational", "management", "executive")),
            "primary": Column(f.boolean, default=False),
            "started_on": Column(f.iso_date),
            "ended_on": Column(f.iso_date),
            "introduced": Column(f.boolean, default=True),
        },
    ),
    FileSpec(
        "surveys.csv",
        {
            "buyer_id": _req(f.identifier),
            "date": _req(f.iso_date),
            "score": Column(f.number(0, 10)),
        },
    ),
)
SPECS = {spec.name: spec for spec in FILES}
