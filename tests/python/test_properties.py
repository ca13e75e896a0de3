"""Properties that must hold for any series (hypothesis), and concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tradetarget as tt

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

log_steps = st.lists(st.floats(-0.6, 0.6, allow_nan=False), min_size=3, max_size=8)
levels = st.floats(1e-3, 1e12, allow_nan=False)


def series_from(start: float, steps: list[float]) -> pd.Series:
    logs = np.log(start) + np.concatenate([[0.0], np.cumsum(steps)])
    return pd.Series(np.exp(logs), index=range(2024 - len(steps), 2025))


@SETTINGS
@given(start=levels, steps=log_steps, model=st.sampled_from(tt.MODELS), ratios=st.lists(st.floats(1.01, 20), min_size=2, max_size=4))
def test_first_passage_monotone_in_time_and_target(start: float, steps: list[float], model: str, ratios: list[float]) -> None:
    s = series_from(start, steps)
    fc = tt.fit(s, model).forecast(horizon=20, n_paths=500, seed=1)
    targets = sorted(s.iloc[-1] * r for r in ratios)
    cdf = tt.first_passage_table(fc, targets).to_numpy()
    assert np.all(np.diff(cdf, axis=0) >= 0)           # in time
    assert np.all(np.diff(cdf, axis=1) <= 1e-12)       # in the target
    assert np.all((cdf >= 0) & (cdf <= 1))


@SETTINGS
@given(start=levels, steps=log_steps, model=st.sampled_from(tt.MODELS))
def test_quantiles_are_ordered(start: float, steps: list[float], model: str) -> None:
    table = tt.fit(series_from(start, steps), model).forecast(horizon=10, n_paths=400, seed=2).table
    columns = ["lower_95", "lower_80", "median", "upper_80", "upper_95"]
    assert np.all(np.diff(table[columns].to_numpy(), axis=1) >= 0)


@SETTINGS
@given(start=st.floats(1.0, 100.0), steps=log_steps, model=st.sampled_from(tt.MODELS),
       scale=st.sampled_from([1e-150, 1e-6, 1e3, 1e9, 1e150]), ratio=st.floats(1.05, 5.0))
def test_scaling_scales_forecasts_and_leaves_growth_and_years_unchanged(
    start: float, steps: list[float], model: str, scale: float, ratio: float
) -> None:
    s = series_from(start, steps)
    a, b = tt.fit(s, model), tt.fit(s * scale, model)
    assert b.growth == pytest.approx(a.growth, abs=1e-9)
    fa, fb = a.forecast(horizon=15, n_paths=300, seed=4), b.forecast(horizon=15, n_paths=300, seed=4)
    np.testing.assert_allclose(fb.table["point"], fa.table["point"] * scale, rtol=1e-9)
    np.testing.assert_allclose(fb.table["median"], fa.table["median"] * scale, rtol=1e-9)
    ta = tt.time_to_target(fa, [s.iloc[-1] * ratio], by=(2030,), deadline=2030)
    tb = tt.time_to_target(fb, [s.iloc[-1] * ratio * scale], by=(2030,), deadline=2030)
    for column in ("median_year", "p10_year", "p90_year", "point_cross_year"):
        assert ta[column].iloc[0] is tb[column].iloc[0] or ta[column].iloc[0] == tb[column].iloc[0], column
    assert ta["prob_by_2030"].iloc[0] == pytest.approx(tb["prob_by_2030"].iloc[0], abs=1 / 300 + 1e-12)
    assert ta["required_growth"].iloc[0] == pytest.approx(tb["required_growth"].iloc[0], rel=1e-9)


def test_calls_from_several_threads_give_the_sequential_results(kz_series: pd.Series) -> None:
    jobs = [(model, seed) for model in tt.MODELS for seed in range(6)]

    def job(args: tuple[str, int]) -> np.ndarray:
        model, seed = args
        return tt.fit(kz_series, model).forecast(horizon=20, n_paths=20000, seed=seed).paths.log_level.copy()

    sequential = [job(j) for j in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(job, jobs))
    for a, b in zip(sequential, parallel):
        assert np.array_equal(a, b)
