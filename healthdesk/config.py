"""Every weight, window and threshold the scoring reads, with documented defaults.

Config lives in one TOML file (``--config`` or ``healthdesk.toml`` next to the
database). Unknown keys and wrong types are errors naming the key, because a typo
that silently falls back to a default would make the scores lie.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_INT = 100_000
"""No window, count or day threshold the scoring reads is anywhere near this; a larger
one is a typo (and would overflow the week arithmetic)."""


class ConfigError(ValueError):
    """A config file or value a user must fix; the message names the key."""


REMOVED = {
    "volume.stopped_weeks": "the rhythm hold replaced the 3-week stop cap (see [rhythm])",
    "volume.stopped_cap": "the rhythm hold replaced the 3-week stop cap (see [rhythm])",
    "payment.slip_invoices": "no scoring ever read it; terms_slip compares the windows'"
    " mean days to pay (payment.slip_window_weeks, payment.slip_days)",
}
"""Keys an older config may still set, and why they went: naming one is an error, not a
silent no-op, so a file written for the old scoring is fixed rather than trusted."""


@dataclass(frozen=True)
class Weights:
    """Relative weight of each health component; absent components are re-weighted."""

    rhythm: float = 0.30
    volume: float = 0.15
    payment: float = 0.25
    returns: float = 0.05
    engagement: float = 0.15
    satisfaction: float = 0.05
    expansion: float = 0.05


@dataclass(frozen=True)
class Bands:
    """Health at or above ``healthy`` is healthy; at or above ``watch`` is watch.
    A buyer showing a warning sign in its own behaviour is held below ``warning_cap``
    (below healthy): an account with a live red flag belongs on the watch list; each
    further sign lowers the limit by ``warning_step``, never below at risk (``watch``
    − 1): three signs at once (volume sliding, replies drying up, payments late) are
    how a buyer that is leaving looks.

    A cap is soft so it never piles buyers on one number: a capped buyer scores
    ``cap × (cap_floor + (1 − cap_floor) × raw / 100)`` when that is below its raw
    health, so the order of capped buyers is kept and only raw 100 reaches the cap."""

    healthy: int = 70
    watch: int = 40
    warning_cap: int = 69
    warning_step: int = 30
    cap_floor: float = 0.5


@dataclass(frozen=True)
class Volume:
    recent_weeks: int = 4
    baseline_weeks: int = 12
    decline_ratio: float = 0.80
    abrupt_weeks: int = 2
    abrupt_ratio: float = 0.50
    slide_weeks: int = 6
    """Weeks of the straight line whose end reads the volume now (``components.volume``):
    the trend is the lower of the recent mean's and that line's against the baseline."""
    min_reliability: float = 0.5
    """A decline is flagged only for buyers whose rhythm fills the recent window this
    likely (see ``components.volume``): for a quarterly buyer, four quiet weeks are
    its rhythm (which the rhythm component reads), not a decline."""


@dataclass(frozen=True)
class Rhythm:
    """The buyer's own cadence: how often it takes leads, and whether the current gap
    fits it. Each week's activity counts with a weight halving every
    ``half_life_weeks``; ``prior_active``/``prior_idle`` are pseudo-weeks that keep a
    new buyer's rate from reading 0% or 100% after a week or two; ``dropout`` is the
    weekly chance a buyer leaves for good, which a silence longer than its rhythm
    makes more likely. The score is the chance of leads within ``horizon_weeks``.
    A buyer whose chance of still buying falls to ``stopped_alive`` has stopped
    against its own rhythm and is held at risk; above ``ok_alive`` no hold applies,
    and in between the hold rises smoothly (no cliff)."""

    half_life_weeks: float = 26.0
    prior_active: float = 0.5
    prior_idle: float = 2.0
    dropout: float = 0.005
    horizon_weeks: int = 13
    stopped_alive: float = 0.5
    ok_alive: float = 0.9


@dataclass(frozen=True)
class Payment:
    window_weeks: int = 13
    late_days: int = 15
    slip_window_weeks: int = 26
    slip_days: int = 10
    stale_weeks: int = 14
    """No invoice issued to a buyer for this many weeks while it took leads: its billing
    data is stale (an old export), so payment is left out rather than read as unpaid."""


@dataclass(frozen=True)
class Returns:
    recent_weeks: int = 4
    baseline_weeks: int = 12
    rising_points: float = 0.03
    rising_factor: float = 1.5


@dataclass(frozen=True)
class Engagement:
    window_weeks: int = 8
    drop_points: float = 0.30
    silence_days: int = 30
    silence_min_outbound: int = 2
    stale_weeks: int = 13
    """No touchpoint either way for this many weeks while the buyer took leads: the CRM
    log is stale, so engagement is left out rather than read as silence."""


@dataclass(frozen=True)
class Signals:
    """Windows for the event-based warning signs."""

    escalation_weeks: int = 4
    complaint_weeks: int = 8
    complaint_min: int = 2
    competitor_weeks: int = 8
    contact_weeks: int = 13
    expansion_weeks: int = 13
    satisfaction_weeks: int = 26


@dataclass(frozen=True)
class Trust:
    window_days: int = 180
    levels: tuple[int, ...] = (100, 90, 75, 50, 25, 0)
    caps: tuple[int, ...] = (100, 100, 85, 60, 39, 25)


@dataclass(frozen=True)
class Concentration:
    window_weeks: int = 13
    warn: float = 0.20
    alert: float = 0.25


@dataclass(frozen=True)
class Checkins:
    days: tuple[int, ...] = (30, 90, 180)
    grace_days: int = 7
    early_days: int = 14


@dataclass(frozen=True)
class Review:
    """The weekly review's windows: our reply times are graded over ``reply_weeks``; a
    late reply to a buyer within ``late_reply_weeks`` queues that account; the
    follow-through compares accounts acted on with the rest over ``follow_through_weeks``."""

    reply_weeks: int = 13
    late_reply_weeks: int = 4
    follow_through_weeks: int = 8
    """How far back the follow-through looks: each account's latest decision in the
    reviews of these weeks, and how its health has moved since."""


@dataclass(frozen=True)
class Money:
    default_gross_margin: float = 0.25
    fallback_monthly_churn: float = 0.05
    monthly_churn: float | None = None


@dataclass(frozen=True)
class Backtest:
    """How ``healthdesk backtest`` labels the past. A buyer is in an as-of week's
    population when it was in the book (started, not churned) and took leads in the
    ``active_weeks`` weeks up to it; it churned if its ``churned_on`` falls within
    ``horizon_days`` after the week, or it took no leads at all in that horizon.
    Fewer than ``min_churned`` churners in a week (or on average) is too few for a
    stable figure and is said so; ``resamples`` sets the bootstrap interval."""

    horizon_days: int = 90
    active_weeks: int = 13
    min_churned: int = 30
    resamples: int = 100
    seed: int = 7


SEGMENT_SECTIONS = ("weights", "rhythm", "volume", "payment", "returns", "engagement", "signals")
"""What a segment may override: how its buyers are scored. Bands, trust, concentration,
check-ins and money stay the book's, so every screen speaks one language."""


