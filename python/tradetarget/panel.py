"""Many series at once: every partner x commodity, on all cores, or on a Dask cluster.

``forecast_panel`` takes a long table (``unique_id``, ``year``, ``value`` and any columns that
describe a series, such as flow or commodity) and returns one row per series: the fitted model,
its growth rate, the forecasts and, for each target, the first-passage summary. The C++ core fits
the series on a pool of threads with the GIL released. Each series draws its paths from a seed
derived from its id (``_core.series_seed``), so the numbers do not depend on the thread count or
on how the panel is split: a Dask DataFrame gives exactly the in-process result.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core, arguments
from .ensemble import to_dict as ensemble_dict
from .models import DEFAULT_BY, DEFAULT_MODEL, DEFAULT_SEED, REGISTRY, model_options
from .reference import ReferenceClass, bundled_reference, panel_reference

__all__ = ["PANEL_MODELS", "forecast_panel", "long_forecasts"]

#: Every model the panel can fit per series.
PANEL_MODELS = tuple(REGISTRY)

TargetSpec = Union[float, pd.Series]


def _check_frame(data: pd.DataFrame, id_col: str, year_col: str, value_col: str) -> None:
    missing = [c for c in (id_col, year_col, value_col) if c not in data.columns]
    if missing:
        raise ValueError(f"the panel has no column {missing[0]!r}; it has {list(data.columns)} "
                         f"(name the columns with id_col=, year_col=, value_col=)")
    if data[id_col].isna().any():
        row = data.index[int(np.flatnonzero(data[id_col].isna().to_numpy())[0])]
        raise ValueError(f"row {row}: column {id_col!r} is empty; every row needs a series id")
    years = pd.to_numeric(data[year_col], errors="coerce")
    bad = years.isna() | (years != years.round())
    if bad.any():
        row = data.index[int(np.flatnonzero(bad.to_numpy())[0])]
        raise ValueError(f"row {row}: column {year_col!r} is {arguments.shown(data[year_col].loc[row])}; a whole year is needed")
    values = pd.to_numeric(data[value_col], errors="coerce")
    bad = values.isna() & data[value_col].notna()
    if bad.any():
        row = data.index[int(np.flatnonzero(bad.to_numpy())[0])]
        raise ValueError(f"row {row}: column {value_col!r} is {arguments.shown(data[value_col].loc[row])}, not a number")


def _target_matrix(targets: Mapping[str, TargetSpec], ids: Sequence[str], whole_panel: bool) -> np.ndarray:
    matrix = np.full((len(ids), len(targets)), np.nan)
    for k, (label, spec) in enumerate(targets.items()):
        if isinstance(spec, pd.Series):
            named = pd.Index(spec.index.astype(str))
            # A Series may name more series than the panel holds (a subset is being run), but one
            # naming none of them is keyed wrongly and must not pass as "no targets".
            if whole_panel and len(ids) and len(named) and not named.isin(ids).any():
                raise ValueError(f"target {label!r} names none of the panel's series (e.g. {named[0]!r}; "
                                 f"the panel has {ids[0]!r}, ...)")
            matrix[:, k] = spec.set_axis(spec.index.astype(str)).reindex(ids).to_numpy(dtype=float)
        else:
            try:
                value = float(spec)
            except (TypeError, ValueError):
                raise TypeError(f"target {label!r} must be a number or a Series indexed by series id; "
                                f"got {type(spec).__name__}") from None
            matrix[:, k] = value
        column = matrix[:, k]
        bad = ~np.isnan(column) & ~(np.isfinite(column) & (column > 0))
        if bad.any():
            raise ValueError(f"target {label!r} for series {ids[int(np.flatnonzero(bad)[0])]!r} is "
                             f"{column[bad][0]}; a target must be finite and positive")
    return matrix


def _progress_callback(progress: Optional[bool], total: int):
    """A tqdm bar: None shows it once the run has taken a second, True at once, False never."""
    if progress is False or total == 0:
        return None, None
    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit="series", delay=0.0 if progress else 1.0, desc="tradetarget panel")

    def update(done: int) -> None:
        bar.update(done - bar.n)

    return update, bar


def _year_column(values: list[Optional[int]]) -> pd.Series:
    return pd.Series(pd.array(values, dtype="Int64"))


def _flat(data: pd.DataFrame, id_col: str, year_col: str, value_col: str):
    """The panel sorted by series and year, as ids, offsets (series i is rows offsets[i]:offsets[i+1]),
    years and values, with the sorted frame and each row's id."""
    originals = pd.Series(pd.unique(data[id_col]))
    clash = originals[originals.astype(str).duplicated(keep=False)]
    if len(clash):
        raise ValueError(f"column {id_col!r}: the ids {', '.join(repr(v) for v in clash.tolist())} are different values "
                         "written the same way; name them differently")
    ordered = data.assign(**{year_col: pd.to_numeric(data[year_col]), value_col: pd.to_numeric(data[value_col])})
    ordered = ordered.sort_values([id_col, year_col], kind="stable")
    ids_per_row = ordered[id_col].astype(str).to_numpy()
    starts = np.flatnonzero(np.r_[True, ids_per_row[1:] != ids_per_row[:-1]]) if len(ordered) else np.array([], int)
    ids = [str(i) for i in ids_per_row[starts]]
    offsets = np.r_[starts, len(ordered)].astype(np.int64)
    years = ordered[year_col].to_numpy(dtype=np.int64)
    values = ordered[value_col].to_numpy(dtype=float)
    return ids, offsets, years, values, ordered, ids_per_row


