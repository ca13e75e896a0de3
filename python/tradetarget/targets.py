"""Time to target: first-passage summaries and required growth (computed in the C++ core)."""

from __future__ import annotations

from typing import Iterable, Optional, Sequence, Union

import pandas as pd

from . import _core
from .models import Forecast

__all__ = ["first_passage_table", "required_growth", "time_to_target"]


def required_growth(base_value: float, base_year: int, target: float, deadline: int) -> float:
    """Compound annual growth needed to go from base_value in base_year to target by deadline."""
    return _core.required_growth(float(base_value), int(base_year), float(target), int(deadline))


def _check_forecast(forecast: object) -> Forecast:
    if not isinstance(forecast, Forecast):
        raise TypeError(
            f"time to target needs the sample paths of a Forecast (tt.fit(series, model).forecast()); got "
            f"{type(forecast).__name__}" + (": a table such as Fit.intervals() has no paths; use Fit.forecast()"
                                            if isinstance(forecast, pd.DataFrame) else ""))
    return forecast


def time_to_target(forecast: Forecast, targets: Iterable[Union[float, str]], by: Optional[Sequence[int]] = None,
                   deadline: Optional[int] = None) -> pd.DataFrame:
    """``forecast.time_to_target(targets, by, deadline)`` (see ``Forecast.time_to_target``)."""
    return _check_forecast(forecast).time_to_target(targets, by=by, deadline=deadline)


def first_passage_table(forecast: Forecast, targets: Iterable[Union[float, str]]) -> pd.DataFrame:
    """P(first reached in or before each year), one column per target (index: year)."""
    return _check_forecast(forecast).first_passage_table(targets)
