"""The panel API: many series at once, on threads and on Dask, equal to the single-series models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tradetarget as tt
from tradetarget import _core
from tradetarget.models import DEFAULT_SEED
from tradetarget.panel import forecast_panel, long_forecasts

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" / "r_forecast_reference.json").read_text())
H = REFERENCE["h"]


def r_panel() -> pd.DataFrame:
    """The six public series of the R fixture as one long panel."""
    frames = [pd.DataFrame({"unique_id": name, "year": 1900 + np.arange(len(ref["values"])), "value": ref["values"]})
              for name, ref in REFERENCE["series"].items()]
    return pd.concat(frames, ignore_index=True)


def synthetic_panel(n: int, seed: int = 3) -> pd.DataFrame:
    """Seeded geometric random walks of lengths 8-25 ending in 2024, with flow/commodity labels."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        length = 8 + i % 18
        log_level = np.log(50 + i) + np.cumsum(0.04 + 0.12 * rng.standard_normal(length))
        frames.append(pd.DataFrame({"unique_id": f"KAZ-P{i:03d}", "flow": "X" if i % 2 else "M",
                                    "commodity": f"{i % 97:02d}", "year": np.arange(2025 - length, 2025),
                                    "value": np.exp(log_level)}))
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("model", ["auto_ets", "theta"])
def test_panel_reproduces_r_forecast_on_six_series(model: str) -> None:
    result = forecast_panel(r_panel(), model=model, horizon=H, n_paths=0, positive=False, progress=False).set_index("unique_id")
    for name, ref in REFERENCE["series"].items():
        expected = ref["auto"] if model == "auto_ets" else ref["theta"]
        row = result.loc[name]
        assert row["error"] == ""
        if model == "auto_ets":
            assert row["model"] == expected["method"]
        np.testing.assert_allclose([row[f"point_h{h}"] for h in range(1, H + 1)], expected["mean"], rtol=1e-6)
        for level in (80, 95):
            np.testing.assert_allclose([row[f"lower{level}_h{h}"] for h in range(1, H + 1)], expected[f"lower_{level}"],
                                       rtol=1e-6)
            np.testing.assert_allclose([row[f"upper{level}_h{h}"] for h in range(1, H + 1)], expected[f"upper_{level}"],
                                       rtol=1e-6)


def test_panel_auto_arima_picks_r_orders() -> None:
    result = forecast_panel(r_panel(), model="auto_arima", horizon=H, n_paths=0, positive=False, progress=False).set_index("unique_id")
    for name, ref in REFERENCE["series"].items():
        if name == "LakeHuron":  # R stops early there; see test_level_models.py
            continue
        p, d, q = (int(v) for v in ref["auto_arima"]["order"])
        assert result.loc[name, "model"].startswith(f"ARIMA({p},{d},{q})"), name


