"""Export mix, coherent hierarchies and scenarios (issue: export mix, hierarchies, scenarios)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradetarget import _core
from tradetarget.hierarchy import reconcile_paths, summing_matrix
from tradetarget.measurement import measure
from tradetarget.mix import export_mix, mix_change
from tradetarget.scenario import Lever, Scenario, load_scenario, run_scenario
from tradetarget.targets import time_to_target

LISTED = {"Copper and cathodes": 622.5e6, "Crude oil": 469.3e6, "Petroleum products": 78.4e6,
          "Polypropylene polymers": 34.5e6, "Dried vegetables": 21.2e6, "Coal": 19.7e6, "Unprocessed aluminum": 9.9e6}
EXAMPLE = Path(__file__).parents[2] / "examples" / "scenario_15b.toml"


# ------------------------------------------------------------------------------------ mix
def test_bundled_mix_shares_concentration_and_the_honest_exports_bound() -> None:
    (mix,) = export_mix()
    listed = sum(LISTED.values())
    table = mix.table.set_index("commodity")
    assert table.loc["Copper and cathodes", "share_of_trade"] == pytest.approx(622.5 / 1900, rel=1e-12)
    # The 2024 export share (3.3 of 5.0) gives $1.254B, below the listed $1.2555B: exports are
    # taken as at least the listed sum, and the remainder is 0.
    assert mix.concentration["exports_total"] == pytest.approx(listed)
    assert table.loc["unlisted remainder", "value"] == 0.0
    assert "at least the listed sum" in mix.notes[0] and "66.1% of trade" in mix.notes[0]
    shares = np.array(list(LISTED.values())) / listed
    assert mix.concentration["hhi"] == pytest.approx(np.sum(shares**2), rel=1e-12)
    n = len(shares)
    assert mix.concentration["hhi_normalised"] == pytest.approx((np.sum(shares**2) - 1 / n) / (1 - 1 / n), rel=1e-12)
    assert mix.concentration["top_k"][3] == pytest.approx((622.5 + 469.3 + 78.4) / 1255.5, rel=1e-12)
    assert mix.concentration["primary_share"] == pytest.approx(1 - 34.5 / 1255.5, rel=1e-12)  # polypropylene: SITC 575


def test_mix_with_a_known_exports_total_has_a_remainder_and_an_hhi_range() -> None:
    (mix,) = export_mix(exports_total=1.5e9)
    remainder = 1.5e9 - sum(LISTED.values())
    table = mix.table.set_index("commodity")
    assert table.loc["unlisted remainder", "value"] == pytest.approx(remainder)
    shares = np.array(list(LISTED.values())) / 1.5e9
    assert mix.concentration["hhi"] == pytest.approx(np.sum(shares**2))
    assert mix.concentration["hhi_upper"] == pytest.approx(np.sum(shares**2) + (remainder / 1.5e9) ** 2)
    assert mix.concentration["unclassified_share"] == pytest.approx(remainder / 1.5e9)


def test_change_between_snapshots_and_mix_errors() -> None:
    snapshots = pd.DataFrame({"snapshot": ["2024", "2024", "2025", "2025", "2025"],
                              "commodity": ["Copper and cathodes", "Coal", "Copper and cathodes", "Coal", "Crude oil"],
                              "value": [60.0, 40.0, 50.0, 25.0, 25.0]})
    before, after = export_mix(snapshots)
    change = mix_change(before, after)
    assert change.loc["Coal", "change_pp"] == pytest.approx(-15.0)
    assert change.loc["Crude oil", "change_pp"] == pytest.approx(25.0)
    with pytest.raises(ValueError, match="more than the exports total .* \\(shares above 100%\\)"):
        export_mix(snapshots, exports_total=50.0)
    with pytest.raises(ValueError, match="commodity 'Coal' is listed twice"):
        export_mix(pd.DataFrame({"snapshot": ["a", "a"], "commodity": ["Coal", "Coal"], "value": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="commodity 'Coal' has value -1"):
        export_mix(pd.DataFrame({"snapshot": ["a"], "commodity": ["Coal"], "value": [-1.0]}))


# ------------------------------------------------------------------------------ hierarchy
HIERARCHY = {"total": ["exports", "imports"], "exports": ["copper", "oil", "other"]}


def dense_mint(s: np.ndarray, residuals: np.ndarray) -> np.ndarray:
    """An independent MinT-shrink G, as R's hts::shrink.estim and WAH (2019) eq. 9 write it."""
    t = residuals.shape[0]
    cov = residuals.T @ residuals / t
    sd = np.sqrt(np.diag(cov))
    xs = residuals / sd
    cor = cov / np.outer(sd, sd)
    v = (xs.T**2 @ xs**2 - (xs.T @ xs) ** 2 / t) / (t * (t - 1))
    np.fill_diagonal(v, 0.0)
    d = cor**2
    np.fill_diagonal(d, 0.0)
    lam = min(max(v.sum() / d.sum(), 0.0), 1.0)
    w = lam * np.diag(np.diag(cov)) + (1 - lam) * cov
    wi = np.linalg.inv(w)
    return np.linalg.inv(s.T @ wi @ s) @ s.T @ wi


