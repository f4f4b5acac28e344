"""A folder of other tools' exports, read through a profile, as DATA.md rows.

Each CSV goes to the table whose mapped headers it holds (any file name). Values are
converted by the profile (dates, money, terms, value maps), buyer names resolved
(``names.Resolver``), per-lead deliveries summed per buyer, day and product
(``leads``), and the result is parsed by DATA.md's own column parsers, so a profile
import is held to every rule a DATA.md import is. Problems name the source file, line
and header, and the profile key that would fix a mapping problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import FIELDS, SKIP, Field, key, value_synonyms
from .contract import SPECS
from .fields import FieldError
from .formats import ISO, parse_day, parse_moment, parse_money, parse_terms, plain_number
from .leads import LeadBook
from .names import Resolver, derived_id
from .profiles import Profile, TableMap
from .reader import Problem

csv.field_size_limit(16 * 1024 * 1024)
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


@dataclass
class CsvFile:
    path: Path
    header: list[str]
    text: str

    @property
    def name(self) -> str:
        return self.path.name

    def records(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(self.text, newline=""))
        next(reader, None)
        for values in reader:
            yield reader.line_num, values


def read_csv(path: Path) -> CsvFile:
    """The file decoded (UTF-8, a BOM accepted) with its header; ``FieldError`` if not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FieldError(f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FieldError(f"line {line}: byte 0x{raw[exc.start]:02X} is not UTF-8") from None
    if "\x00" in text:
        raise FieldError("contains a NUL byte")
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), None)
    except csv.Error as exc:
        raise FieldError(f"bad CSV: {exc}") from None
    if not header:
        raise FieldError("is empty: a header row is needed")
    return CsvFile(path, [h.strip() for h in header], text)


def assign(
    folder: Path, profile: Profile
) -> tuple[dict[str, list[CsvFile]], list[str], list[Problem]]:
    """Which files hold which table: the table with the most mapped headers all present."""
    found: dict[str, list[CsvFile]] = {}
    notes: list[str] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.csv"), key=lambda p: p.name):
        try:
            f = read_csv(path)
        except FieldError as exc:
            problems.append(Problem(path.name, None, None, None, str(exc)))
            continue
        have = {key(h) for h in f.header}
        fits = [t for t in profile.tables.values() if t.headers() <= have]
        if not fits:
            notes.append(
                f"{path.name}: its headers match no table of profile {profile.name}; skipped"
            )
            continue
        best = max(fits, key=lambda t: len(t.columns))
        found.setdefault(best.table, []).append(f)
    return found, notes, problems


@dataclass
class Row:
    """One DATA.md row from a source: where it came from, the row, and for per-lead
    returns the lead id that keys it."""

    file: str
    line: int | None
    row: dict
    lead_id: str | None = None