@dataclass(frozen=True)
class Segment:
    """Scoring for the buyers of one vertical: the book's config with the segment's
    ``[segments.<vertical>]`` tables laid over it."""

    vertical: str
    config: Config


@dataclass(frozen=True)
class Config:
    """The whole active configuration; ``healthdesk config`` prints it."""

    weights: Weights = field(default_factory=Weights)
    bands: Bands = field(default_factory=Bands)
    rhythm: Rhythm = field(default_factory=Rhythm)
    volume: Volume = field(default_factory=Volume)
    payment: Payment = field(default_factory=Payment)
    returns: Returns = field(default_factory=Returns)
    engagement: Engagement = field(default_factory=Engagement)
    signals: Signals = field(default_factory=Signals)
    trust: Trust = field(default_factory=Trust)
    concentration: Concentration = field(default_factory=Concentration)
    checkins: Checkins = field(default_factory=Checkins)
    money: Money = field(default_factory=Money)
    review: Review = field(default_factory=Review)
    backtest: Backtest = field(default_factory=Backtest)
    segments: tuple[Segment, ...] = ()
    owner: str | None = None
    keys: tuple[tuple[str, str], ...] = ()
    """The console's remapped keys, ``[keys]`` in the file: (binding id, key or
    comma-separated keys) pairs, sorted by id, applied with Textual's keymap. The
    console checks the ids and key names (``healthdesk.ui.keymap``); no score reads them."""

    @property
    def keymap(self) -> dict[str, str]:
        """``keys`` as Textual's keymap: binding id → keys."""
        return dict(self.keys)

    def segment_of(self, vertical: str) -> Segment | None:
        """The segment scoring buyers of ``vertical`` (case-insensitive), if any."""
        key = vertical.casefold()
        return next((g for g in self.segments if g.vertical.casefold() == key), None)

    def fingerprint(self) -> str:
        """A stable text of every value scoring reads, so stored scores know which config
        made them (the backtest's labelling, the review's windows and the console's owner
        and keys change no score)."""
        values = dataclasses.asdict(self)
        for unscored in ("backtest", "owner", "review", "keys"):
            values.pop(unscored)
        return repr(values)