def test_mint_matches_a_dense_computation_and_every_path_is_coherent() -> None:
    s, nodes, bottom = summing_matrix(HIERARCHY)
    assert nodes == ["total", "exports", "copper", "oil", "other", "imports"] and bottom == ["copper", "oil", "other", "imports"]
    rng = np.random.default_rng(5)
    residuals = rng.standard_normal((12, 4)) @ rng.standard_normal((4, 4))
    residuals = np.column_stack([residuals[:, 0:4].sum(axis=1), residuals[:, 0:3].sum(axis=1), residuals]) \
        + 0.1 * rng.standard_normal((12, 6))
    g = _core.reconciliation_matrix(s, "mint_shrink", np.zeros(0), residuals)
    np.testing.assert_allclose(g, dense_mint(s, residuals), rtol=1e-9, atol=1e-12)
    lam = _core.shrinkage_intensity(residuals)
    assert 0.0 <= lam <= 1.0

    paths = {n: np.exp(rng.normal(np.log(100), 0.3, (500, 6))) for n in nodes}
    frame = pd.DataFrame(residuals, columns=nodes)
    coherent = reconcile_paths(paths, HIERARCHY, "mint_shrink", residuals=frame)
    np.testing.assert_allclose(coherent["total"], coherent["exports"] + coherent["imports"], rtol=1e-12)
    np.testing.assert_allclose(coherent["exports"], coherent["copper"] + coherent["oil"] + coherent["other"], rtol=1e-12)
    # Path by path, the same as the dense projection S G yhat.
    yhat = np.stack([paths[n] for n in nodes], axis=-1)
    expected = yhat @ (s @ dense_mint(s, residuals)).T
    for i, n in enumerate(nodes):
        np.testing.assert_allclose(coherent[n], expected[..., i], rtol=1e-9)


def test_bottom_up_and_top_down() -> None:
    rng = np.random.default_rng(2)
    _, nodes, bottom = summing_matrix(HIERARCHY)
    paths = {n: rng.uniform(1, 10, (50, 4)) for n in nodes}
    up = reconcile_paths(paths, HIERARCHY, "bottom_up")
    for b in bottom:
        np.testing.assert_array_equal(up[b], paths[b])  # the bottom forecasts are kept as they are
    np.testing.assert_allclose(up["total"], sum(paths[b] for b in bottom), rtol=1e-14)
    share = {"copper": 0.4, "oil": 0.3, "other": 0.1, "imports": 0.2}
    down = reconcile_paths(paths, HIERARCHY, "top_down", proportions=share)
    np.testing.assert_allclose(down["total"], paths["total"], rtol=1e-14)
    np.testing.assert_allclose(down["copper"], 0.4 * paths["total"], rtol=1e-14)
    with pytest.raises(ValueError, match="sum to 1"):
        reconcile_paths(paths, HIERARCHY, "top_down", proportions=dict(share, imports=0.5))
    with pytest.raises(ValueError, match="more than one parent"):
        summing_matrix({"total": ["a", "b"], "a": ["b"]})
    with pytest.raises(ValueError, match="unknown reconciliation 'ols'"):
        reconcile_paths(paths, HIERARCHY, "ols")
    with pytest.raises(ValueError, match="MinT needs residuals"):
        reconcile_paths(paths, HIERARCHY)


# ------------------------------------------------------------------------------- scenarios
@pytest.fixture(scope="module")
def baseline():
    return measure().forecast(horizon=12, n_paths=4000, seed=11)


def test_levers_at_zero_reproduce_the_baseline_exactly(baseline) -> None:
    zero = Scenario("zero", [Lever("none", "new_exports", amount=0.0, start=2026, phase_in_years=2),
                             Lever("copper", "price", commodity="Copper and cathodes", percent={2026: 0.0}, uncertainty=0.5),
                             Lever("imports", "import_growth", rate=0.0), Lever("uplift", "growth_uplift", rate=0.0)],
                    n_paths=4000, seed=11, horizon=12)
    result = run_scenario(zero, baseline=baseline)
    np.testing.assert_array_equal(result.paths.total, np.exp(baseline.paths.log_level))
    pd.testing.assert_frame_equal(result.result.drop(columns="model"), result.baseline.drop(columns="model"))


