"""Config: documented defaults, TOML that round-trips, and errors that name the key."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from healthdesk.cli import main
from healthdesk.config import Config, ConfigError, load_config, to_toml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "healthdesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_domain_md() -> None:
    c = Config()
    assert c.payment.late_days == 15
    assert c.trust.window_days == 180
    assert c.trust.levels == (100, 90, 75, 50, 25, 0)
    assert (c.concentration.warn, c.concentration.alert) == (0.20, 0.25)
    assert c.concentration.window_weeks == 13
    assert c.checkins.days == (30, 90, 180)
    assert (c.bands.healthy, c.bands.watch) == (70, 40)
    weights = dataclasses.asdict(c.weights)
    assert sum(weights.values()) == pytest.approx(1.0)
    # DOMAIN.md: payment and the volume trend carry the most weight; the volume trend
    # is read twice, as the buyer's rhythm and as its level against its baseline.
    volume = weights.pop("rhythm") + weights.pop("volume")
    assert volume >= weights["payment"] >= max(weights.values())


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.toml") == Config()
    assert load_config(None) == Config()


def test_partial_file_overrides_only_its_keys(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[payment]\nlate_days = 30\n[trust]\nwindow_days = 90\n"))
    assert config.payment.late_days == 30
    assert config.trust.window_days == 90
    assert config.payment.window_weeks == Config().payment.window_weeks
    assert config.fingerprint() != Config().fingerprint()


def test_an_int_is_accepted_where_a_float_is_expected(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "[weights]\nvolume = 1\n")).weights.volume == 1.0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[weights]\nvolumee = 0.3\n", "weights.volumee"),
        ("colour = 1\n", "colour"),
        ('[weights]\nvolume = "high"\n', "weights.volume"),
        ("[weights]\nvolume = true\n", "weights.volume"),
        ("[payment]\nlate_days = 15.5\n", "payment.late_days"),
        ("[trust]\nlevels = 5\n", "trust.levels"),
        ("[trust]\nlevels = []\n", "trust.levels"),
        ("payment = 15\n", "payment"),
        ("owner = 7\n", "owner"),
        ("[weights]\npayment = -0.1\n", "weights.payment"),
        ("[money]\nmonthly_churn = 0\n", "money.monthly_churn"),
        ("[trust]\nlevels = [100, 50]\n", "trust.levels"),
        ("[concentration]\nwarn = 0.3\nalert = 0.25\n", "concentration.warn"),
        ("[bands]\nhealthy = 30\nwatch = 40\n", "bands.watch"),
        ("[volume]\nrecent_weeks = 0\n", "volume.recent_weeks"),
        ("[payment]\nwindow_weeks = 0\n", "payment.window_weeks"),
        ("[concentration]\nwindow_weeks = 0\n", "concentration.window_weeks"),
        ("[signals]\ncomplaint_weeks = 0\n", "signals.complaint_weeks"),
        ("[trust]\nwindow_days = -1\n", "trust.window_days"),
    ],
)
def test_bad_value_is_an_error_naming_the_full_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert f"'{key}'" in str(caught.value)
    assert str(tmp_path / "healthdesk.toml") in str(caught.value)


def test_invalid_toml_is_an_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[weights\n"))


def test_non_utf8_config_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "healthdesk.toml"
    path.write_bytes(b'owner = "Caf\xe9"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(path)


def test_all_weights_zero_is_an_error(tmp_path: Path) -> None:
    zero = "\n".join(f"{k} = 0" for k in dataclasses.asdict(Config().weights))
    with pytest.raises(ConfigError, match="weights"):
        load_config(write(tmp_path, f"[weights]\n{zero}\n"))


def test_default_config_round_trips_through_toml(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, to_toml(Config()))) == Config()


def test_custom_config_round_trips_through_toml(tmp_path: Path) -> None:
    text = (
        'owner = "O\'Brien \\\\ \\"Lead\\""\n'
        "[weights]\nsatisfaction = 0.2\n"
        "[checkins]\ndays = [30, 60, 120]\n"
        "[money]\nmonthly_churn = 0.04\n"
    )
    custom = load_config(write(tmp_path, text))
    assert custom.owner == 'O\'Brien \\ "Lead"'
    again = tmp_path / "again.toml"
    again.write_text(to_toml(custom), encoding="utf-8")
    assert load_config(again) == custom


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[money]\ndefault_gross_margin = nan\n", "money.default_gross_margin"),
        ("[money]\ndefault_gross_margin = inf\n", "money.default_gross_margin"),
        ("[money]\ndefault_gross_margin = 1e309\n", "money.default_gross_margin"),
        ("[money]\ndefault_gross_margin = -0.2\n", "money.default_gross_margin"),
        ("[money]\ndefault_gross_margin = 1.5\n", "money.default_gross_margin"),
        ("[money]\nfallback_monthly_churn = 0\n", "money.fallback_monthly_churn"),
        ("[volume]\ndecline_ratio = 0\n", "volume.decline_ratio"),
        ("[payment]\nlate_days = 99999999999\n", "payment.late_days"),
        ("[rhythm]\nstopped_alive = 0.95\n", "rhythm.stopped_alive"),
    ],
)
def test_non_finite_and_out_of_range_values_are_refused(
    tmp_path: Path, text: str, key: str
) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(write(tmp_path, text))


def test_a_folder_named_like_the_config_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "healthdesk.toml").mkdir()
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(tmp_path / "healthdesk.toml")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[payment]\nslip_invoices = 3\n", "payment.slip_invoices"),
        ("[volume]\nstopped_weeks = 3\n", "volume.stopped_weeks"),
        ("[segments.solar.payment]\nslip_invoices = 2\n", "segments.solar.payment.slip_invoices"),
    ],
)
def test_a_removed_key_is_an_error_naming_it(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"'{key}' is no longer read")):
        load_config(write(tmp_path, text))


def test_keys_round_trip_and_change_no_fingerprint(tmp_path: Path) -> None:
    text = '[keys]\n"portfolio.filter" = "f"\n"app.help" = "?, f1"\n'
    config = load_config(write(tmp_path, text))
    assert config.keymap == {"app.help": "?,f1", "portfolio.filter": "f"}
    assert config.fingerprint() == Config().fingerprint()  # no score reads a key
    assert load_config(write(tmp_path, to_toml(config))) == config
    assert "\n[keys]" in to_toml(Config())  # printed even when empty, so it can be found


@pytest.mark.parametrize(
    ("text", "key", "says"),
    [
        ('[keys]\n"portfolio.fitler" = "f"\n', 'keys."portfolio.fitler"', "portfolio.filter"),
        ('[keys]\n"portfolio.filter" = "ctrl+"\n', 'keys."portfolio.filter"', "not a key name"),
        ('[keys]\n"portfolio.filter" = "bogus"\n', 'keys."portfolio.filter"', "not a key name"),
        ('[keys]\n"portfolio.filter" = "s"\n', 'keys."portfolio.filter"', "portfolio.sort_next"),
        ('[keys]\n"portfolio.filter" = 3\n', 'keys."portfolio.filter"', "must be a key"),
        ('[keys]\n"portfolio.filter" = ""\n', 'keys."portfolio.filter"', "must be a key"),
        ('[keys]\nfilter = "f"\n', 'keys."filter"', "binding id"),
        ("keys = 1\n", "keys", "table"),
    ],
)
def test_a_bad_keys_table_is_an_error_naming_the_key(
    tmp_path: Path, runner: CliRunner, text: str, key: str, says: str
) -> None:
    path = write(tmp_path, text)
    result = runner.invoke(main, ["--config", str(path), "config"])
    assert result.exit_code == 1
    assert f"'{key}'" in result.output and says in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