def _coerce(key: str, value: Any, default: Any, annotation: str) -> Any:
    if "tuple" in annotation:
        if not isinstance(value, list) or not value:
            raise ConfigError(f"config key '{key}' must be a non-empty list, got {value!r}")
        return tuple(_coerce(f"{key}[{i}]", v, default[0], "int") for i, v in enumerate(value))
    if "float" in annotation:
        if value is None and "None" in annotation:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"config key '{key}' must be a number, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ConfigError(f"config key '{key}' must be a finite number ≥ 0, got {value!r}")
        return float(value)
    if annotation.startswith("int"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"config key '{key}' must be a whole number, got {value!r}")
        if not 0 <= value <= MAX_INT:
            raise ConfigError(
                f"config key '{key}' must be a whole number 0..{MAX_INT}, got {value}"
            )
        return value
    if "str" in annotation:
        if not isinstance(value, str):
            raise ConfigError(f"config key '{key}' must be text, got {value!r}")
        return value
    raise ConfigError(f"config key '{key}' has an unsupported value {value!r}")


def _segments(base: Config, data: Any) -> tuple[Segment, ...]:
    """``[segments.<vertical>.<section>]`` tables, each laid over the book's config."""
    if not isinstance(data, dict):
        raise ConfigError("config key 'segments' must hold tables like [segments.solar.weights]")
    out = []
    for vertical, sections in data.items():
        path = f"segments.{vertical}"
        if not isinstance(sections, dict) or not sections:
            raise ConfigError(f"config key '{path}' must hold tables like [{path}.weights]")
        changes: dict[str, Any] = {}
        for name, values in sections.items():
            if name not in SEGMENT_SECTIONS:
                allowed = ", ".join(SEGMENT_SECTIONS)
                raise ConfigError(
                    f"unknown config key '{path}.{name}' (a segment may set: {allowed})"
                )
            if not isinstance(values, dict):
                raise ConfigError(
                    f"config key '{path}.{name}' must be a table like [{path}.{name}]"
                )
            section = getattr(base, name)
            merged = {**dataclasses.asdict(section), **values}
            merged = {k: list(v) if isinstance(v, tuple) else v for k, v in merged.items()}
            changes[name] = _build(type(section), merged, f"{path}.{name}.")
        config = dataclasses.replace(base, **changes)
        try:
            _check(config)
        except ConfigError as exc:
            raise ConfigError(f"in [{path}]: {exc}") from None
        out.append(Segment(vertical, config))
    return tuple(out)


