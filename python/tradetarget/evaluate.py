"""Model comparison by rolling-origin evaluation (computed in C++: core/include/tradetarget/evaluate.hpp)."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from . import _core
from .observations import to_year_series

__all__ = ["evaluate"]


def evaluate(
    series: pd.Series, models: Sequence[str] | None = None, min_train: int | None = None, horizon: int = 3
) -> pd.DataFrame:
    """Refit every model at each origin and score its forecasts: one row per model with MASE,
    RMSSE, sMAPE, the coverage of its 80% and 95% intervals and the scaled CRPS (lower is better
    except coverage, which should be near 0.80 and 0.95). ``series`` is indexed by year.
    ``min_train`` defaults to half the series (at least 4)."""
    series = to_year_series(series)
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series indexed by year, a year/value DataFrame or a reconciled "
                        f"series; got {type(series).__name__}")
    models = list(models) if models is not None else _core.evaluable_models()
    n = len(series)
    if n and series.nunique() == 1:
        raise ValueError(f"the series is constant ({series.iloc[0]:g} in every year): scaled errors (MASE, RMSSE) "
                         "divide by its in-sample changes, which are all zero")
    if min_train is None:
        if n < 5:
            raise ValueError(f"evaluation needs at least 5 years (4 to fit, 1 to score); the series has {n}"
                             + (f" ({', '.join(str(y) for y in series.index)})" if n else ""))
        min_train = max(4, n // 2)
    rows = _core.rolling_origin([int(y) for y in series.index], [float(v) for v in series.to_numpy()],
                                models, int(min_train), int(horizon))
    return pd.DataFrame(
        [
            {
                "model": r.model, "MASE": r.mase, "RMSSE": r.rmsse, "sMAPE": r.smape,
                "coverage_80": r.coverage80, "coverage_95": r.coverage95, "CRPS": r.crps,
                "origins": r.origins, "forecasts": r.forecasts, "failures": r.failures,
                "why_failed": r.first_failure,
            }
            for r in rows
        ]
    ).set_index("model")
