"""Logistic and Gompertz curves: against R's nls() (fixture), and on the trade question."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tradetarget as tt

R = json.loads((Path(__file__).parents[1] / "fixtures" / "r_forecast_reference.json").read_text())["uspop"]
USPOP = pd.Series(R["values"], index=[int(y) for y in R["years"]])


@pytest.mark.parametrize("shape", ["logistic", "gompertz"])
def test_matches_r_nls_in_logs(shape: str) -> None:
    ref = R[shape]
    fit = tt.fit(USPOP, shape)
    for name, value in ref["params"].items():
        assert fit.params[name] == pytest.approx(value, rel=1e-5), name
    assert fit.params["sigma"] == pytest.approx(ref["sigma"], rel=1e-6)
    assert fit.core.mean_log(2000) == pytest.approx(ref["predict_2000"], rel=1e-6)


def test_given_capacity_bounds_the_point_forecast(kz_series: pd.Series) -> None:
    fit = tt.fit(kz_series, "logistic", capacity=15e9)
    assert fit.params["Asym"] == pytest.approx(15e9, rel=1e-12)
    fc = fit.forecast(horizon=40, n_paths=20000, seed=4)
    assert (fc.table["point"] < 15e9).all()
    assert fc.table["point"].iloc[-1] > 14e9  # levels off towards the capacity
    t = tt.time_to_target(fc, [10e9, 20e9], by=(2030, 2064)).set_index("target")
    # No path exceeds a given capacity (the noise moves the gap to it multiplicatively), so a
    # target above it is never reached, by the point or by any path.
    assert pd.isna(t.loc[20e9, "point_cross_year"])
    assert t.loc[20e9, "prob_by_2064"] == 0.0 and t.loc[10e9, "prob_by_2064"] > 0.5
    assert fc.sample_paths().to_numpy().max() < 15e9
    # Far below the capacity the yearly noise is the fit's: the first year's 80% band is as wide
    # in logs as the t predictive of the curve (within Monte Carlo error and source redraws).
    first = fc.table.iloc[0]
    assert np.log(first["upper_80"] / first["lower_80"]) == pytest.approx(
        fit.core.quantile_log(fc.years[0], 0.9) - fit.core.quantile_log(fc.years[0], 0.1), rel=0.35)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": "logistic"}, "not identified by this series"),
        ({"model": "gompertz", "capacity": 5e9}, "not above every observed value"),
        ({"model": "logistic", "capacity": -1.0}, "capacity must be finite and positive; got -1.0"),
    ],
)
def test_unsupported_curves_are_clear_errors(kz_series: pd.Series, kwargs, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tt.fit(kz_series, **kwargs)


def test_too_short_for_a_curve() -> None:
    with pytest.raises(ValueError, match="needs at least 4 observed years; got 3"):
        tt.fit(pd.Series([1.0, 2.0, 3.0], index=[2020, 2021, 2022]), "logistic")


def test_paths_reproduce_the_linearised_t_predictive() -> None:
    fit = tt.fit(USPOP, "logistic")
    fc = fit.forecast(horizon=20, n_paths=100000, seed=2, source_uncertainty=False)
    for year in (1975, 1990):
        for p, column in ((0.1, "lower_80"), (0.9, "upper_80")):
            expected = np.exp(fit.core.quantile_log(year, p))
            assert fc.table.loc[year, column] == pytest.approx(expected, rel=0.01)
