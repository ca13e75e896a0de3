"""One registry of models (registry.hpp): every model runs the same chain, and says clearly what it cannot take."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tradetarget as tt
from tradetarget import _core
from tradetarget.models import REGISTRY

SERIES = pd.Series(np.exp(np.log(2e9) + 0.06 * np.arange(12) + 0.05 * np.sin(np.arange(12))), index=range(2013, 2025))
#: An example of each option a model needs or takes (the registry lists them; a test checks this covers them).
EXAMPLE_OPTIONS = {"capacity": {"capacity": 40e9}, "ets_class": {"ets_class": "AAN"}, "arima_order": {"order": (0, 1, 1)},
                   "reference": {}, "ensemble": {"ensemble": ["rw_drift", "theta"]}, "positive": {"positive": True},
                   "box_cox": {"box_cox": "auto"}}


def options_of(name: str) -> dict:
    return {k: v for option in REGISTRY[name].options for k, v in EXAMPLE_OPTIONS[option].items()}


def test_every_option_of_the_registry_has_an_example_and_a_meaning() -> None:
    for info in REGISTRY.values():
        assert set(info.options) <= set(EXAMPLE_OPTIONS) and set(info.required_options) <= set(info.options)
    assert REGISTRY["ets"].required_options == ["ets_class"] and REGISTRY["arima"].required_options == ["arima_order"]


def test_the_registry_is_the_one_list_of_models() -> None:
    names = [info.name for info in _core.model_registry()]
    assert names[0] == tt.DEFAULT_MODEL == "reference_rw"
    assert len(set(names)) == len(names) == 18
    assert set(tt.PANEL_MODELS) == set(names)
    assert set(tt.models.GROWTH_MODELS) | set(tt.models.LEVEL_MODELS) == set(names)
    # analyze() runs the models that need no option of their own
    assert set(tt.AVAILABLE_MODELS) == set(names) - {"ets", "arima"} | {"measurement"}
    for info in _core.model_registry():
        assert _core.minimum_years(info.name) == info.minimum_years
        assert tt.models.MODEL_LABELS[info.name] == info.label
    with pytest.raises(ValueError, match="unknown model 'prophet'; expected one of reference_rw, loglinear"):
        _core.minimum_years("prophet")
    # what `tradetarget fit --model auto` chooses among is scored by rolling-origin evaluation
    from tradetarget.cli import AUTO_CANDIDATES

    assert set(AUTO_CANDIDATES) <= {name for name in names if REGISTRY[name].evaluable}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_model_runs_fit_forecast_time_to_target(name: str) -> None:
    fitted = tt.fit(SERIES, name, **options_of(name))
    forecast = fitted.forecast(horizon=12, n_paths=400, seed=1)
    table = forecast.time_to_target([4e9, 8e9], by=(2030, 2036))
    assert list(table["target"]) == [4e9, 8e9]
    p = table[["prob_by_2030", "prob_by_2036"]].to_numpy()
    assert ((p >= 0) & (p <= 1)).all() and (p[:, 0] <= p[:, 1]).all()
    assert (forecast.table["lower_80"] <= forecast.table["upper_80"]).all()


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_model_says_clearly_what_it_cannot_take(name: str) -> None:
    info = REGISTRY[name]
    if info.minimum_years > 1:
        short = SERIES.iloc[: info.minimum_years - 1]
        with pytest.raises(ValueError, match=f"needs at least {info.minimum_years} observed years; got "
                                             f"{info.minimum_years - 1}"):
            tt.fit(short, name, **options_of(name))
    gap = SERIES.drop(2018)
    if info.gaps_allowed:
        tt.fit(gap, name, **options_of(name))
    else:
        with pytest.raises(ValueError, match="consecutive years: 2018"):
            tt.fit(gap, name, **options_of(name))
    if "capacity" not in info.options:
        with pytest.raises(ValueError, match=f"capacity is for the saturating curves \\(logistic, gompertz\\); {name} has none"):
            tt.fit(SERIES, name, capacity=40e9)


def test_measurement_is_not_a_fit_model_and_says_where_it_is() -> None:
    with pytest.raises(ValueError, match=r"the measurement model works on the statements: tt.measure\(\)"):
        tt.fit(SERIES, "measurement")


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_fit_explains_itself(name: str) -> None:
    """One Fit type for every model (issue 14): its class, a coefficient table, a summary and reprs."""
    fitted = tt.fit(SERIES, name, **options_of(name))
    table = fitted.coefficients
    assert table.index[0] == "log_growth"
    assert table.loc["log_growth", "estimate"] == fitted.log_growth
    assert table.loc["log_growth", "std_error"] == fitted.log_growth_se
    assert set(fitted.params) <= set(table.index)
    text = fitted.summary()
    label = REGISTRY[name].label
    if "box_cox" in options_of(name):  # a transformed fit says so in place of "on levels"
        assert " on levels" in label and f" on Box-Cox transformed levels (lambda {fitted.params['lambda']:.4g})" in text
        label = label.split(" on levels")[0]
    assert text.startswith(f"{name}: {label}") and "2013-2024" in text and fitted.method in text
    assert f"<b>{name}</b>" in fitted._repr_html_()
    forecast = fitted.forecast(horizon=5, n_paths=200, seed=1)
    assert repr(forecast).startswith(f"Forecast({name}, 200 paths, 2025-2029: median $")
    assert "<table" in forecast._repr_html_()


def test_an_analysis_repr_is_one_line_with_the_answer() -> None:
    text = repr(tt.analyze(models=["reference_rw", "rw_drift"], n_paths=500))
    assert text.startswith("Analysis(trade total: models reference_rw, rw_drift, combination; reference_rw: P($10B by 2030) = ")
    assert "\n" not in text


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_fit_has_residuals_and_information_criteria(name: str) -> None:
    fitted = tt.fit(SERIES, name, **options_of(name))
    residuals, ic = fitted.residuals, fitted.information_criteria
    assert set(residuals.index) <= set(SERIES.index) and residuals.index.is_monotonic_increasing
    assert np.isfinite(residuals.to_numpy()).all()
    if name in ("ets_aicc", "ensemble"):  # mixtures: no one model's residuals or likelihood
        assert residuals.empty and np.isnan(ic["log_likelihood"])
        return
    assert len(residuals) >= len(SERIES) - 2  # the first year (a difference) or two (a diffuse start) may have none
    if name == "theta":  # a method without a likelihood: the residuals of its SES part
        assert np.isnan(ic["aic"])
        return
    k, n, ll = ic["n_parameters"], ic["n_observations"], ic["log_likelihood"]
    assert np.isfinite(ll)
    assert ic["aic"] == pytest.approx(-2 * ll + 2 * k)
    assert ic["bic"] == pytest.approx(-2 * ll + k * np.log(n))
    assert ic["aicc"] == pytest.approx(ic["aic"] + 2 * k * (k + 1) / (n - k - 1))
    assert "log likelihood" in fitted.summary()