def test_contributions_add_up_and_have_their_closed_forms(baseline) -> None:
    scenario = Scenario("levers", [
        Lever("programme", "new_exports", amount=1e9, start=2026, phase_in_years=4, uncertainty=0.3),
        Lever("copper", "price", commodity="Copper and cathodes", percent={2026: 10.0, 2027: -5.0}),
        Lever("imports", "import_growth", rate=0.03, uncertainty=0.2),
        Lever("uplift", "growth_uplift", rate=0.01)], n_paths=4000, seed=11, horizon=12, decompose_year=2030)
    result = run_scenario(scenario, baseline=baseline)
    base = np.exp(baseline.paths.log_level)
    added = sum(result.paths.contributions)
    np.testing.assert_allclose(result.paths.total - base, added, rtol=1e-12, atol=1e-3)
    first = baseline.paths.first_year  # 2025 (the nowcast year)
    programme, copper, imports, uplift = result.paths.contributions
    # New exports: amount x phase-in fraction, mean over paths ~ amount (lognormal, mean 1).
    assert programme[:, 2026 - first].mean() == pytest.approx(0.25e9, rel=0.03)
    assert np.allclose(programme[:, 2025 - first], 0.0)
    copper_share = 622.5 / 1900
    np.testing.assert_allclose(copper[:, 2028 - first], base[:, 2028 - first] * copper_share * (1.10 * 0.95 - 1), rtol=1e-12)
    np.testing.assert_allclose(uplift[:, 2030 - first], base[:, 2030 - first] * (1.01 ** (2030 - first + 1) - 1), rtol=1e-12)
    assert imports[:, 2030 - first].mean() / (base[:, 2030 - first] * 0.34 * (1.03 ** 6 - 1)).mean() == pytest.approx(1, abs=0.05)
    d = result.decomposition.set_index("step")["value"]
    assert d["scenario"] == pytest.approx(d["baseline (point forecast)"] + d[["programme", "copper", "imports", "uplift"]].sum(),
                                          rel=1e-12)
    assert d["programme"] == pytest.approx(1e9)  # fully phased in by 2030 (2026-2029)
    assert d["gap to $10B"] == pytest.approx(10e9 - d["scenario"])
    # More trade can only make the targets likelier.
    assert (result.result["prob_by_2030"].to_numpy() >= result.baseline["prob_by_2030"].to_numpy()).all()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[scenario]\nname="x"\n\n[[lever]]\nname="gold"\nkind="price"\ncommodity="Gold"\npercent={2026=5}\n',
         "line 7 of s.toml: lever 'gold': commodity 'Gold' is not in the export mix"),
        ('[[lever]]\nname="a"\nkind="new_exports"\namount=1e9\nstart=2026\nphase_in_years=3\n\n'
         '[[lever]]\nname="b"\nkind="new_exports"\namount=5e8\nstart=2027\nphase_in_years=2\n',
         "line 12 of s.toml: lever 'b': its phase-in \\(2027-2028\\) overlaps that of 'a' \\(line 5, 2026-2028\\)"),
        ('[[lever]]\nname="a"\nkind="tariff"\n', "line 3 of s.toml: lever 'a': unknown kind 'tariff'"),
        ('[[lever]]\nname="a"\nkind="price"\ncommodity="Coal"\npercents={2026=5}\n', "line 5 of s.toml: unknown key 'percents'"),
        ('[[lever]]\nname="a"\nkind="import_growth"\nshare=1.5\nrate=0.1\n', "line 4 of s.toml: lever 'a': share must be between 0 and 1"),
        ('[[lever]]\nname="a"\nkind="new_exports"\namount=-1\nstart=2026\n', "line 4 of s.toml: lever 'a': amount must be finite and >= 0"),
        ('[scenario\n', "not valid TOML"),
        ('[scenario]\ncolour="red"\n', "unknown key 'colour' in \\[scenario\\]"),
        ('[scenario]\ntargets=[]\n', "s.toml: \\[scenario\\] targets: at least one target is needed"),
        ('[scenario]\nseed=-1\n', "s.toml: \\[scenario\\] seed is -1; it must be 0 to"),
        ('[scenario]\nn_paths=10000000000\n', "s.toml: \\[scenario\\] n_paths is 10000000000; it must be 1 to 2147483647"),
        ('[scenario]\nby=2030.5\n', "s.toml: \\[scenario\\] a year of by must be a whole number; got 2030.5"),
        ('[scenario]\ntargets=["10 apples"]\n', "s.toml: \\[scenario\\] '10 apples' is not an amount"),
    ],
)
def test_bad_scenario_files_name_the_line(tmp_path: Path, baseline, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_scenario(load_scenario(write(tmp_path, text)), baseline=baseline)


def test_example_scenario_and_commands(tmp_path: Path, capsys) -> None:
    from tradetarget.cli import main

    scenario = load_scenario(EXAMPLE)
    assert [lv.kind for lv in scenario.levers] == ["new_exports", "volume", "price"]
    png = tmp_path / "waterfall.png"
    assert main(["scenario", str(EXAMPLE), "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "Target-gap decomposition, 2030" in out and "gap to $15B" in out and png.stat().st_size > 10_000
    assert main(["mix"]) == 0
    out = capsys.readouterr().out
    assert "Copper and cathodes" in out and "HHI 0.391" in out and "raw materials 97.3% of exports" in out
    import json

    assert main(["scenario", str(EXAMPLE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    steps = {d["step"]: d["value"] for d in doc["decomposition"]}
    assert steps["34 categories, $1B"] == pytest.approx(1e9)
    assert [r["target"] for r in doc["result"]] == [10e9, 15e9]
    assert main(["mix", "--json"]) == 0
    (mix_doc,) = json.loads(capsys.readouterr().out)
    assert mix_doc["concentration"]["top_k"]["1"] == pytest.approx(622.5 / 1255.5)
    assert main(["scenario", str(tmp_path / "none.toml")]) == 2
    assert "no such file" in capsys.readouterr().err


def synthetic_hierarchy_panel() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    years = np.arange(2008, 2025)
    parts = {name: scale * np.exp(np.cumsum(rng.normal(0.05, 0.12, years.size)))
             for name, scale in (("copper", 8e8), ("oil", 6e8), ("other", 3e8), ("imports", 9e8))}
    parts["exports"] = parts["copper"] + parts["oil"] + parts["other"]
    parts["total"] = parts["exports"] + parts["imports"]
    return pd.concat([pd.DataFrame({"unique_id": k, "year": years, "value": v}) for k, v in parts.items()], ignore_index=True)


def test_forecast_hierarchy_bottom_up_is_the_sum_of_the_node_forecasts() -> None:
    from tradetarget.hierarchy import forecast_hierarchy
    from tradetarget.panel import forecast_panel

    panel = synthetic_hierarchy_panel()
    h = forecast_hierarchy(panel, HIERARCHY, model="rw_drift", method="bottom_up", horizon=6, n_paths=500, by=(2030,))
    nodes = forecast_panel(panel, model="rw_drift", horizon=6, n_paths=500, keep_paths=True, by=(2030,),
                           progress=False).set_index("unique_id")
    for b in ("copper", "oil", "other", "imports"):
        np.testing.assert_array_equal(h["paths"][b], nodes.loc[b, "paths"])
    np.testing.assert_allclose(h["paths"]["total"], sum(nodes.loc[b, "paths"] for b in ("copper", "oil", "other", "imports")),
                               rtol=1e-14)


def test_forecast_hierarchy_mint_is_coherent_and_reports_the_top_target() -> None:
    from tradetarget.hierarchy import forecast_hierarchy, one_step_errors
    from tradetarget.panel import forecast_panel

    panel = synthetic_hierarchy_panel()
    errors = one_step_errors(panel, model="rw_drift", min_train=8)
    assert list(errors.index) == list(range(2016, 2025))
    window = panel[panel["year"] <= 2019]
    point = forecast_panel(window, model="rw_drift", horizon=1, n_paths=0, progress=False).set_index("unique_id")["point_h1"]
    actual = panel[panel["year"] == 2020].set_index("unique_id")["value"]
    np.testing.assert_allclose(errors.loc[2020, actual.index], (actual - point[actual.index]).to_numpy(), rtol=1e-12)
    last_total = panel[panel["unique_id"] == "total"]["value"].iloc[-1]
    h = forecast_hierarchy(panel, HIERARCHY, model="rw_drift", method="mint_shrink", targets=[1.3 * last_total],
                           by=(2030,), horizon=8, n_paths=1000, min_train=8)
    p = h["paths"]
    np.testing.assert_allclose(p["total"], p["exports"] + p["imports"], rtol=1e-12)
    np.testing.assert_allclose(p["exports"], p["copper"] + p["oil"] + p["other"], rtol=1e-12)
    assert 0.0 < h["targets"].loc[0, "prob_by_2030"] < 1.0
    # the growth reported is the reconciled top's: its median path's mean log growth from the last year
    median = np.median(p["total"], axis=0)
    assert h["targets"].loc[0, "model_growth"] == pytest.approx(math.expm1(math.log(median[-1] / last_total) / median.size), rel=1e-9)
    with pytest.raises(ValueError, match="node 'gold' is not a series of the panel"):
        forecast_hierarchy(panel, {"total": ["exports", "gold"]}, model="rw_drift", method="bottom_up")


def test_scenario_takes_one_target_and_one_year_as_written(tmp_path: Path) -> None:
    """Issue 16: targets = "10B" was split into characters and by = 2030 was not iterable."""
    scenario = load_scenario(write(tmp_path, '[scenario]\ntargets="10B"\nby=2030\n'))
    assert scenario.targets == [10e9] and scenario.by == [2030]