def forecast_panel(
    data: Any,
    *,
    model: str = DEFAULT_MODEL,
    reference: Optional[ReferenceClass] = None,
    targets: Optional[Mapping[str, TargetSpec]] = None,
    by: Sequence[int] = DEFAULT_BY,
    horizon: int = 10,
    levels: Sequence[float] = (80, 95),
    n_paths: int = 1000,
    keep_paths: bool = False,
    seed: int = DEFAULT_SEED,
    threads: int = 0,
    capacity: Optional[float] = None,
    ets_class: Optional[str] = None,
    order: Optional[Sequence[int]] = None,
    constant: Optional[bool] = None,
    ensemble: Any = None,
    positive: Optional[bool] = None,
    box_cox: Any = None,
    biasadj: Optional[bool] = None,
    parameter_uncertainty: bool = True,
    progress: Optional[bool] = None,
    id_col: str = "unique_id",
    year_col: str = "year",
    value_col: str = "value",
    _partition: bool = False,
) -> Any:
    """Every series of a long panel at once: one row per series, fitted on all cores in C++.

    Parameters
    ----------
    data : pandas or Dask DataFrame
        One row per series and year: ``id_col``, ``year_col``, ``value_col``, and any columns
        that describe a series (flow, commodity, ...).
    model : str
        Any name of ``PANEL_MODELS``; by default ``DEFAULT_MODEL`` (``reference_rw``, the
        calibrated one: a random walk with drift in logs whose drift and volatility have a
        reference class as their prior).
    reference : ReferenceClass, optional
        That prior. By default the panel pools over its own series when it holds enough to learn
        from (``MIN_SERIES`` series with ``MIN_SEGMENTS`` segments of 13 consecutive years, or as
        long as its series where they are shorter, down to 4: see
        ``tradetarget.reference.panel_reference``), and otherwise uses the bundled reference class
        (world trade, Penn World Table). A Dask panel pools over the whole panel, not per
        partition. The class used is in ``result.attrs["reference"]``
        (``ReferenceClass.from_dict`` turns it back into one, e.g. to run a part of the panel with it).
    targets : mapping, optional
        label -> a level for every series, or a Series of levels indexed by series id (series it
        does not name get no target); e.g. ``{"double": 2 * last_values}``.
    by : years
        The years of P(reached by year); the first is the deadline of the required growth.
    horizon : int
        Forecast years after each series' last year.
    levels : percents
        The interval levels of the forecast columns.
    n_paths : int
        Sample paths per series for the first passage (0: forecasts only).
    keep_paths : bool
        Keep each series' paths in a ``paths`` column.
    seed : int
        Each series draws from a stream derived from this seed and its id: the same numbers on any
        number of threads, in any partition.
    threads : int
        0 uses every core.
    capacity, ets_class, order, constant : optional
        The model's options, as ``tt.fit`` takes them, the same for every series.
    ensemble : EnsembleWeights, list of str or dict, optional
        The pool and weights of ``model="ensemble"`` (default: equal weights over the default
        pool; ``tt.learn_ensemble(panel)`` learns them from a panel, e.g. this one). The weights
        used are in ``result.attrs["ensemble"]``.
    positive : bool, optional
        The models of levels: forecasts conditioned on a level above zero (default True; see
        ``tt.fit``); False gives R ``forecast``'s numbers. Recorded in ``result.attrs["positive"]``.
    box_cox, biasadj : optional
        ETS and ARIMA: a Box-Cox lambda, or 'auto' for each series' Guerrero lambda, and the
        back-transformation (see ``tt.fit``). Recorded in ``result.attrs["box_cox"]``.
    parameter_uncertainty : bool
        The level models' paths (ETS, ARIMA, Theta) draw their parameters from the posterior (a
        few ms more per series with paths); False simulates at the estimates, as R does.
    progress : bool, optional
        A tqdm bar; None shows it for runs longer than a second, False turns it off.
    id_col, year_col, value_col : str
        The columns' names.

    Returns
    -------
    DataFrame (pandas, or Dask for a Dask panel)
        The id, any input column constant within each series, ``model`` (the fitted class),
        ``error`` (why a series was not fitted; empty otherwise), ``n_years``, ``last_year``,
        ``last_value``, ``growth`` (the model's annual growth), ``point_h1`` ... with
        ``lower80_h1``/``upper80_h1`` ... per level, and per target ``{label}_*``: ``target``,
        ``already_reached_year`` (an observed year), ``median_year``, ``p10_year``, ``p90_year``,
        ``point_cross_year`` (when the point forecast crosses), ``prob_by_{year}``,
        ``required_growth``. ``long_forecasts()`` turns the forecast columns into one row per
        series and year.

    Raises
    ------
    ValueError
        A missing column, an unknown model, an option the model does not take, targets without
        paths. A series that cannot be fitted is not an error: its row says why in ``error``.
    TypeError
        A reference that is not a ``ReferenceClass``.

    Examples
    --------
    >>> import pandas as pd
    >>> import tradetarget as tt
    >>> panel = pd.DataFrame({"unique_id": ["exports"] * 6 + ["imports"] * 6, "year": list(range(2019, 2025)) * 2,
    ...                       "value": [1.1, 1.3, 1.2, 1.6, 1.7, 1.9, 2.0, 2.1, 2.5, 2.4, 2.8, 3.0]})
    >>> result = tt.forecast_panel(panel, targets={"double": 2 * panel.groupby("unique_id")["value"].last()},
    ...                            n_paths=1000, progress=False)
    >>> result[["unique_id", "double_prob_by_2030"]]
      unique_id  double_prob_by_2030
    0   exports                0.366
    1   imports                0.357
    """
    targets = dict(targets or {})
    horizon = arguments.whole("horizon", horizon, 1, 500, "years")
    n_paths = arguments.whole("n_paths", n_paths, 0, arguments.INT_MAX)
    seed = arguments.whole("seed", seed, 0, arguments.SEED_MAX)
    threads = arguments.whole("threads", threads, 0, 4096)
    by = [arguments.whole("a year of by", y) for y in arguments.one_or_many(by)]
    if targets and n_paths == 0:
        raise ValueError("targets need sample paths: n_paths is 0")
    if model not in PANEL_MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(PANEL_MODELS)}")
    if reference is not None and not isinstance(reference, ReferenceClass):
        raise TypeError(f"reference must be a tradetarget.ReferenceClass; got {type(reference).__name__}")
    own_options = dict(capacity=capacity, ets_class=ets_class, order=order, constant=constant, ensemble=ensemble,
                       positive=positive, box_cox=box_cox, biasadj=biasadj)
    model_options(model, reference=reference if "reference" in REGISTRY[model].required_options else None, **own_options)  # checked before any work
    if type(data).__module__.startswith("dask"):
        if "reference" in REGISTRY[model].required_options and reference is None and not _partition:
            # pooled over the whole panel (not per partition), so that the split changes nothing
            whole = data[[id_col, year_col, value_col]].compute()
            reference = panel_reference(*_flat(whole, id_col, year_col, value_col)[:4])
        return _forecast_dask(data, model=model, reference=reference, targets=targets, by=by, horizon=horizon, levels=levels,
                              n_paths=n_paths, keep_paths=keep_paths, seed=seed, threads=threads,
                              **own_options, parameter_uncertainty=parameter_uncertainty, id_col=id_col,
                              year_col=year_col, value_col=value_col)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"the panel must be a pandas or Dask DataFrame; got {type(data).__name__}")
    _check_frame(data, id_col, year_col, value_col)
    ids, offsets, years, values, ordered, ids_per_row = _flat(data, id_col, year_col, value_col)
    if keep_paths and len(ids):  # every series' paths are kept at once, to the last year asked for
        path_years = max(horizon, max(by, default=0) - int(years[offsets[1:] - 1].min()))
        arguments.check_path_memory(f"keep_paths: {len(ids):,} series x {n_paths:,} paths x {path_years} years",
                                    len(ids) * float(n_paths) * path_years)
    matrix = _target_matrix(targets, ids, whole_panel=not _partition)
    levels = [float(level) for level in levels]

    if "reference" in REGISTRY[model].required_options and reference is None:
        reference = panel_reference(ids, offsets, years, values)
    options, _ = model_options(model, reference=reference, parameter_uncertainty=parameter_uncertainty, **own_options)

    callback, bar = _progress_callback(progress, len(ids))
    try:
        results = _core.fit_panel(ids, offsets, years, values, matrix, model=model, horizon=int(horizon),
                                  levels=levels, by=[int(year) for year in by], n_paths=int(n_paths),
                                  keep_paths=bool(keep_paths), seed=int(seed), threads=int(threads),
                                  options=options, progress=callback)
    finally:
        if bar is not None:
            bar.close()

    out = pd.DataFrame({id_col: pd.Series(ids, dtype=object)})
    # Describing columns (flow, commodity, ...) that are constant within each series travel along.
    described = ordered.drop(columns=[year_col, value_col]).assign(**{id_col: ids_per_row})
    if len(described.columns) > 1:
        firsts = described.groupby(id_col, sort=False).first()
        constant = described.groupby(id_col, sort=False).nunique(dropna=False).le(1).all()
        for column in firsts.columns[constant.to_numpy()]:
            out[column] = firsts[column].reindex(ids).to_numpy()
    out["model"] = pd.Series([r.method for r in results], dtype=object, index=out.index)
    out["error"] = pd.Series([r.error for r in results], dtype=object, index=out.index)
    out["n_years"] = np.diff(offsets).astype(np.int64)
    last_rows = offsets[1:] - 1
    out["last_year"] = years[last_rows] if len(ids) else np.array([], np.int64)
    out["last_value"] = values[last_rows] if len(ids) else np.array([], float)
    out["growth"] = np.array([math.expm1(r.log_growth) if r.error == "" else math.nan for r in results], dtype=float)
    # The forecasts as arrays (series x horizon [x level]); NaN for a series not fitted.
    point = np.full((len(ids), int(horizon)), np.nan)
    lower = np.full((len(ids), int(horizon), len(levels)), np.nan)
    upper = np.full_like(lower, np.nan)
    for i, r in enumerate(results):
        if r.error == "":
            point[i], lower[i], upper[i] = r.point, r.lower, r.upper
    columns: dict[str, Any] = {}
    for h in range(int(horizon)):
        columns[f"point_h{h + 1}"] = point[:, h]
        for j, level in enumerate(levels):
            columns[f"lower{level:g}_h{h + 1}"] = lower[:, h, j]
            columns[f"upper{level:g}_h{h + 1}"] = upper[:, h, j]
    for k, label in enumerate(targets):
        summaries = []
        for i, r in enumerate(results):
            # r.targets holds this series' targets in order, without the NaN (absent) ones.
            position = int(np.count_nonzero(~np.isnan(matrix[i, :k])))
            summaries.append(r.targets[position] if r.error == "" and not math.isnan(matrix[i, k]) else None)
        columns[f"{label}_target"] = matrix[:, k]
        for name in ("already_reached_year", "median_year", "p10_year", "p90_year", "point_cross_year"):
            columns[f"{label}_{name}"] = _year_column([getattr(s, name) if s else None for s in summaries])
        for year in by:
            columns[f"{label}_prob_by_{int(year)}"] = [dict(s.prob_by)[int(year)] if s else math.nan for s in summaries]
        columns[f"{label}_required_growth"] = [s.required_growth if s else math.nan for s in summaries]
    typed = {name: (column if isinstance(column, pd.Series) else np.asarray(column, dtype=float))
             for name, column in columns.items()}
    out = pd.concat([out, pd.DataFrame(typed, index=out.index)], axis=1)
    if keep_paths:
        out["paths"] = [None if r.paths is None else np.exp(r.paths.log_level) for r in results]  # None: not fitted
    out.attrs.update(model=model, reference=None if reference is None else reference.to_dict(),
                     ensemble=ensemble_dict(options.ensemble) if options.ensemble is not None else None,
                     positive=bool(options.positive) if "positive" in REGISTRY[model].options else None,
                     box_cox=box_cox, biasadj=biasadj, horizon=int(horizon), levels=levels, by=[int(y) for y in by], seed=int(seed),
                     n_paths=int(n_paths), id_col=id_col)
    return out


