"""fit / forecast through the public API."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import tradetarget as tt


def test_fit_accepts_series_and_frames(kz_series: pd.Series) -> None:
    a = tt.fit(kz_series, "rw_drift")
    b = tt.fit(pd.DataFrame({"year": kz_series.index, "value": kz_series.to_numpy()}), "rw_drift")
    assert a.params == b.params
    # Drift over the 4 years from 2020 to 2024, the 2023 gap included.
    assert a.params["drift"] == pytest.approx(math.log(5.4 / 3.354) / 4, rel=1e-12)
    assert a.growth == pytest.approx(math.expm1(math.log(5.4 / 3.354) / 4), rel=1e-12)


def test_forecast_table_is_ordered_and_matches_the_t_predictive(kz_series: pd.Series) -> None:
    f = tt.fit(kz_series, "loglinear")
    table = f.forecast(horizon=8, n_paths=100000, seed=1).table
    assert list(table.index) == list(range(2025, 2033))
    assert (table["lower_95"] < table["lower_80"]).all()
    assert (table["lower_80"] < table["median"]).all()
    assert (table["median"] < table["upper_80"]).all()
    assert (table["upper_80"] < table["upper_95"]).all()
    # Path quantiles reproduce the analytic Student-t quantiles (no source uncertainty here).
    for year in (2025, 2030):
        for p, column in ((0.1, "lower_80"), (0.9, "upper_80")):
            expected = math.exp(f.core.quantile_log(year, p))
            assert table.loc[year, column] == pytest.approx(expected, rel=0.03)
    assert table.loc[2030, "point"] == pytest.approx(math.exp(f.core.mean_log(2030)), rel=1e-12)


def test_sample_paths_are_levels(kz_series: pd.Series) -> None:
    fc = tt.fit(kz_series).forecast(horizon=5, n_paths=300)
    paths = fc.sample_paths()
    assert paths.shape == (300, 5)
    assert list(paths.columns) == [2025, 2026, 2027, 2028, 2029]
    assert (paths.to_numpy() > 0).all()


def test_same_seed_same_answer_other_seed_other_paths(kz_series: pd.Series) -> None:
    f = tt.fit(kz_series)
    one = f.forecast(horizon=5, n_paths=2000, seed=5).sample_paths()
    two = f.forecast(horizon=5, n_paths=2000, seed=5).sample_paths()
    three = f.forecast(horizon=5, n_paths=2000, seed=6).sample_paths()
    assert one.equals(two)
    assert not one.equals(three)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (pd.Series([1.0, 2.0], index=[2020, 2021]), ValueError, "needs at least 3 observed years; got 2"),
        (pd.Series([1.0, -2.0, 3.0], index=[2020, 2021, 2022]), ValueError, "value for 2021"),
        (pd.Series([1.0, np.nan, 3.0], index=[2020, 2021, 2022]), ValueError, "value for 2021 is nan"),
        (pd.Series([1.0, 2.0, 3.0], index=[2020, 2020, 2022]), ValueError, "strictly increasing"),
        (pd.Series([1.0, 2.0, 3.0], index=[2020.5, 2021, 2022]), ValueError, "whole numbers"),
        (pd.DataFrame({"year": [2020], "amount": [1.0]}), ValueError, "'value' column"),
        (object(), TypeError, "expected a Reconciled series"),
    ],
)
def test_bad_series_are_refused_clearly(data, error, message: str) -> None:
    with pytest.raises(error, match=message):
        tt.fit(data, "loglinear")


def test_bad_forecast_requests(kz_series: pd.Series) -> None:
    f = tt.fit(kz_series)
    with pytest.raises(ValueError, match="horizon is 0 years"):
        f.forecast(horizon=0)
    with pytest.raises(ValueError, match="GB"):
        f.forecast(horizon=100, n_paths=10**8)
    with pytest.raises(ValueError, match="percentages"):
        f.forecast(levels=(0.8,))
    with pytest.raises(ValueError, match="unknown model"):
        tt.fit(kz_series, "prophet")
    with pytest.raises(ValueError, match="the ets model needs a class"):
        tt.fit(pd.Series([1.0, 1.2, 1.5, 1.6, 2.0], index=range(2018, 2023)), "ets")
    with pytest.raises(TypeError, match="model must be a name"):
        tt.fit(kz_series, 3)  # type: ignore[arg-type]
