"""How much does the answer depend on which source is believed?"""

from __future__ import annotations

from typing import Iterable, Sequence

import pandas as pd

from .measurement import measure
from .models import DEFAULT_BY, DEFAULT_SEED
from .money import format_money
from .observations import ObservationSource, read_observations
from .targets import time_to_target

__all__ = ["sensitivity"]


def _contested_year(decisions: pd.DataFrame) -> int:
    levels = decisions[decisions["used"] & decisions["statement"].isin(["level", "approx_level", "current_level"])]
    counts = levels.groupby("year")["source"].nunique()
    if counts.empty or counts.max() < 2:
        raise ValueError("no year has levels from two or more sources: nothing to compare")
    spread = levels.groupby("year")["value"].agg(lambda v: v.max() / v.min())
    return int(spread[counts >= 2].idxmax())


def sensitivity(
    observations: ObservationSource | None = None,
    targets: Iterable[float] = (10e9, 15e9),
    year: int | None = None,
    by: Sequence[int] = DEFAULT_BY,
    deadline: int = 2030,
    horizon: int = 30,
    n_paths: int = 20000,
    seed: int = DEFAULT_SEED,
    indicator: str = "trade",
    flow: str = "total",
) -> pd.DataFrame:
    """The time-to-target answer (measurement model) under each source alone for the most
    contested year (``year``, default: the year whose sources disagree most), and under all of
    them together. One row per scenario and target."""
    from . import datasets

    if observations is None:
        observations = datasets.path("kazakhstan_turkiye.csv")
    frame = read_observations(observations)
    everything = measure(frame, indicator=indicator, flow=flow)
    decisions = everything.decisions
    if year is None:
        year = _contested_year(decisions)
    about_year = decisions[
        decisions["used"] & (decisions["year"] == year) & decisions["statement"].isin(["level", "approx_level", "current_level"])
    ]
    if about_year["source"].nunique() < 2:
        raise ValueError(f"{year} has levels from fewer than two sources: nothing to compare")
    scenarios = {"all sources": set()}
    for source, rows in about_year.groupby("source", sort=True):
        said = ", ".join(sorted({format_money(v) if v >= 1e8 else f"{v:.4g}" for v in rows["value"]}))
        others = set(about_year.loc[about_year["source"] != source, "obs_id"])
        scenarios[f"only {source} ({said})"] = others
    results = []
    for label, dropped in scenarios.items():
        subset = frame[~frame["obs_id"].isin(dropped)]
        m = everything if not dropped else measure(subset, indicator=indicator, flow=flow)
        table = time_to_target(m.forecast(horizon=horizon, n_paths=n_paths, seed=seed), targets, by=by, deadline=deadline)
        table.insert(0, "scenario", label)
        table.insert(1, f"level_{year}", float(m.table.loc[year, "value"]))
        results.append(table)
    out = pd.concat(results, ignore_index=True)
    out.attrs["year"] = year
    return out
