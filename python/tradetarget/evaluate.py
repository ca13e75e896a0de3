"""Model comparison by rolling-origin evaluation (computed in C++: core/include/tradetarget/evaluate.hpp)."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from . import _core, arguments
from .observations import to_year_series

__all__ = ["evaluate"]


def evaluate(
    series: pd.Series, models: Sequence[str] | None = None, min_train: int | None = None, horizon: int = 3,
    threads: int = 0,
) -> pd.DataFrame:
    """Compare models out of sample by rolling-origin evaluation (``evaluate.hpp``).

    At each origin every model is refitted to the years before it and its forecasts of the next
    ``horizon`` years are scored against what happened.

    Parameters
    ----------
    series : pandas.Series, DataFrame or reconciled series
        Values indexed by year (a ``year,value`` DataFrame and a reconciled series are read as such).
    models : sequence of str, optional
        Registry names or ETS classes; default every model rolling-origin evaluation can score
        (``_core.evaluable_models()``), ``naive`` included.
    min_train : int, optional
        Years of the first origin's training set; default half the series, at least 4.
    horizon : int, default 3
        Years forecast from each origin.
    threads : int, default 0
        Threads for the (model, origin) fits (0: every core); the numbers do not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per model (the index): MASE, RMSSE, sMAPE (lower is better), the coverage of its 80% and 95%
        intervals (best near 0.80 and 0.95), the scaled CRPS, the number of origins and forecasts,
        and the origins where the model could not be fitted, with the first reason.

    Raises
    ------
    ValueError
        Fewer than 5 years, a constant series (the scaled errors divide by its changes), an empty
        or unknown model list, or ``min_train`` outside 2 to n - 1.
    TypeError
        ``series`` is not a series indexed by year.

    Examples
    --------
    >>> import pandas as pd
    >>> import tradetarget as tt
    >>> series = pd.Series([3.35, 5.3, 4.0, 4.6, 5.4, 5.9, 6.4, 6.1], index=range(2018, 2026))
    >>> table = tt.evaluate(series, models=["naive", "theta", "rw_drift"], horizon=2)
    >>> list(table.index)
    ['naive', 'theta', 'rw_drift']
    >>> int(table.loc["theta", "origins"])   # origins 2022-2025: 4 training years at the first
    4
    """
    series = to_year_series(series)
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series indexed by year, a year/value DataFrame or a reconciled "
                        f"series; got {type(series).__name__}")
    models = list(models) if models is not None else _core.evaluable_models()
    if not models:
        raise ValueError("models is empty: name at least one model to evaluate, e.g. models=['theta'], or leave "
                         "it out to evaluate every model rolling-origin evaluation can score")
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
                                models, int(min_train), int(horizon), arguments.whole("threads", threads, 0, 4096))
    # built by columns: a third of the time of a frame of row dicts, which was 8% of the
    # automatic choice on a 15-year series (benchmarks/auto_choice_speed.py)
    columns = {"MASE": "mase", "RMSSE": "rmsse", "sMAPE": "smape", "coverage_80": "coverage80",
               "coverage_95": "coverage95", "CRPS": "crps", "origins": "origins", "forecasts": "forecasts",
               "failures": "failures", "why_failed": "first_failure"}
    return pd.DataFrame({name: [getattr(r, field) for r in rows] for name, field in columns.items()},
                        index=pd.Index([r.model for r in rows], name="model"))
