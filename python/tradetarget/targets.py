"""Time to target: first-passage summaries and required growth (computed in the C++ core)."""

from __future__ import annotations

from typing import Iterable, Sequence

import pandas as pd

from . import _core
from .models import Forecast

__all__ = ["first_passage_table", "required_growth", "time_to_target"]


def _optional(values) -> pd.array:
    return pd.array(values, dtype="Int64")


def required_growth(base_value: float, base_year: int, target: float, deadline: int) -> float:
    """Compound annual growth needed to go from base_value in base_year to target by deadline."""
    return _core.required_growth(float(base_value), int(base_year), float(target), int(deadline))


def time_to_target(
    forecast: Forecast,
    targets: Iterable[float],
    by: Sequence[int] = (2030, 2035),
    deadline: int = 2030,
) -> pd.DataFrame:
    """One row per target: when the series first reaches it (median and 10%/90% years; <NA>
    when not reached within the horizon), P(reached by each year in ``by``), the year the point
    forecast crosses, and the growth rate the target needs by ``deadline`` beside the historical
    rate. A target already reached in an observed year is reported with that year."""
    rows = []
    for target in targets:
        passage = _core.first_passage(forecast.paths, float(target), forecast.observed)
        s = _core.summarize_target(passage, forecast.point_log, forecast.model_growth, forecast.observed,
                                   [int(y) for y in by], int(deadline))
        row = {
            "target": s.target,
            "model": forecast.model,
            "already_reached_year": s.observed_year,
            "median_year": s.median_year,
            "p10_year": s.p10_year,
            "p90_year": s.p90_year,
            "point_cross_year": s.point_cross_year,
        }
        row.update({f"prob_by_{year}": p for year, p in s.prob_by})
        row.update(
            {
                "required_growth": s.required_growth,
                "deadline": s.deadline,
                "base_year": s.base_year,
                "base_value": s.base_value,
                "historical_growth": s.historical_growth,
                "historical_from": s.historical_from,
                "model_growth": s.model_growth,
                "horizon_end": s.horizon_end,
            }
        )
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in ("already_reached_year", "median_year", "p10_year", "p90_year", "point_cross_year"):
        table[column] = _optional(table[column].tolist())
    return table


def first_passage_table(forecast: Forecast, targets: Iterable[float]) -> pd.DataFrame:
    """P(first reached in or before each year), one column per target (index: year)."""
    columns = {}
    for target in targets:
        passage = _core.first_passage(forecast.paths, float(target), forecast.observed)
        columns[float(target)] = [passage.probability_by(int(y)) for y in forecast.years]
    return pd.DataFrame(columns, index=forecast.years)
