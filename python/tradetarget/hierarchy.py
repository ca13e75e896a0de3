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

__all__ = ["reconcile_paths", "summing_matrix"]


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
