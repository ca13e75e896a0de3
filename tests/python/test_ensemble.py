"""The ensemble (ensemble.hpp): a weighted combination of registry models, a proper mixture for the
target engine, weights equal by default or learnt across a panel."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import tradetarget as tt
from tradetarget import _core

SERIES = pd.Series(np.exp(np.log(2e9) + 0.06 * np.arange(12) + 0.05 * np.sin(np.arange(12))), index=range(2013, 2025))


def test_the_default_ensemble_is_the_equal_weight_mean_of_its_pool() -> None:
    fitted = tt.fit(SERIES, "ensemble")
    pool = _core.default_ensemble_pool()
    assert pool == ["auto_ets", "auto_arima", "theta", "dynamic_optimized_theta", "optimized_theta", "rw_drift"]
    members = [tt.fit(SERIES, name).intervals(6)["point"].to_numpy() for name in pool]
    np.testing.assert_allclose(fitted.intervals(6)["point"].to_numpy(), np.mean(members, axis=0), rtol=1e-13)
    assert fitted.coefficients["estimate"].drop("log_growth").to_dict() == pytest.approx({f"weight_{name}": 1 / 6 for name in pool})
    assert fitted.core.method.startswith("ensemble (ETS(")


def test_the_ensemble_paths_are_the_mixture_of_its_members_paths() -> None:
    """P(target by year) of a two-model ensemble is the weighted mean of the members' (4 standard errors)."""
    weights = {"rw_drift": 0.25, "loglinear": 0.75}
    n = 20000
    probability = {}
    for name, fit in [("ensemble", tt.fit(SERIES, "ensemble", ensemble=weights)),
                      *((m, tt.fit(SERIES, m)) for m in weights)]:
        table = fit.forecast(horizon=8, n_paths=n, seed=3).time_to_target([5e9], by=[2029])
        probability[name] = float(table["prob_by_2029"].iloc[0])
    mixed = sum(w * probability[m] for m, w in weights.items())
    assert 0.05 < mixed < 0.95  # a target the members disagree on
    assert probability["ensemble"] == pytest.approx(mixed, abs=4 * np.sqrt(0.25 / n) * 1.5)


def test_weights_learnt_across_a_panel_favour_the_model_that_made_it() -> None:
    rng = np.random.default_rng(7)
    walks = [np.exp(np.cumsum(0.03 + 0.1 * rng.standard_normal(25))) for _ in range(40)]
    frame = pd.DataFrame({"unique_id": np.repeat(np.arange(40), 25), "year": np.tile(np.arange(2000, 2025), 40),
                          "value": np.concatenate(walks)})
    learnt = tt.learn_ensemble(frame, pool=["rw_drift", "loglinear"], threads=1)
    assert learnt.pool == ["rw_drift", "loglinear"] and learnt.weights[0] > 0.8
    assert (learnt.series, learnt.forecasts) == (40, 120)
    assert learnt.weights == tt.learn_ensemble(walks, pool=["rw_drift", "loglinear"], threads=2).weights
    # the panel run takes them, and says which weights it used
    result = tt.forecast_panel(frame, model="ensemble", ensemble=learnt, n_paths=0, horizon=3, progress=False)
    assert result["error"].eq("").all() and result.attrs["ensemble"]["weights"] == learnt.weights
    # Dask's workers receive the weights pickled
    again = pickle.loads(pickle.dumps(learnt))
    assert (again.pool, again.weights, again.source, again.forecasts) == (learnt.pool, learnt.weights, learnt.source, 120)
    default = tt.forecast_panel(frame.head(50), model="ensemble", n_paths=0, horizon=3, progress=False)
    assert default.attrs["ensemble"]["source"] == "equal weights"


def test_the_ensemble_names_what_it_cannot_take() -> None:
    with pytest.raises(ValueError, match="series 2, value 3 is -1.000000: the ensemble learns from positive series"):
        tt.learn_ensemble([[1.0, 2.0, 3.0], [1.0, 2.0, -1.0]])
    with pytest.raises(ValueError, match="unknown model 'prophet'"):
        tt.fit(SERIES, "ensemble", ensemble=["prophet", "theta"])
    with pytest.raises(ValueError, match="cannot hold 'ets' \\(it needs options of its own\\)"):
        tt.fit(SERIES, "ensemble", ensemble=["ets", "theta"])
    with pytest.raises(ValueError, match="pool and weights are of ensemble; theta takes none"):
        tt.fit(SERIES, "theta", ensemble=["theta"])
    with pytest.raises(ValueError, match="the ensemble's pool is empty"):
        tt.fit(SERIES, "ensemble", ensemble={})
    with pytest.raises(ValueError, match="the ensemble's weights are all 0"):
        tt.fit(SERIES, "ensemble", ensemble={"theta": 0.0, "rw_drift": 0.0})
    with pytest.raises(TypeError, match="ensemble must be EnsembleWeights"):
        tt.fit(SERIES, "ensemble", ensemble=3)
    with pytest.raises(ValueError, match="no model of the ensemble's pool can be fitted to this series of 4 years "
                                         "\\(dynamic_optimized_theta: needs 6 years\\)"):
        tt.fit([1.0, 1.2, 1.1, 1.4], "ensemble", ensemble=["dynamic_optimized_theta"])
    frame = pd.DataFrame({"unique_id": ["a", "a", "b", "b"], "year": [2000, 2001, 2000, 2002], "value": [1.0, 2.0, 1.0, 2.0]})
    with pytest.raises(ValueError, match="series 'b': the year after 2000 is 2002; the ensemble learns from consecutive years"):
        tt.learn_ensemble(frame)
    frame["year"] = [2000, 2001, 2000, 2001]
    frame.loc[3, "value"] = 0.0
    with pytest.raises(ValueError, match="series 'b', 2001: the value 0.0 is not a positive number"):
        tt.learn_ensemble(frame)
    with pytest.raises(ValueError, match="the panel has no column 'value'"):
        tt.learn_ensemble(pd.DataFrame({"unique_id": [1], "year": [2000], "level": [1.0]}))