def _forecast_dask(data: Any, *, id_col: str, **options: Any) -> Any:
    """The same computation per partition; rows of one series are first brought together."""
    if options["keep_paths"]:
        raise ValueError("keep_paths is not available for a Dask panel (paths would travel to the client); "
                         "run forecast_panel on the series you need in pandas")
    missing = [c for c in (id_col, options["year_col"], options["value_col"]) if c not in data.columns]
    if missing:
        raise ValueError(f"the panel has no column {missing[0]!r}; it has {list(data.columns)}")
    shuffled = data.shuffle(on=id_col)
    meta = forecast_panel(data._meta, id_col=id_col, progress=False, _partition=True, **options)

    def run(partition: pd.DataFrame) -> pd.DataFrame:
        result = forecast_panel(partition, id_col=id_col, progress=False, _partition=True, **options)
        return result[meta.columns].astype(meta.dtypes.to_dict())

    return shuffled.map_partitions(run, meta=meta)


def long_forecasts(result: pd.DataFrame) -> pd.DataFrame:
    """The forecast columns of ``forecast_panel``'s result as one row per series and year:
    ``unique_id``, ``year``, ``point`` and ``lower_80``, ``upper_80``, ... per level."""
    id_col = result.attrs.get("id_col", "unique_id")
    horizon = result.attrs.get("horizon") or sum(1 for c in result.columns if c.startswith("point_h"))
    levels = result.attrs.get("levels") or sorted({c[5:].split("_h")[0] for c in result.columns if c.startswith("lower")})
    frames = []
    for h in range(1, int(horizon) + 1):
        frame = pd.DataFrame({id_col: result[id_col].to_numpy(), "year": result["last_year"].to_numpy() + h,
                              "point": result[f"point_h{h}"].to_numpy()})
        for level in levels:
            label = f"{float(level):g}"
            frame[f"lower_{label}"] = result[f"lower{label}_h{h}"].to_numpy()
            frame[f"upper_{label}"] = result[f"upper{label}_h{h}"].to_numpy()
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    ok = result.set_index(id_col)["error"].eq("")
    out = out[out[id_col].map(ok).fillna(False).astype(bool)]
    return out.sort_values([id_col, "year"], kind="stable").reset_index(drop=True)
