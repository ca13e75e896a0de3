"""Coherent hierarchies of sample paths: total = exports + imports, exports = commodities + other.

``reconcile_paths`` takes each node's paths (levels, paths x years: e.g. from
``forecast_panel(..., keep_paths=True)`` or ``Forecast.sample_paths()``) and returns paths that add
up on every path and year, by bottom-up, top-down (historical proportions) or MinT with a
shrinkage covariance of one-step residuals (computed in C++: ``hierarchy.hpp``).
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from . import _core
from .models import DEFAULT_BY

__all__ = ["forecast_hierarchy", "one_step_errors", "reconcile_paths", "summing_matrix"]


def summing_matrix(hierarchy: Mapping[str, Sequence[str]]) -> tuple[np.ndarray, list[str], list[str]]:
    """S for a hierarchy given as parent -> children (e.g. {"total": ["exports", "imports"],
    "exports": ["copper", "oil", "other"]}). Returns S, every node (aggregates first, the top
    first) and the bottom nodes."""
    children = {str(p): [str(c) for c in cs] for p, cs in hierarchy.items()}
    for parent, cs in children.items():
        if not cs:
            raise ValueError(f"node {parent!r} has no children")
        if len(set(cs)) != len(cs):
            raise ValueError(f"node {parent!r} lists a child twice")
    all_children = [c for cs in children.values() for c in cs]
    repeated = {c for c in all_children if all_children.count(c) > 1}
    if repeated:
        raise ValueError(f"node {sorted(repeated)[0]!r} has more than one parent")
    tops = [p for p in children if p not in all_children]
    if len(tops) != 1:
        raise ValueError(f"a hierarchy has one top node; found {tops or 'none (a cycle)'}")
    order, bottom = [], []

    def visit(node: str, path: tuple[str, ...]) -> None:
        if node in path:
            raise ValueError(f"the hierarchy has a cycle through {node!r}")
        if node in children:
            order.append(node)
            for child in children[node]:
                visit(child, path + (node,))
        else:
            bottom.append(node)

    visit(tops[0], ())
    leaves_of: dict[str, set[str]] = {}

    def leaves(node: str) -> set[str]:
        if node not in leaves_of:
            leaves_of[node] = {node} if node not in children else set().union(*(leaves(c) for c in children[node]))
        return leaves_of[node]

    nodes = order + bottom
    s = np.array([[1.0 if b in leaves(n) else 0.0 for b in bottom] for n in nodes])
    return s, nodes, bottom


def reconcile_paths(paths: Mapping[str, np.ndarray], hierarchy: Mapping[str, Sequence[str]], method: str = "mint_shrink",
                    residuals: Optional[pd.DataFrame] = None,
                    proportions: Optional[Mapping[str, float]] = None) -> dict[str, np.ndarray]:
    """Coherent paths for every node. ``residuals``: one-step in-sample forecast errors, a column
    per node (MinT); ``proportions``: each bottom node's share of the top (top-down)."""
    s, nodes, bottom = summing_matrix(hierarchy)
    missing = [n for n in nodes if n not in paths]
    if missing:
        raise ValueError(f"no paths for node {missing[0]!r}")
    p = np.zeros(0)
    r = np.zeros((0, 0))
    if method == "top_down":
        if proportions is None:
            raise ValueError("top-down needs proportions= (each bottom node's share of the top)")
        p = np.array([float(proportions.get(b, np.nan)) for b in bottom])
        if np.isnan(p).any():
            raise ValueError(f"no proportion for bottom node {bottom[int(np.flatnonzero(np.isnan(p))[0])]!r}")
    if method == "mint_shrink":
        if residuals is None:
            raise ValueError("MinT needs residuals= (one-step in-sample errors, one column per node)")
        absent = [n for n in nodes if n not in residuals.columns]
        if absent:
            raise ValueError(f"no residuals for node {absent[0]!r}")
        r = residuals[nodes].dropna().to_numpy(dtype=float)
    g = _core.reconciliation_matrix(s, method, p, r)
    base = [np.ascontiguousarray(paths[n], dtype=float) for n in nodes]
    return dict(zip(nodes, _core.reconcile_paths(base, s, g)))


def one_step_errors(panel: pd.DataFrame, *, model: str = "auto_ets", min_train: int = 6, threads: int = 0,
                    id_col: str = "unique_id", year_col: str = "year", value_col: str = "value") -> pd.DataFrame:
    """One-step-ahead forecast errors of every series, by rolling origin (each origin refits on
    the years up to it): a year per row, a series per column. These are what MinT's covariance is
    estimated from (out of sample, so they do not flatter the models)."""
    from .panel import forecast_panel

    years = sorted(pd.to_numeric(panel[year_col]).unique())
    if len(years) < min_train + 3:
        raise ValueError(f"MinT needs at least 3 one-step errors: {len(years)} years with min_train={min_train}")
    actual = panel.pivot(index=year_col, columns=id_col, values=value_col)
    rows = {}
    for origin in years[min_train - 1:-1]:
        window = panel[pd.to_numeric(panel[year_col]) <= origin]
        fitted = forecast_panel(window, model=model, horizon=1, n_paths=0, threads=threads, progress=False,
                                id_col=id_col, year_col=year_col, value_col=value_col).set_index(id_col)
        rows[origin + 1] = actual.loc[origin + 1] - fitted["point_h1"].reindex(actual.columns)
    return pd.DataFrame(rows).T.rename_axis(year_col)


