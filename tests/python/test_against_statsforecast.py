"""The Theta family against statsforecast, through a committed fixture
(tests/fixtures/make_statsforecast_reference.py: statsforecast's auto_theta on 56 yearly series).

statsforecast stops its simplex search early; tradetarget minimises the same criterion exactly
(theta.hpp). So the check is in two parts: at statsforecast's parameters the two recursions give the
same criterion and forecasts (to 1e-10), and tradetarget's own fit is never worse on that criterion.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tradetarget as tt
from tradetarget import _core

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" / "statsforecast_theta_reference.json").read_text())
SERIES = sorted(REFERENCE["series"])
VARIANTS = ("STM", "OTM", "DSTM", "DOTM")
H = REFERENCE["h"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_recursion_at_statsforecasts_parameters_gives_its_criterion_and_forecasts(variant: str) -> None:
    for name in SERIES:
        ref = REFERENCE["series"][name]
        fixed = ref[variant]
        model = _core.theta_family_at(ref["y"], variant, fixed["initial_level"], fixed["alpha"], fixed["theta"])
        assert model.criterion == pytest.approx(fixed["mse"], rel=1e-10), name
        np.testing.assert_allclose(model.mean(H), fixed["mean"], rtol=1e-10, err_msg=name)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_fit_reaches_a_criterion_at_least_as_small_as_statsforecasts(variant: str) -> None:
    for name in SERIES:
        ref = REFERENCE["series"][name]
        ours = _core.theta_family_fit(ref["y"], variant)
        assert ours.variant == variant
        assert 0.1 <= ours.alpha <= 0.99 and ours.theta >= 1.0
        assert ours.criterion <= ref[variant]["mse"] * (1 + 1e-9), name
        if variant in ("STM", "DSTM"):
            assert ours.theta == 2.0


def test_auto_theta_chooses_the_smallest_criterion_and_is_never_worse_than_statsforecasts_choice() -> None:
    agree = 0
    for name in SERIES:
        ref = REFERENCE["series"][name]
        ours = _core.theta_family_fit(ref["y"], "auto")
        fits = {v: _core.theta_family_fit(ref["y"], v) for v in VARIANTS}
        assert ours.criterion == min(f.criterion for f in fits.values())
        assert ours.criterion <= ref["auto"]["mse"] * (1 + 1e-9), name
        agree += ours.variant == ref["auto"]["modeltype"]
    assert agree >= len(SERIES) // 2  # the same variant on most series (not all: statsforecast stops early)


def test_the_theta_family_is_reachable_by_name_with_paths_whose_mean_is_its_forecast() -> None:
    ref = REFERENCE["series"]["PWT TUR"]
    series = pd.Series(ref["y"], index=range(1995, 1995 + len(ref["y"])))
    for model in ("standard_theta", "optimized_theta", "dynamic_theta", "dynamic_optimized_theta", "auto_theta"):
        fitted = tt.fit(series, model)
        point = fitted.intervals(3)["point"].to_numpy()
        simulated = fitted.forecast(horizon=3, n_paths=4000, seed=7).sample_paths().mean(axis=0).to_numpy()
        np.testing.assert_allclose(simulated, point, rtol=0.01)
        assert fitted.method.startswith("Theta (")
