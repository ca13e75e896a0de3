"""Rolling-origin evaluation: the C++ metrics against an independent computation, and errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import tradetarget as tt

R = json.loads((Path(__file__).parents[1] / "fixtures" / "r_forecast_reference.json").read_text())
AIRMILES = pd.Series(R["series"]["airmiles"]["values"], index=range(1937, 1961))


def naive_by_hand(y: np.ndarray, min_train: int, horizon: int) -> dict[str, float]:
    scores: dict[str, list[float]] = {k: [] for k in ("mase", "rmsse", "smape", "c80", "c95", "crps")}
    taus = np.arange(1, 100) / 100
    for origin in range(min_train, len(y)):
        train = y[:origin]
        d = np.diff(train)
        mae, mse, sigma = np.mean(np.abs(d)), np.mean(d**2), np.sqrt(np.mean(d**2))
        for h in range(1, horizon + 1):
            if origin + h - 1 >= len(y):
                continue
            actual, f, sd = y[origin + h - 1], train[-1], sigma * np.sqrt(h)
            e = actual - f
            scores["mase"].append(abs(e) / mae)
            scores["rmsse"].append(e * e / mse)
            scores["smape"].append(200 * abs(e) / (abs(actual) + abs(f)))
            scores["c80"].append(norm.ppf(0.1, f, sd) <= actual <= norm.ppf(0.9, f, sd))
            scores["c95"].append(norm.ppf(0.025, f, sd) <= actual <= norm.ppf(0.975, f, sd))
            q = norm.ppf(taus, f, sd)
            pinball = np.where(actual < q, (1 - taus) * (q - actual), taus * (actual - q))
            scores["crps"].append(2 * pinball.mean() / mae)
    out = {k: float(np.mean(v)) for k, v in scores.items()}
    out["rmsse"] = float(np.sqrt(out["rmsse"]))
    return out


def test_metrics_equal_an_independent_computation() -> None:
    table = tt.evaluate(AIRMILES, models=["naive"], min_train=10, horizon=3)
    row = table.loc["naive"]
    ref = naive_by_hand(AIRMILES.to_numpy(), 10, 3)
    assert row["MASE"] == pytest.approx(ref["mase"], rel=1e-12)
    assert row["RMSSE"] == pytest.approx(ref["rmsse"], rel=1e-12)
    assert row["sMAPE"] == pytest.approx(ref["smape"], rel=1e-12)
    assert row["coverage_80"] == pytest.approx(ref["c80"])
    assert row["coverage_95"] == pytest.approx(ref["c95"])
    assert row["CRPS"] == pytest.approx(ref["crps"], rel=1e-9)
    assert row["forecasts"] == 3 * 14 - 3  # 14 origins, the last two see fewer steps


def test_the_thread_count_changes_no_number() -> None:
    """The (model, origin) fits run on the thread pool; every score, count and failure is the same
    on one thread and on four (gaps make some origins fail)."""
    series = AIRMILES.drop(1950)
    one = tt.evaluate(series, horizon=3, threads=1)
    four = tt.evaluate(series, horizon=3, threads=4)
    pd.testing.assert_frame_equal(one, four, check_exact=True)
    assert (one["failures"] > 0).any() and (one["forecasts"] > 0).all()
    with pytest.raises(ValueError, match="threads"):
        tt.evaluate(series, threads=-1)


def test_every_model_scored_or_failure_explained() -> None:
    table = tt.evaluate(AIRMILES.drop(1950), horizon=2)  # a gap: ETS and theta run only before it
    assert set(table.index) == set(tt._core.evaluable_models())
    assert table.loc["AAN", "origins"] == 3  # training windows ending 1947, 1948, 1949
    assert table.loc["AAN", "failures"] > 0 and "consecutive years: 1950 is missing" in table.loc["AAN", "why_failed"]
    assert table.loc["rw_drift", "origins"] > 0 and np.isfinite(table.loc["rw_drift", "MASE"])
    scored = table[table["forecasts"] > 0]
    assert (scored[["MASE", "RMSSE", "sMAPE", "CRPS"]] >= 0).all().all()
    assert ((scored["coverage_80"] <= scored["coverage_95"] + 1e-12)).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"min_train": 1}, ValueError, "min_train is 1"),
        ({"min_train": 30}, ValueError, "below the 24 observations"),
        ({"horizon": 0}, ValueError, "horizon must be at least 1"),
        ({"models": ["prophet"]}, ValueError, "unknown model 'prophet'"),
    ],
)
def test_bad_arguments(kwargs, error, message: str) -> None:
    with pytest.raises(error, match=message):
        tt.evaluate(AIRMILES, **kwargs)
    with pytest.raises(TypeError, match="pandas Series"):
        tt.evaluate(list(AIRMILES))


def test_evaluate_command(tmp_path: Path, capsys) -> None:
    from tradetarget.cli import main

    path = tmp_path / "airmiles.csv"
    path.write_text("year,value\n" + "".join(f"{y},{v}\n" for y, v in AIRMILES.items()))
    assert main(["evaluate", str(path), "--model", "naive", "--model", "AAN", "--horizon", "2", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["model"] for r in records] == ["naive", "AAN"]
    assert records[1]["MASE"] < records[0]["MASE"]  # a trend beats the naive forecast on airmiles
    assert main(["evaluate", str(path), "--min-train", "99"]) == 2
    assert "min_train is 99" in capsys.readouterr().err
