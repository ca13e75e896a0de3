"""The ensemble's pool and weights (the C++ core does the work; ensemble.hpp documents the method
and its references).

``tt.fit(series, "ensemble")`` and ``tt.forecast_panel(panel, model="ensemble")`` combine the
default pool with equal weights; ``tt.learn_ensemble(panel)`` learns weights across a panel by
rolling origins, to pass as ``ensemble=``. Equal weights are the default because, on M3 yearly,
weights learnt on each series' earlier years forecast its last six worse than equal weights do
(benchmarks/results/m3_yearly.md): the forecast combination puzzle.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core, arguments

EnsembleWeights = _core.EnsembleWeights
EnsembleLike = Union[None, "_core.EnsembleWeights", Sequence[str], Mapping[str, float]]


def describe(weights: _core.EnsembleWeights) -> str:
    """One line: each model's weight and where the weights come from."""
    parts = ", ".join(f"{name} {w:.2f}" for name, w in zip(weights.pool, weights.weights))
    learnt = (f", learnt on {weights.series:,} series ({weights.forecasts:,} forecasts; MASE {weights.combined_mase:.3f})"
              if weights.forecasts else "")
    return f"{parts} ({weights.source}{learnt})"


def to_dict(weights: _core.EnsembleWeights) -> dict:
    return {"pool": list(weights.pool), "weights": list(weights.weights), "source": weights.source,
            "series": weights.series, "forecasts": weights.forecasts,
            "member_mase": list(weights.member_mase), "combined_mase": weights.combined_mase}


def as_weights(ensemble: EnsembleLike) -> _core.EnsembleWeights:
    """The ensemble option as weights: None (equal weights over the default pool), EnsembleWeights,
    a list of model names (equal weights over them) or a mapping name -> weight."""
    if ensemble is None:
        return _core.EnsembleWeights.equal([])
    if isinstance(ensemble, _core.EnsembleWeights):
        return ensemble
    if isinstance(ensemble, (Mapping, list, tuple)) and len(ensemble) == 0:
        raise ValueError("the ensemble's pool is empty: name at least one model (None: the default pool)")
    if isinstance(ensemble, Mapping):
        return _core.EnsembleWeights([str(k) for k in ensemble], [float(v) for v in ensemble.values()], "given")
    if isinstance(ensemble, (list, tuple)) and all(isinstance(m, str) for m in ensemble):
        return _core.EnsembleWeights.equal(list(ensemble))
    raise TypeError("ensemble must be EnsembleWeights (tt.learn_ensemble), a list of model names or a mapping "
                    f"name -> weight; got {type(ensemble).__name__}")


def learn_ensemble(panel: Union[pd.DataFrame, Sequence[Sequence[float]]], *, pool: Optional[Sequence[str]] = None,
                   horizon: int = 6, origins: int = 3, threads: int = 0, source: str = "a panel",
                   id_col: str = "unique_id", year_col: str = "year", value_col: str = "value") -> _core.EnsembleWeights:
    """Learns the ensemble's weights on a panel of positive annual series.

    Parameters
    ----------
    panel : pandas.DataFrame or list of sequences
        Long format (``unique_id``, ``year``, ``value``; gap-free years) or one sequence of
        values per series.
    pool : list of str, optional
        Registry models to combine (default: ``_core.default_ensemble_pool()``).
    horizon, origins : int
        Each series is forecast from up to ``origins`` origins, the latest leaving ``horizon``
        years to score (fewer years, and fewer origins, where the series is short: every model of
        the pool keeps its minimum years before an origin).
    threads : int
        Threads (0: all cores); the weights do not depend on it.

    Returns
    -------
    EnsembleWeights
        ``pool``, ``weights`` (on the simplex), ``member_mase`` and ``combined_mase`` on the
        forecasts learnt from, ``series``, ``forecasts``, ``source``.

    Raises
    ------
    ValueError
        A value that is not positive or a missing year (naming the series and the year; plain
        sequences: by position), an unknown model, no series long enough to learn from.

    Examples
    --------
    >>> import numpy as np
    >>> import tradetarget as tt
    >>> rng = np.random.default_rng(1)
    >>> panel = [np.exp(np.cumsum(rng.normal(0.05, 0.1, 20))) for _ in range(30)]
    >>> weights = tt.learn_ensemble(panel, pool=["rw_drift", "theta"], threads=1)
    >>> weights.series, weights.forecasts
    (30, 90)
    >>> round(sum(weights.weights), 12)
    1.0
    """
    if isinstance(panel, pd.DataFrame):
        missing = [c for c in (id_col, year_col, value_col) if c not in panel.columns]
        if missing:
            raise ValueError(f"the panel has no column {missing[0]!r} (columns: {', '.join(map(str, panel.columns))})")
        series = []
        for name, group in panel.groupby(id_col, sort=False):
            group = group.sort_values(year_col)
            years = group[year_col].to_numpy()
            values = pd.to_numeric(group[value_col], errors="coerce").to_numpy(dtype=float)
            gaps = np.flatnonzero(np.diff(years) != 1)
            if gaps.size:
                raise ValueError(f"series {name!r}: the year after {years[gaps[0]]} is {years[gaps[0] + 1]}; "
                                 "the ensemble learns from consecutive years")
            bad = np.flatnonzero(~(np.isfinite(values) & (values > 0)))
            if bad.size:
                raise ValueError(f"series {name!r}, {years[bad[0]]}: the value {arguments.shown(group[value_col].iloc[bad[0]])} "
                                 "is not a positive number; the ensemble learns from positive series")
            series.append(values.tolist())
    else:
        series = [np.asarray(s, dtype=float).tolist() for s in panel]
    return _core.learn_ensemble_weights(series, list(pool or []), int(horizon), int(origins), int(threads), source)