@dataclass
class Translator:
    profile: Profile
    resolver: Resolver
    leads: LeadBook
    problems: list[Problem] = field(default_factory=list)
    columns_of: dict[tuple[str, str], str] = field(default_factory=dict)
    _known: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    """Per (table, field): ``key(value) → code``, the synonyms and the profile's map."""
    _seen: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """Per (table, field, raw value): its code, so a repeated value is keyed once."""
    crm_ids: dict[str, str] = field(default_factory=dict)
    """Buyer id → the CRM id that named it in this import: a second CRM account whose
    name only normalises alike ("Brightline Energy" and "Brightline Energy LLC") is a
    different buyer, not the first one again."""

    # values --------------------------------------------------------------------

    def _bad(self, file: str, line: int | None, header: str | None, value: str | None, why: str):
        self.problems.append(Problem(file, line, header, value, why))

    def convert(self, t: TableMap, f: Field, raw: str) -> str:
        """``raw`` in DATA.md's form; ``FieldError`` naming the profile key to change."""
        fmt = t.formats.get(f.name)
        where = f"tables.{t.table}.formats.{f.name}"
        try:
            if f.kind == "date":
                return parse_day(raw, fmt or ISO, self.profile.timezone).isoformat()
            if f.kind == "datetime":
                moment = parse_moment(raw, fmt or ISO, self.profile.timezone)
                return moment.isoformat().replace("+00:00", "Z")
            if f.kind == "money":
                return plain_number(parse_money(raw, fmt or self.profile.money))
            if f.kind in ("number", "whole"):
                if fmt == "percent" or raw.endswith("%"):
                    return plain_number(parse_money(raw.rstrip("% "), "plain") / 100)
                x = parse_money(raw, fmt or "plain") if fmt else None
                return raw if x is None else plain_number(x)
            if f.kind == "terms":
                return str(parse_terms(raw))
        except FieldError as exc:
            raise FieldError(f"{exc}; profile key {where}") from None
        if f.codes or f.kind == "bool":
            return self._code(t, f, raw)
        return raw

    def _code(self, t: TableMap, f: Field, raw: str) -> str:
        mapping = t.values.get(f.name, {})
        if raw in mapping:
            return mapping[raw]
        known = self._known.get((t.table, f.name))
        if known is None:  # built once per field: a book has millions of coded cells
            by_key = {key(k): v for k, v in mapping.items()}
            known = self._known[(t.table, f.name)] = {**value_synonyms(f), **by_key}
        code = self._seen.get((t.table, f.name, raw))
        if code is None:
            code = known.get(key(raw))
            if code is not None:
                self._seen[(t.table, f.name, raw)] = code
        if code is None:
            codes = ", ".join((*f.codes, *(("true", "false") if f.kind == "bool" else ())))
            raise FieldError(
                f'has no mapping onto {codes}: add "{raw}" = "CODE" under'
                f" [tables.{t.table}.values.{f.name}] in the profile"
            )
        return code

    # rows ----------------------------------------------------------------------

    def _fields(self, t: TableMap, f: CsvFile) -> list[tuple[int, Field, str]]:
        index = {key(h): i for i, h in enumerate(f.header)}
        out = []
        for fname, header in t.columns.items():
            out.append((index[key(header)], FIELDS[t.table][fname], header))
            self.columns_of[(t.table, fname)] = header
        return out

    def _source_rows(
        self, t: TableMap, f: CsvFile, with_bad: bool = False
    ) -> Iterator[tuple[int, dict]]:
        """Each row of ``f`` as {field: DATA.md text}; bad values become problems (and
        with ``with_bad`` the row still comes, marked ``_bad``, so a buyer whose start
        date is wrong is still known by name to the files that follow)."""
        plan = self._fields(t, f)
        width = len(f.header)
        try:
            for line, values in f.records():
                if len(values) != width:
                    if any(v.strip() for v in values):
                        self._bad(
                            f.name,
                            line,
                            None,
                            None,
                            f"has {len(values)} fields, header has {width}",
                        )
                    continue
                out = dict(t.constants)
                ok = True
                for i, fspec, header in plan:
                    raw = values[i].strip()
                    if not raw:
                        continue
                    try:
                        out[fspec.name] = self.convert(t, fspec, raw)
                    except FieldError as exc:
                        self._bad(f.name, line, header, values[i], str(exc))
                        ok = False
                if not ok and with_bad:
                    yield line, {**out, "_bad": True}
                elif ok and SKIP not in (
                    out.get(n)
                    for n in ("lead_status", "invoice_status", "transaction_type", "payment_type")
                ):
                    yield line, out
        except csv.Error as exc:
            self._bad(f.name, None, None, None, f"bad CSV: {exc}")

    def buyer(self, t: TableMap, file: str, line: int | None, raw: str | None) -> str | None:
        if raw is None:
            return None
        found = self.resolver.resolve(raw)
        if found is None:
            closest = self.resolver.closest(raw)
            hint = f"; closest known: {', '.join(closest)}" if closest else ""
            self._bad(
                file,
                line,
                self.columns_of.get((t.table, "buyer_id")),
                raw,
                f'names no known buyer{hint}; if it is one of them, add "{raw}" = "ID"'
                " under [aliases] in the profile",
            )
        return found

    def rows(
        self, table: str, files: list[CsvFile], extra: dict[str, list[CsvFile]]
    ) -> Iterator[Row]:
        t = self.profile.tables[table]
        if table == "buyers":
            yield from self._buyers(t, files)
        elif table == "deliveries" and "lead_id" in t.columns:
            yield from self._lead_deliveries(t, files)
        elif table == "returns" and "lead_id" in t.columns:
            yield from self._lead_returns(t, files)
        elif table == "invoices":
            yield from self._invoices(t, files, extra.get("payments", []))
        else:
            for f in files:
                for line, r in self._source_rows(t, f):
                    buyer = self.buyer(t, f.name, line, r.pop("buyer_id", None))
                    if buyer is not None or "buyer_id" not in FIELDS[table]:
                        yield Row(f.name, line, {**r, "buyer_id": buyer or ""})

    def _buyers(self, t: TableMap, files: list[CsvFile]) -> Iterator[Row]:
        for f in files:
            for line, r in self._source_rows(t, f, with_bad=True):
                name = r.get("name", "")
                crm_id = r.get("buyer_id")
                known = self.resolver.resolve(crm_id) if crm_id else None
                if known is None and name:
                    by_name = self.resolver.resolve(name)
                    if by_name is not None and self.crm_ids.get(by_name, crm_id) == crm_id:
                        known = by_name  # our buyer, named alike, not yet another account's
                buyer_id = known or crm_id or derived_id(name)
                if crm_id:
                    self.crm_ids.setdefault(buyer_id, crm_id)
                if crm_id and crm_id != buyer_id:
                    self.resolver.alias(crm_id, buyer_id)
                self.resolver.add_buyer(buyer_id, name)
                if not r.pop("_bad", False):
                    yield Row(f.name, line, {**r, "buyer_id": buyer_id})

    def _lead_deliveries(self, t: TableMap, files: list[CsvFile]) -> Iterator[Row]:
        origin: dict[tuple, tuple[str, int]] = {}
        for f in files:
            for line, r in self._source_rows(t, f):
                buyer = self.buyer(t, f.name, line, r.get("buyer_id"))
                lead = r.get("lead_id")
                if buyer is None or lead is None:
                    if lead is None:
                        self._bad(f.name, line, t.columns["lead_id"], "", "is required but empty")
                    continue
                try:
                    revenue = float(r.get("revenue") or 0)
                    cost = float(r["cost"]) if r.get("cost") else None
                except ValueError:
                    self._bad(f.name, line, None, None, "price is not a number")
                    continue
                day = r.get("date")
                if day is None:
                    self._bad(f.name, line, t.columns.get("date"), "", "is required but empty")
                    continue
                key_ = self.leads.sold(lead, buyer, day, r.get("product"), revenue, cost)
                origin.setdefault(key_, (f.name, line))
        for (buyer, day, product), (leads, revenue, cost) in self.leads.days():
            file, line = origin.get((buyer, day, product), (files[0].name, None))
            row = {
                "buyer_id": buyer,
                "date": day,
                "leads": str(leads),
                "revenue": plain_number(revenue),
                "product": product,
            }
            if cost is not None:
                row["cost"] = plain_number(cost)
            yield Row(file, None, row)

    def _lead_returns(self, t: TableMap, files: list[CsvFile]) -> Iterator[Row]:
        for f in files:
            rows = list(self._source_rows(t, f))
            self.leads.look_up([r["lead_id"] for _, r in rows if r.get("lead_id")])
            for line, r in rows:
                lead = r.get("lead_id")
                sold = self.leads.get(lead) if lead else None
                buyer = (
                    self.buyer(t, f.name, line, r["buyer_id"])
                    if r.get("buyer_id")
                    else (sold[0] if sold else None)
                )
                if r.get("buyer_id") and buyer is None:
                    continue
                if buyer is None:
                    self._bad(
                        f.name,
                        line,
                        t.columns["lead_id"],
                        lead or "",
                        "is a lead id in no delivery imported (this folder or before): import"
                        " the deliveries, or map the buyer column"
                        " (tables.returns.columns.buyer_id)",
                    )
                    continue
                day = r.get("date") or r.get("sold_date") or (sold[1] if sold else None)
                if day is None:
                    self._bad(f.name, line, None, None, "has no return date or sold date")
                    continue
                row = {
                    "buyer_id": buyer,
                    "date": day,
                    "leads": r.get("leads", "1"),
                    "reason": r.get("reason", ""),
                    "status": r.get("status", ""),
                }
                yield Row(f.name, line, row, lead)

    def _invoices(
        self, t: TableMap, files: list[CsvFile], payments: list[CsvFile]
    ) -> Iterator[Row]:
        paid: dict[str, str] = {}
        pay_map = self.profile.tables.get("payments")
        if pay_map is not None:
            for f in payments:
                for _, r in self._source_rows(pay_map, f):
                    invoice, day = r.get("invoice_id"), r.get("paid_on")
                    if invoice and day and day > paid.get(invoice, ""):
                        paid[invoice] = day
        for f in files:
            for line, r in self._source_rows(t, f):
                buyer = self.buyer(t, f.name, line, r.get("buyer_id"))
                if buyer is None:
                    continue
                r["buyer_id"] = buyer
                balance = r.pop("open_balance", None)
                invoice = r.get("invoice_id", "")
                if balance is not None and float(balance) > 0:
                    r["paid_on"] = ""  # still owed: unpaid whatever a partial payment says
                elif not r.get("paid_on") and invoice in paid:
                    r["paid_on"] = paid[invoice]
                elif balance is not None and not r.get("paid_on"):
                    self._bad(
                        f.name,
                        line,
                        self.columns_of.get(("invoices", "open_balance")),
                        balance,
                        "says paid (no open balance) but no paid date is known: add the"
                        " payments report to the folder (tables.payments) or map a paid date"
                        " (tables.invoices.columns.paid_on)",
                    )
                    continue
                yield Row(f.name, line, r)


def parse_row(table: str, source: Row, columns_of: dict, problems: list[Problem]) -> dict | None:
    """DATA.md's column parsers over a translated row (defaults for what is absent)."""
    spec = SPECS[f"{table}.csv"]
    out: dict = {}
    ok = True
    for name, column in spec.columns.items():
        value = (source.row.get(name) or "").strip()
        header = columns_of.get((table, name), name)
        if not value:
            if column.required:
                problems.append(
                    Problem(source.file, source.line, header, "", "is required but empty")
                )
                ok = False
            out[name] = column.default
            continue
        try:
            out[name] = column.parse(value)
        except FieldError as exc:
            problems.append(Problem(source.file, source.line, header, value, str(exc)))
            ok = False
    return out if ok else None
