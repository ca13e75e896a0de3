"""The measurement model and the source sensitivity, through the public API."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tradetarget as tt

HEADER = "obs_id,flow,period_start,period_end,statement,value,value_upper,published,source_file\n"


def write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "obs.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def measured() -> tt.Measured:
    return tt.measure()


def test_bundled_series_every_year_with_its_uncertainty(measured: tt.Measured) -> None:
    t = measured.table
    assert list(t.index) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert list(t["kind"]) == ["estimated", "observed", "observed", "estimated", "observed", "nowcast"]
    # 2023 has no figure at all: estimated, and less certain than the years around it.
    assert t.loc[2023, "log_sd"] > max(t.loc[2022, "log_sd"], t.loc[2024, "log_sd"])
    # 2024 between the $5B and $6.3B reports; intervals bracket the point.
    assert 5.0e9 < t.loc[2024, "value"] < 6.3e9
    assert (t["lower_80"] < t["value"]).all() and (t["value"] < t["upper_80"]).all()
    # The January–May 2025 figure ($1.9B) makes a full-year nowcast near 1.9 * 12/5.
    nowcast = measured.nowcast
    assert nowcast is not None and nowcast.name == 2025
    assert 3.5e9 < nowcast["value"] < 6.5e9


def test_which_figure_is_out_of_line(measured: tt.Measured) -> None:
    r = measured.residuals.set_index("obs_id")["standardized"]
    assert np.isfinite(r).all()
    assert r.abs().idxmax() == "trade_2024_trend"  # the $6.3B report
    assert r["trade_2024_trend"] > 1.5
    # The first years sit next to the diffuse start (kappa = 1e6): their residual variances are
    # differences of nearly equal numbers, so the covariance update's order of operations shows
    # here (an O(n^2) rewrite in another order moved +1.45 to +1.40). Values of the Joseph product.
    assert r["trade_2021_erdogan"] == pytest.approx(1.45, abs=0.005)
    assert r["trade_2021_growth_erdogan"] == pytest.approx(1.08, abs=0.005)
    sources = measured.residuals.set_index("obs_id")["source"]
    assert sources["trade_2024_trend"] == "000_9d827eaaeb0eddd4.txt"  # each figure with its source
    biases = measured.biases.set_index("source")["bias_log"]
    assert biases["000_9d827eaaeb0eddd4.txt"] == biases.max()


def test_every_statement_has_a_decision(measured: tt.Measured) -> None:
    d = measured.decisions.set_index("obs_id")
    assert d.loc["trade_2025m1_5_mti", "used"]
    assert "partial year" in d.loc["trade_2025m1_5_mti", "reason"]
    assert "not counted twice" in d.loc["exp_2024_kaziss", "reason"]
    assert d.loc["trade_current_newsaz", "year"] == 2024
    assert (d["reason"] != "").all()


def test_forecast_starts_with_the_nowcast_year(measured: tt.Measured) -> None:
    fc = measured.forecast(horizon=10, n_paths=20000, seed=3)
    assert fc.years[0] == 2025
    now = measured.nowcast
    assert fc.table.loc[2025, "median"] == pytest.approx(now["value"], rel=0.03)
    row = tt.time_to_target(fc, [10e9, 15e9], by=(2030, 2034)).set_index("target")
    assert 0.2 < row.loc[10e9, "prob_by_2030"] < 0.8
    assert row.loc[15e9, "prob_by_2030"] < row.loc[10e9, "prob_by_2030"]


def test_clean_points_give_the_plain_filter_answer(tmp_path: Path) -> None:
    values = [100.0, 112.0, 118.0, 135.0, 150.0, 158.0]
    path = tmp_path / "clean.csv"
    path.write_text("year,value\n" + "".join(f"{2015 + i},{v}\n" for i, v in enumerate(values)))
    m = tt.measure(path, bias_prior_sd=0.0)
    assert list(m.table["kind"]) == ["observed"] * 6
    assert m.biases.empty
    # Smoothed levels stay close to clean data, within their intervals.
    assert np.all(np.abs(np.log(m.table["value"].to_numpy() / values)) < 0.1)


def test_growth_statement_with_no_other_data_extends_the_series(tmp_path: Path) -> None:
    path = write(tmp_path, "a,total,2020-01,2020-12,level,100,,,s\nb,total,2021-01,2021-12,level,110,,,s\n"
                           "g,total,2015-01,2015-12,growth,0.2,,,t\n")
    m = tt.measure(path)
    assert m.table.index[0] == 2014
    assert m.table.loc[2015, "log_sd"] > m.table.loc[2020, "log_sd"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("t,total,2024-01,2024-12,level,5e9,,,s\nx,exports,2024-01,2024-12,level,3.3e9,,,s\n"
         "m,imports,2024-01,2024-12,level,2.7e9,,,s\nu,total,2023-01,2023-12,level,4e9,,,s\n", "contradictory identity"),
        ("r,total,2024-01,2024-12,range,6e9,5e9,,s\n", "column 'value_upper'"),
        ("p,total,2024-01,2024-05,level,2e9,,,s\n", "at least one full-year figure"),
        ("a,total,2020-01,2020-12,level,1,,,s\nb,total,2020-01,2020-12,level,1.1,,,t\n", "at least two different years"),
        ("a,total,2020-01,2020-12,level,1,,,s\nb,total,2022-02,2022-04,level,1,,,s\n", "at most one year can be nowcast"),
    ],
)
def test_bad_measurement_input(tmp_path: Path, rows: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tt.measure(write(tmp_path, rows))


def test_period_across_two_years_is_reported_not_used(tmp_path: Path) -> None:
    m = tt.measure(write(tmp_path, "a,total,2020-01,2020-12,level,1,,,s\nb,total,2021-01,2021-12,level,1.1,,,s\n"
                                   "c,total,2021-11,2022-02,level,0.4,,,s\n"))
    d = m.decisions.set_index("obs_id")
    assert not d.loc["c", "used"] and "multi-year" in d.loc["c", "reason"]


def test_sensitivity_each_source_alone_and_all() -> None:
    t = tt.sensitivity(n_paths=5000)
    assert t.attrs["year"] == 2024
    scenarios = list(dict.fromkeys(t["scenario"]))
    assert scenarios[0] == "all sources"
    assert any("$6.3B" in s for s in scenarios) and sum("$5B" in s for s in scenarios) == 2
    ten = t[t["target"] == 10e9].set_index("scenario")
    # Believing only the $5B sources lowers 2024 and the chance of $10B by 2030.
    five = [s for s in scenarios if "$5B" in s]
    six = [s for s in scenarios if "$6.3B" in s][0]
    for s in five:
        assert ten.loc[s, "level_2024"] < ten.loc[six, "level_2024"]
        assert ten.loc[s, "prob_by_2030"] < ten.loc[six, "prob_by_2030"]
    with pytest.raises(ValueError, match="nothing to compare"):
        tt.sensitivity(pd.Series([1.0, 1.1, 1.2], index=[2020, 2021, 2022]), targets=[2.0])