def test_thread_count_and_partition_do_not_change_any_number() -> None:
    data = synthetic_panel(60)
    last = data.groupby("unique_id")["value"].last()
    options = dict(targets={"x1.5": 1.5 * last, "fixed": 150.0}, by=(2028, 2030), n_paths=500, progress=False)
    one = forecast_panel(data, threads=1, **options)
    two = forecast_panel(data, threads=2, **options)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    # Any split of the series (what Dask does) gives the same rows; so does shuffled input.
    ids = data["unique_id"].unique()
    # The reference class is the whole panel's (pooled by default): a part is run with it.
    options["reference"] = tt.ReferenceClass.from_dict(one.attrs["reference"])
    halves = [forecast_panel(data[data["unique_id"].isin(part)], **options) for part in (ids[::2], ids[1::2])]
    joined = pd.concat(halves).sort_values("unique_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(joined, one, check_exact=True)
    shuffled = forecast_panel(data.sample(frac=1.0, random_state=1), threads=2, **options)
    pd.testing.assert_frame_equal(shuffled, one, check_exact=True)
    # The labels that describe each series travel along.
    assert {"flow", "commodity"} <= set(one.columns)
    assert one.set_index("unique_id").loc["KAZ-P001", "flow"] == "X"


def test_first_passage_matches_the_closed_form_for_rw_drift() -> None:
    """P(by year) from the panel's paths vs the annual first-passage law with parameters
    integrated out (first_passage.hpp), for a few series."""
    data = synthetic_panel(6)
    # Above every observed value, so that no series has reached it already.
    result = forecast_panel(data, model="rw_drift", targets={"x1.3": 1.3 * data.groupby("unique_id")["value"].max()},
                            by=(2027, 2030, 2034), n_paths=20000, progress=False).set_index("unique_id")
    for uid, series in data.groupby("unique_id"):
        fitted = _core.fit_model("rw_drift", _core.AnnualSeries.from_levels(series["year"].tolist(), series["value"].tolist()))
        cdf = _core.random_walk_first_passage(fitted, float(np.log(1.3 * series["value"].max())), 10, "annual")
        for year in (2027, 2030, 2034):
            assert result.loc[uid, f"x1.3_prob_by_{year}"] == pytest.approx(cdf[year - 2025], abs=0.015), (uid, year)


def test_kept_paths_are_the_ones_the_summary_comes_from() -> None:
    data = synthetic_panel(4)
    result = forecast_panel(data, model="auto_ets", targets={"t": 120.0}, by=(2030,), horizon=8, n_paths=300,
                            keep_paths=True, progress=False)
    for _, row in result.iterrows():
        paths = row["paths"]
        assert paths.shape == (300, 8)
        if pd.isna(row["t_already_reached_year"]):
            assert row["t_prob_by_2030"] == pytest.approx(np.mean((paths[:, :6] >= 120.0).any(axis=1)), abs=1e-12)
    forecasts = long_forecasts(result)
    assert len(forecasts) == 4 * 8 and list(forecasts.columns[:3]) == ["unique_id", "year", "point"]
    assert forecasts["year"].min() == 2025 and forecasts["year"].max() == 2032


@pytest.mark.parametrize("model", ["auto_ets", "auto_arima"])
def test_parameter_uncertainty_is_in_the_paths_and_not_in_r_intervals(model: str) -> None:
    """The forecast columns are R's intervals either way; the paths (and so the target columns)
    differ, and each setting's paths are exactly the single-series simulate_paths with it."""
    data = synthetic_panel(3)
    common = dict(model=model, targets={"t": 1.5 * data.groupby("unique_id")["value"].max()}, by=(2030,),
                  horizon=8, n_paths=2000, keep_paths=True, progress=False)
    drawn = forecast_panel(data, **common).set_index("unique_id")
    plain = forecast_panel(data, parameter_uncertainty=False, **common).set_index("unique_id")
    forecast_columns = [c for c in drawn.columns if c.startswith(("point_h", "lower", "upper"))]
    pd.testing.assert_frame_equal(drawn[forecast_columns], plain[forecast_columns], check_exact=True)
    for uid, series in data.groupby("unique_id"):
        assert not np.array_equal(drawn.loc[uid, "paths"], plain.loc[uid, "paths"])
        core = _core.AnnualSeries.from_levels(series["year"].tolist(), series["value"].tolist())
        for result, flag in ((drawn, True), (plain, False)):
            options = _core.ModelOptions()
            options.parameter_uncertainty = flag
            alone = _core.simulate_paths(model, core, horizon=8, n_paths=2000,
                                         seed=_core.series_seed(DEFAULT_SEED, uid), source_uncertainty=False,
                                         options=options)
            np.testing.assert_array_equal(result.loc[uid, "paths"], np.exp(alone.log_level))


def test_a_series_that_cannot_be_fitted_is_reported_and_the_rest_goes_on() -> None:
    data = pd.concat([synthetic_panel(3),
                      pd.DataFrame({"unique_id": "short", "year": [2023, 2024], "value": [1.0, 2.0]}),
                      pd.DataFrame({"unique_id": "gap", "year": [2018, 2019, 2021, 2022, 2023, 2024],
                                    "value": [1.0, 2.0, 3.0, 3.5, 4.0, 5.0]}),
                      pd.DataFrame({"unique_id": "twice", "year": [2020, 2021, 2021, 2022, 2023, 2024],
                                    "value": [1.0, 2.0, 3.0, 3.5, 4.0, 5.0]}),
                      pd.DataFrame({"unique_id": "zero", "year": range(2017, 2025), "value": [1, 2, 0, 3, 4, 5, 6, 7.0]})])
    result = forecast_panel(data, model="auto_ets", targets={"t": 100.0}, progress=False).set_index("unique_id")
    assert (result.loc[["KAZ-P000", "KAZ-P001", "KAZ-P002"], "error"] == "").all()
    assert "auto_ets model needs at least 5 observed years; got 2" in result.loc["short", "error"]
    assert "2020 is missing" in result.loc["gap", "error"]
    assert "increasing" in result.loc["twice", "error"]
    assert "2019" in result.loc["zero", "error"] and "positive" in result.loc["zero", "error"]
    assert result.loc["short", ["point_h1", "growth", "t_prob_by_2030"]].isna().all()
    # The log models take the gap.
    gap = forecast_panel(data[data["unique_id"] == "gap"], model="rw_drift", n_paths=0, progress=False)
    assert gap.loc[0, "error"] == "" and gap.loc[0, "growth"] > 0
    # The default (calibrated) model takes short series and gaps too: its prior does the rest; the
    # panel is too small to pool, so the bundled reference class is used; bad series are still errors.
    default = forecast_panel(data, targets={"t": 100.0}, progress=False)
    assert default.attrs["reference"]["name"] == "world trade (Penn World Table 9.1)"
    default = default.set_index("unique_id")
    assert (default.loc[["KAZ-P000", "short", "gap"], "error"] == "").all()
    assert "increasing" in default.loc["twice", "error"]
    assert "2019" in default.loc["zero", "error"] and "positive" in default.loc["zero", "error"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(data=pd.DataFrame({"id": ["a"], "year": [1], "value": [1.0]})), ValueError, "no column 'unique_id'"),
        (dict(data=pd.DataFrame({"unique_id": ["a", None], "year": [1, 2], "value": [1.0, 2]})), ValueError, "row 1: column 'unique_id' is empty"),
        (dict(data=pd.DataFrame({"unique_id": ["a", "a"], "year": [2020, 2020.5], "value": [1.0, 2]})), ValueError, "row 1: column 'year' is 2020.5"),
        (dict(data=pd.DataFrame({"unique_id": ["a", "a"], "year": [2020, 2021], "value": ["1", "x"]})), ValueError, "row 1: column 'value' is 'x'"),
        (dict(targets={"t": -5.0}), ValueError, "target 't' for series 'KAZ-P000' is -5.0"),
        (dict(targets={"t": pd.Series({"nope": 5.0})}), ValueError, "names none of the panel's series \\(e.g. 'nope'"),
        (dict(targets={"t": "ten"}), TypeError, "must be a number or a Series"),
        (dict(targets={"t": 5.0}, n_paths=0), ValueError, "targets need sample paths"),
        (dict(model="prophet"), ValueError, "unknown model 'prophet'"),
        (dict(levels=(80, 120)), ValueError, "between 0 and 100"),
        (dict(horizon=0), ValueError, "horizon is 0"),
        (dict(threads=-2), ValueError, "threads is -2"),
        (dict(data=[1, 2, 3]), TypeError, "pandas or Dask DataFrame"),
    ],
)
def test_bad_panel_input_is_a_clear_error(kwargs, error, message) -> None:
    arguments = dict(data=synthetic_panel(2), progress=False) | kwargs
    with pytest.raises(error, match=message):
        forecast_panel(arguments.pop("data"), **arguments)


