"""``healthdesk map DIR``: look at every CSV in a folder and propose a profile.

For each file: which DATA.md table it is (by its headers, whatever its name), which
column is which field (header synonyms, case and punctuation ignored, rapidfuzz for
near misses), the date/date-time format and money style its values fit (every
sampled value must parse), and value maps for coded fields (statuses, return
reasons). Buyer names in the other files are checked against the CRM file of the
same folder and the database, with the closest names for those that match none.
What it mapped, what it could not, and each guess with its confidence are printed,
so a person confirms once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from .catalogue import FIELDS, SKIP, Field, key, value_synonyms
from .fields import FieldError
from .formats import (
    DATE_FORMATS,
    ISO,
    datetime_formats,
    fits,
    money_fits,
    terms_fit,
)
from .names import Resolver, derived_id
from .profiles import Profile, TableMap
from .sources import CsvFile, read_csv

SAMPLE_ROWS = 5000
FUZZY_HEADER = 88
"""A header this similar (rapidfuzz ratio, 0–100) to a synonym is a guess, shown with
its score; below it the header is left unmapped."""
FUZZY_VALUE = 85
FUZZY_NAME = 90


class MapFailed(ValueError):
    """Nothing in the folder could be read or recognised."""


@dataclass
class Proposal:
    profile: Profile
    report: list[str] = field(default_factory=list)


def _header_score(header: str, f: Field) -> tuple[float, bool]:
    """(score 0–100, exact) for ``header`` as field ``f``: an exact synonym scores
    100 less a little per synonym rank, so "Buyer Name" beats "Buyer ID"."""
    h = key(header)
    keys = f.keys
    if h in keys:
        return 100 - keys.index(h) * 0.01, True
    best = max((fuzz.ratio(h, k) for k in keys if len(k) > 3), default=0)
    return best, False


def _match(table: str, header: list[str]) -> dict[str, tuple[str, float, bool]]:
    """field → (header, score, exact), each header used once, best pairs first."""
    pairs = []
    for h in header:
        for f in FIELDS[table].values():
            score, exact = _header_score(h, f)
            if exact or score >= FUZZY_HEADER:
                pairs.append((score, exact, h, f.name))
    pairs.sort(key=lambda p: (-p[0], header.index(p[2])))
    used_h: set[str] = set()
    out: dict[str, tuple[str, float, bool]] = {}
    for score, exact, h, fname in pairs:
        if h in used_h or fname in out:
            continue
        used_h.add(h)
        out[fname] = (h, score, exact)
    return out


def _eligible(table: str, m: dict) -> bool:
    has = set(m)
    if table == "deliveries":
        return {"buyer_id", "date", "revenue"} <= has and ("leads" in has or "lead_id" in has)
    if table == "returns":
        return "reason" in has and ("lead_id" in has or {"buyer_id", "date"} <= has)
    if table == "buyers":
        return "name" in has
    required = {f.name for f in FIELDS[table].values() if f.required}
    return required <= has


def _table_score(table: str, m: dict) -> float:
    return sum(s / 100 * (2 if FIELDS[table][f].required else 1) for f, (_, s, _) in m.items())


def recognise(header: list[str]) -> tuple[str | None, dict, list[str]]:
    """The best table for ``header``, its field matches, and the near misses."""
    scored = []
    misses = []
    for table in FIELDS:
        m = _match(table, header)
        if _eligible(table, m):
            scored.append((_table_score(table, m), table, m))
        elif m:
            missing = [f.name for f in FIELDS[table].values() if f.required and f.name not in m]
            text = f"{table} (missing {', '.join(missing) or 'a lead id or date'})"
            misses.append((-len(m), len(missing), text))
    if not scored:
        return None, {}, [text for *_, text in sorted(misses)[:3]]
    scored.sort(key=lambda s: -s[0])
    return scored[0][1], scored[0][2], []


def _values(f: CsvFile, column: str) -> list[str]:
    i = f.header.index(column)
    out = []
    for n, (_, values) in enumerate(f.records()):
        if n >= SAMPLE_ROWS:
            break
        if i < len(values) and values[i].strip():
            out.append(values[i].strip())
    return out


def _date_format(values: list[str], day_only: bool) -> str | None:
    candidates = [ISO, *DATE_FORMATS[1:]] if day_only else datetime_formats()
    if day_only:  # a date field may hold date-times ("Created Date 11/03/2026 14:22")
        candidates += [c for c in datetime_formats() if c not in candidates]
    sample = sorted(set(values))[:400]
    for fmt in candidates:
        if fits(sample, fmt, day_only=day_only):
            return fmt
    return None


def _us_or_eu(fmt: str, values: list[str]) -> str:
    """Note when a column fits both US and EU day order (every day ≤ 12)."""
    if fmt.startswith("M/D"):
        alt = "D/M" + fmt[3:]
        if fits(sorted(set(values))[:400], alt, day_only=True):
            return f"guess: {fmt} (US); every date also reads as {alt} (EU): check one"
    return ""


class _Mapper:
    def __init__(self, known: list[tuple[str, str]], aliases: dict[str, str], name: str) -> None:
        self.resolver = Resolver(known, aliases)
        self.profile = Profile(name)
        self.report: list[str] = []
        self.files: list[tuple[CsvFile, str]] = []

    def say(self, text: str) -> None:
        self.report.append(text)

    def file(self, f: CsvFile) -> None:
        table, m, misses = recognise(f.header)
        if table is None:
            self.say(f"{f.name}: NOT RECOGNISED (headers {', '.join(f.header)})")
            if misses:
                self.say(f"    nearest: {'; '.join(misses)}")
            return
        if table in self.profile.tables:
            existing = self.profile.tables[table]
            if {key(h) for h in existing.columns.values()} <= {key(h) for h in f.header}:
                self.say(f"{f.name}: {table} (same columns as an earlier file)")
                self.files.append((f, table))
                return
            self.say(
                f"{f.name}: also looks like {table}, with other columns: a profile maps one"
                " shape per table; import it with a profile of its own"
            )
            return
        t = TableMap(table)
        self.say(f"{f.name}: {table}")
        for fname, (header, score, exact) in sorted(m.items(), key=lambda kv: kv[0]):
            t.columns[fname] = header
            how = "" if exact else f"   (guess, {score:.0f}% like a known header)"
            self.say(f"    {header!r} → {fname}{how}")
            self._formats(t, f, FIELDS[table][fname], header)
        self._borrow_formats(t)
        unmapped = [h for h in f.header if h not in t.columns.values()]
        if unmapped:
            self.say(f"    not mapped (ignored): {', '.join(repr(h) for h in unmapped)}")
        missing = [x.name for x in FIELDS[table].values() if x.required and x.name not in t.columns]
        if table == "buyers" and "buyer_id" not in t.columns:
            self.say("    no id column: buyer ids derived from the names (stable week to week)")
        if missing and table != "buyers":
            self.say(f"    missing: {', '.join(missing)} (add it under [tables.{table}.columns])")
        if table == "touchpoints" and "direction" not in t.columns:
            t.constants["direction"] = "outbound"
            self.say("    guess: every activity is ours (direction = outbound, a constant)")
        self.profile.tables[table] = t
        self.files.append((f, table))

    def _borrow_formats(self, t: TableMap) -> None:
        """A date column with no values yet (nobody churned so far) takes the format
        of the table's other date columns: next week's value is written the same way."""
        fields = FIELDS[t.table]
        dated = [n for n in t.columns if fields[n].kind in ("date", "datetime")]
        known = [t.formats[n] for n in dated if n in t.formats]
        for n in dated:
            if n not in t.formats and known:
                base = max(set(known), key=known.count)
                if fields[n].kind == "date" or base == ISO:
                    t.formats[n] = base
                    self.say(f"      {n}: guess format {base} (as the file's other dates)")

    def _formats(self, t: TableMap, f: CsvFile, spec: Field, header: str) -> None:
        values = _values(f, header)
        if not values:
            self.say(f"      {spec.name}: no values to look at")
            return
        where = f"tables.{t.table}"
        if spec.kind in ("date", "datetime"):
            fmt = _date_format(values, spec.kind == "date")
            if fmt is None:
                self.say(
                    f"      {spec.name}: COULD NOT read dates like {values[0]!r}: set"
                    f" {where}.formats.{spec.name} (a pendulum format such as M/D/YYYY)"
                )
                return
            t.formats[spec.name] = fmt
            note = _us_or_eu(fmt, values)
            self.say(f"      {spec.name}: format {fmt}" + (f"   ({note})" if note else ""))
        elif spec.kind == "money" or (spec.kind in ("number", "whole") and _needs_style(values)):
            for style in ("us", "eu"):
                if money_fits(values, style):
                    t.formats[spec.name] = style
                    self.say(f"      {spec.name}: amounts in {style} style")
                    break
            else:
                bad = next(
                    v for v in values if not money_fits([v], "us") and not money_fits([v], "eu")
                )
                self.say(
                    f"      {spec.name}: COULD NOT read amounts like {bad!r}: set"
                    f" {where}.formats.{spec.name} (us, eu or plain)"
                )
        elif spec.kind == "terms":
            if not terms_fit(values):
                self.say(f"      {spec.name}: COULD NOT read terms like {values[0]!r}")
        elif spec.codes or spec.kind == "bool":
            self._value_map(t, spec, values)

    def _value_map(self, t: TableMap, spec: Field, values: list[str]) -> None:
        known = value_synonyms(spec)
        mapping: dict[str, str] = {}
        for value in sorted(set(values)):
            code = known.get(key(value))
            if code is not None:
                if value != code:
                    mapping[value] = code
                continue
            best = max(
                ((fuzz.WRatio(key(value), k), c) for k, c in known.items()), default=(0, None)
            )
            where = f"[tables.{t.table}.values.{spec.name}]"
            if best[1] is not None and best[0] >= FUZZY_VALUE:
                mapping[value] = best[1]
                self.say(f"      {spec.name}: guess {value!r} → {best[1]} ({best[0]:.0f}%)")
            elif spec.name == "reason":
                mapping[value] = "other"
                self.say(
                    f"      {spec.name}: {value!r} matches no reason: mapped to other"
                    f" (change it under {where})"
                )
            else:
                self.say(f"      {spec.name}: COULD NOT map {value!r}: add it under {where}")
        if mapping:
            t.values[spec.name] = mapping
            shown = ", ".join(f"{k!r} → {v}" for k, v in list(mapping.items())[:8])
            more = f" … ({len(mapping)} in all)" if len(mapping) > 8 else ""
            self.say(f"      {spec.name}: {shown}{more}")

    def buyers(self) -> None:
        """Check the buyer references of every file against the CRM file and database."""
        for f, table in self.files:
            if table != "buyers":
                continue
            t = self.profile.tables["buyers"]
            names = _values(f, t.columns["name"])
            ids = _values(f, t.columns["buyer_id"]) if "buyer_id" in t.columns else []
            for i, name in enumerate(names):
                self.resolver.add_buyer(ids[i] if i < len(ids) else derived_id(name), name)
        unmatched: dict[str, list[str]] = {}
        for f, table in self.files:
            t = self.profile.tables[table]
            if table == "buyers" or "buyer_id" not in t.columns:
                continue
            for value in sorted(set(_values(f, t.columns["buyer_id"]))):
                if self.resolver.resolve(value) is None:
                    unmatched.setdefault(value, []).append(f.name)
        if not self.resolver.ids:
            if unmatched:
                self.say("buyers: no accounts file here and no database: names stay unchecked")
            return
        for value, where in unmatched.items():
            found = self.resolver.closest(value, 1)
            best = self._best(value)
            if best is not None and best[1] >= FUZZY_NAME:
                self.profile.aliases[value] = best[0]
                self.say(f"buyers: guess {value!r} ({', '.join(where)}) is {found[0]}: alias added")
            else:
                hint = f"; closest {found[0]}" if found else ""
                self.say(
                    f"buyers: {value!r} ({', '.join(where)}) matches no buyer{hint}: add"
                    f' "{value}" = "ID" under [aliases]'
                )
        left = [v for v in unmatched if v not in self.profile.aliases]
        matched = f"{len(left)} name(s) unmatched" if left else "every buyer name matches"
        self.say(f"buyers: {len(self.resolver.ids)} known; {matched}")

    def _best(self, value: str) -> tuple[str, float] | None:
        from rapidfuzz import process

        from .names import normalise

        keys = list(self.resolver.names)
        if not keys:
            return None
        hit = process.extractOne(normalise(value), keys, scorer=fuzz.WRatio)
        return None if hit is None else (self.resolver.names[hit[0]], hit[1])


def _needs_style(values: list[str]) -> bool:
    try:
        for v in values:
            float(v)
    except ValueError:
        return True
    return False


def propose(
    folder: Path, known: list[tuple[str, str]], aliases: dict[str, str], name: str
) -> Proposal:
    """A profile for ``folder``'s CSV files and the report of how it was made."""
    paths = sorted(folder.glob("*.csv"), key=lambda p: p.name)
    if not paths:
        raise MapFailed(f"{folder} holds no .csv files")
    mapper = _Mapper(known, aliases, name)
    for path in paths:
        try:
            mapper.file(read_csv(path))
        except FieldError as exc:
            mapper.say(f"{path.name}: cannot read: {exc}")
    if not mapper.profile.tables:
        raise MapFailed(
            "no file in the folder looks like a DATA.md table:\n" + "\n".join(mapper.report)
        )
    mapper.buyers()
    _ = SKIP
    return Proposal(mapper.profile, mapper.report)