BINDING_ID = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
"""How the console names its bindings: ``screen.action`` (``portfolio.filter``)."""


def _keys(data: Any) -> tuple[tuple[str, str], ...]:
    """The ``[keys]`` table: binding id → key (or comma-separated keys), both text."""
    if not isinstance(data, dict):
        raise ConfigError(
            'config key \'keys\' must be a table like [keys] "portfolio.filter" = "f"'
        )
    out = []
    for binding, keys in data.items():
        path = f"keys.{_toml_value(binding)}"
        if not BINDING_ID.fullmatch(binding):
            raise ConfigError(
                f"config key '{path}' is not a binding id like \"portfolio.filter\""
                " (the help screen's keys; ids are listed in the README)"
            )
        if not isinstance(keys, str) or not all(k.strip() for k in keys.split(",")):
            raise ConfigError(
                f'config key \'{path}\' must be a key like "f" or "f,ctrl+f", got {keys!r}'
            )
        out.append((binding, ",".join(k.strip() for k in keys.split(","))))
    return tuple(sorted(out))


def _build(cls: type, data: dict[str, Any], prefix: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if key not in fields:
            removed = REMOVED.get(".".join(path.split(".")[-2:]))  # a segment's too
            if removed:
                raise ConfigError(f"config key '{path}' is no longer read: {removed}")
            raise ConfigError(f"unknown config key '{path}'")
        if cls is Config and key == "segments":
            continue
        if cls is Config and key == "keys":
            kwargs[key] = _keys(value)
            continue
        f = fields[key]
        # Every config field has a default or a factory (never both): the one it has.
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            if not isinstance(value, dict):
                raise ConfigError(f"config key '{path}' must be a table like [{path}]")
            kwargs[key] = _build(type(default), value, f"{path}.")
        else:
            kwargs[key] = _coerce(path, value, default, str(f.type))
    return cls(**kwargs)


def _check(config: Config) -> None:
    """Reject values that would make scoring meaningless, naming the key."""
    for name, weight in dataclasses.asdict(config.weights).items():
        if weight < 0:
            raise ConfigError(f"config key 'weights.{name}' must be ≥ 0, got {weight}")
    if sum(dataclasses.asdict(config.weights).values()) <= 0:
        raise ConfigError("config table 'weights' must have at least one weight above 0")
    if not 0 <= config.bands.watch <= config.bands.healthy <= 100:
        raise ConfigError("config keys 'bands.watch' ≤ 'bands.healthy' must lie in 0..100")
    if not 0 < config.concentration.warn <= config.concentration.alert < 1:
        raise ConfigError(
            "config keys 'concentration.warn' ≤ 'concentration.alert' must lie between 0 and 1"
        )
    if len(config.trust.levels) != 6 or len(config.trust.caps) != 6:
        raise ConfigError("config keys 'trust.levels' and 'trust.caps' need 6 values (0..5+)")
    for name in ("volume", "payment", "returns", "engagement", "signals", "concentration", "trust",
                 "review"):  # fmt: skip
        section = getattr(config, name)
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            if f.name.endswith(("_weeks", "window_days")) and value < 1:
                raise ConfigError(f"config key '{name}.{f.name}' must be at least 1, got {value}")
    for key in (
        "checkins.grace_days",
        "checkins.early_days",
        "payment.late_days",
        "payment.slip_days",
    ):
        section, field_name = key.split(".")
        if getattr(getattr(config, section), field_name) < 0:
            raise ConfigError(f"config key '{key}' must be ≥ 0")
    if any(d < 1 for d in config.checkins.days):
        raise ConfigError("config key 'checkins.days' must list days ≥ 1")
    if list(config.checkins.days) != sorted(config.checkins.days):
        raise ConfigError("config key 'checkins.days' must be in increasing order")
    if not 0 <= config.bands.warning_cap <= 100:
        raise ConfigError("config key 'bands.warning_cap' must lie in 0..100")
    if not 0 <= config.bands.cap_floor <= 1:
        raise ConfigError("config key 'bands.cap_floor' must lie in 0..1")
    r = config.rhythm
    if not 0 < r.stopped_alive < r.ok_alive <= 1:
        raise ConfigError(
            "config keys 'rhythm.stopped_alive' < 'rhythm.ok_alive' must lie in (0, 1]"
        )
    if not 0 <= r.dropout < 1:
        raise ConfigError("config key 'rhythm.dropout' must lie in [0, 1)")
    if r.half_life_weeks <= 0 or r.prior_active <= 0 or r.prior_idle <= 0:
        raise ConfigError(
            "config keys 'rhythm.half_life_weeks', 'prior_active', 'prior_idle' must be > 0"
        )
    if r.horizon_weeks < 1:
        raise ConfigError("config key 'rhythm.horizon_weeks' must be at least 1")
    if any(not 0 <= c <= 100 for c in config.trust.caps + config.trust.levels):
        raise ConfigError("config keys 'trust.levels' and 'trust.caps' must lie in 0..100")
    churn = config.money.monthly_churn
    if churn is not None and not 0 < churn <= 1:
        raise ConfigError(f"config key 'money.monthly_churn' must be in (0, 1], got {churn}")
    ranges = {
        "money.fallback_monthly_churn": (config.money.fallback_monthly_churn, 1e-6, 1),
        "money.default_gross_margin": (config.money.default_gross_margin, 0, 1),
        "volume.decline_ratio": (config.volume.decline_ratio, 1e-6, 1),
        "volume.abrupt_ratio": (config.volume.abrupt_ratio, 0, config.volume.decline_ratio),
        "volume.min_reliability": (config.volume.min_reliability, 0, 1),
        "returns.rising_points": (config.returns.rising_points, 0, 1),
        "returns.rising_factor": (config.returns.rising_factor, 1, 100),
        "engagement.drop_points": (config.engagement.drop_points, 0, 1),
        "rhythm.half_life_weeks": (config.rhythm.half_life_weeks, 0.1, 10_000),
    }
    for key, (value, lo, hi) in ranges.items():
        if not lo <= value <= hi:
            raise ConfigError(f"config key '{key}' must lie in {lo:g}..{hi:g}, got {value:g}")
    if config.bands.warning_step > 100:
        raise ConfigError("config key 'bands.warning_step' must lie in 0..100")


def load_config(path: Path | None) -> Config:
    """Read ``path`` (TOML) over the defaults; a missing optional file means defaults."""
    if path is None or not path.exists():
        return Config()
    if not path.is_file():
        raise ConfigError(f"config file {path} is not a regular file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    try:
        config = _build(Config, data, "")
        _check(config)
        if "segments" in data:
            config = dataclasses.replace(config, segments=_segments(config, data["segments"]))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return config


def to_toml(config: Config) -> str:
    """Render the active config as TOML that ``load_config`` reads back."""
    lines: list[str] = []
    top = dataclasses.asdict(config)
    top.pop("segments")
    keys = top.pop("keys")
    for key, value in top.items():
        if not isinstance(value, dict) and value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, value in top.items():
        if isinstance(value, dict):
            lines.append(f"\n[{key}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in value.items() if v is not None)
    lines.append("\n[keys]  # binding id = key(s); see the help screen (?) for what each does")
    lines.extend(f"{_toml_value(binding)} = {_toml_value(key)}" for binding, key in keys)
    for segment in config.segments:
        for name in SEGMENT_SECTIONS:
            mine = dataclasses.asdict(getattr(segment.config, name))
            book = dataclasses.asdict(getattr(config, name))
            changed = {k: v for k, v in mine.items() if v != book[k]}
            if changed:
                lines.append(f"\n[segments.{_toml_value(segment.vertical)}.{name}]")
                lines.extend(f"{k} = {_toml_value(v)}" for k, v in changed.items())
    return "\n".join(lines).lstrip() + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)