def forecast_hierarchy(panel: pd.DataFrame, hierarchy: Mapping[str, Sequence[str]], *, model: str = "auto_ets",
                       method: str = "mint_shrink", targets: Sequence[float] = (), by: Sequence[int] = DEFAULT_BY,
                       deadline: Optional[int] = None, horizon: int = 10, n_paths: int = 2000, seed: Optional[int] = None,
                       min_train: int = 6, threads: int = 0, id_col: str = "unique_id", year_col: str = "year",
                       value_col: str = "value") -> dict:
    """Every node of ``hierarchy`` (its ids in ``panel``) fitted with ``model``, its paths
    reconciled by ``method`` (``bottom_up``, ``top_down`` with average historical proportions,
    or ``mint_shrink`` with one-step errors from ``one_step_errors``), and the top node's
    time-to-target computed on the coherent paths.

    Returns ``{"paths": node -> reconciled level paths, "table": median/80% by node and year,
    "targets": time-to-target of the top node, "fits": the panel's rows}``.
    """
    from .models import DEFAULT_SEED, Forecast
    from .panel import forecast_panel
    from .targets import time_to_target

    s, nodes, bottom = summing_matrix(hierarchy)
    ids = set(panel[id_col].astype(str))
    absent = [n for n in nodes if n not in ids]
    if absent:
        raise ValueError(f"node {absent[0]!r} is not a series of the panel (its {id_col!r} values)")
    panel = panel[panel[id_col].astype(str).isin(nodes)]
    last_years = panel.groupby(id_col)[year_col].max()
    if last_years.nunique() != 1:
        raise ValueError(f"every node must end in the same year to be reconciled; they end in {sorted(set(last_years))}")
    seed = DEFAULT_SEED if seed is None else seed
    fits = forecast_panel(panel, model=model, horizon=horizon, n_paths=n_paths, keep_paths=True, seed=seed, by=by,
                          threads=threads, progress=False, id_col=id_col, year_col=year_col,
                          value_col=value_col).set_index(id_col)
    failed = fits[fits["error"] != ""]
    if len(failed):
        raise ValueError(f"node {failed.index[0]!r} could not be fitted: {failed['error'].iloc[0]}")
    base = {n: fits.loc[n, "paths"] for n in nodes}
    proportions = residuals = None
    if method == "top_down":
        wide = panel.pivot(index=year_col, columns=id_col, values=value_col)
        shares = wide[bottom].div(wide[nodes[0]], axis=0).mean()
        proportions = (shares / shares.sum()).to_dict()
    if method == "mint_shrink":
        residuals = one_step_errors(panel, model=model, min_train=min_train, threads=threads, id_col=id_col,
                                    year_col=year_col, value_col=value_col)
    coherent = reconcile_paths(base, hierarchy, method, residuals=residuals, proportions=proportions)
    first_year = int(last_years.iloc[0]) + 1
    width = next(iter(coherent.values())).shape[1]  # paths run to the last year of `by` if later
    years = pd.RangeIndex(first_year, first_year + width, name="year")
    table = pd.concat({n: pd.DataFrame({"median": np.median(p, axis=0), "lower_80": np.quantile(p, 0.1, axis=0),
                                        "upper_80": np.quantile(p, 0.9, axis=0)}, index=years)
                       for n, p in coherent.items()}, names=["node"])
    out = {"paths": coherent, "table": table, "fits": fits.drop(columns="paths"), "targets": None}
    if targets:
        top = nodes[0]
        rows = panel[panel[id_col].astype(str) == top].sort_values(year_col)
        observed = _core.AnnualSeries.from_levels(rows[year_col].astype(int).tolist(), rows[value_col].astype(float).tolist())
        paths = _core.paths_from_levels(first_year, coherent[top])
        point_log = np.log(np.maximum(np.median(coherent[top], axis=0), 1e-300))
        # The reconciled top's growth (its median path's mean log growth), not the base fit's: the
        # reconciliation moves the top towards the sum of its children.
        log_growth = float((point_log[-1] - observed.log_level[-1]) / point_log.size)
        forecast = Forecast(model=f"{model} ({method})", paths=paths, observed=observed, point_log=point_log,
                            log_growth=log_growth, levels=(80.0,), seed=seed)
        out["targets"] = time_to_target(forecast, targets, by=by, deadline=deadline or int(by[0]))
    return out
