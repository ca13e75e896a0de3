"""The compiled module directly: closed forms, error translation, reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tradetarget import _core


def test_version_matches_package() -> None:
    import tradetarget

    assert _core.version() == tradetarget.__version__


def test_input_errors_become_value_errors_with_the_same_message() -> None:
    with pytest.raises(ValueError, match=r"the value for 2021 is -2\.0+; values must be finite and positive"):
        _core.AnnualSeries.from_levels([2020, 2021], [1.0, -2.0])
    with pytest.raises(ValueError, match="unknown model 'prophet'; expected one of reference_rw, loglinear, rw_drift"):
        _core.fit_model("prophet", _core.AnnualSeries.from_levels([2020, 2021, 2022], [1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=r"line 9 of x\.csv: column 'statement' is 'guess'"):
        _core.Observation("a", "line 9 of x.csv", "s", "guess", "2020-01", "2020-12", "", 1.0)


def test_wrong_types_become_type_errors() -> None:
    with pytest.raises(TypeError):
        _core.AnnualSeries.from_levels("2020", [1.0])  # type: ignore[arg-type]
    series = _core.AnnualSeries.from_levels([2020, 2021, 2022], [1.0, 1.2, 1.5])
    with pytest.raises(TypeError, match="needs a rw_drift model; got loglinear"):
        _core.random_walk_first_passage(_core.fit_model("loglinear", series), 1.0, 10)


def test_inverse_gaussian_closed_form() -> None:
    # Zero drift: reflection principle 2 Phi(-d / (sigma sqrt t)).
    assert _core.brownian_first_passage_cdf(1.0, 1.0, 0.0, 1.0) == pytest.approx(0.31731050786291415, rel=1e-12)
    # Positive drift, against the inverse Gaussian CDF written out (mean d/mu, shape d^2/sigma^2).
    d, mu, sigma, t = 0.6, 0.12, 0.37, 5.0
    lam, m = d * d / sigma**2, d / mu
    phi = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))  # noqa: E731
    expected = phi(math.sqrt(lam / t) * (t / m - 1)) + math.exp(2 * lam / m) * phi(-math.sqrt(lam / t) * (t / m + 1))
    assert _core.brownian_first_passage_cdf(t, d, mu, sigma) == pytest.approx(expected, rel=1e-12)


def test_paths_are_reproducible_and_views_are_read_only() -> None:
    series = _core.AnnualSeries.from_levels([2020, 2021, 2022, 2024], [3.354e9, 5.3e9, 4.0e9, 5.4e9], [0, 0, 0, 0.13])
    a = _core.simulate_paths("rw_drift", series, horizon=10, n_paths=500, seed=3)
    b = _core.simulate_paths("rw_drift", series, horizon=10, n_paths=500, seed=3)
    assert a.log_level.shape == (500, 10)
    assert np.array_equal(a.log_level, b.log_level)
    assert a.first_year == 2025 and a.last_year == 2034
    with pytest.raises(ValueError):
        a.log_level[0, 0] = 1.0


def test_analytic_first_passage_matches_paths_from_python() -> None:
    series = _core.AnnualSeries.from_levels(
        [2019, 2020, 2021, 2022, 2023, 2024], [math.exp(v) for v in (1.21, 1.67, 1.39, 1.50, 1.72, 1.80)]
    )
    model = _core.fit_model("rw_drift", series)
    target = math.exp(2.4)
    paths = _core.simulate_paths("rw_drift", series, horizon=12, n_paths=100000, seed=9)
    mc = _core.first_passage(paths, target, series).cdf
    annual = _core.random_walk_first_passage(model, math.log(target), 12, "annual")
    continuous = _core.random_walk_first_passage(model, math.log(target), 12, "continuous")
    assert np.max(np.abs(annual - mc)) < 0.008  # MC standard error <= 0.0016
    assert np.all(continuous >= annual)
    assert np.all(np.diff(annual) >= 0)