def test_progress_bar_can_be_shown_and_turned_off(capsys) -> None:
    data = synthetic_panel(5)
    forecast_panel(data, n_paths=0, progress=True)
    assert "5/5" in capsys.readouterr().err
    forecast_panel(data, n_paths=0, progress=False)
    assert capsys.readouterr().err == ""


def test_empty_panel_gives_an_empty_table_with_the_columns() -> None:
    empty = synthetic_panel(1).iloc[:0]
    result = forecast_panel(empty, targets={"t": 1.0}, progress=False)
    assert len(result) == 0 and {"model", "error", "point_h10", "t_median_year"} <= set(result.columns)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning", "ignore::UserWarning")
def test_dask_cluster_with_two_worker_processes_gives_the_in_process_result() -> None:
    # Not importorskip: `make test` installs Dask, and a missing Dask must fail here, not pass quietly.
    import dask.dataframe as dd
    import distributed
    data = synthetic_panel(30)
    options = dict(targets={"fixed": 150.0}, by=(2030,), n_paths=400, model="auto_ets")
    expected = forecast_panel(data, progress=False, **options)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        lazy = forecast_panel(dd.from_pandas(data, npartitions=4), **options)
        computed = lazy.compute()
    computed = computed.sort_values("unique_id").reset_index(drop=True)
    # Text columns may come back as object or as pandas' string dtype (pandas 3, Dask's pyarrow
    # strings): the same text either way; every number must be identical, dtype included.
    def plain_text(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.astype({c: object for c in frame.select_dtypes(include=["string", "object"]).columns})

    pd.testing.assert_frame_equal(plain_text(computed), plain_text(expected), check_exact=True, check_dtype=True)
    with pytest.raises(ValueError, match="keep_paths is not available for a Dask panel"):
        forecast_panel(dd.from_pandas(data, npartitions=2), keep_paths=True)


def test_panel_counts_and_years_stay_whole() -> None:
    """Issue 16: by=[2030.7], seed=1.5 or horizon=True were truncated or cast silently."""
    frame = pd.DataFrame({"unique_id": ["a"] * 8, "year": range(2015, 2023), "value": np.linspace(10, 20, 8)})
    with pytest.raises(ValueError, match="a year of by must be a whole number; got 2030.7"):
        tt.forecast_panel(frame, model="rw_drift", by=[2030.7], progress=False)
    with pytest.raises(ValueError, match="seed must be a whole number; got 1.5"):
        tt.forecast_panel(frame, model="rw_drift", seed=1.5, progress=False)
    with pytest.raises(TypeError, match="horizon must be a whole number; got bool True"):
        tt.forecast_panel(frame, model="rw_drift", horizon=True, progress=False)
    assert tt.forecast_panel(frame, model="rw_drift", by=2030, targets={"t": 30.0}, n_paths=200,
                             progress=False).loc[0, "t_prob_by_2030"] >= 0
