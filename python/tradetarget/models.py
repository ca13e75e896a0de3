"""Fitting growth models and forecasting with sample paths (computation in the C++ core)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .arguments import INT_MAX, SEED_MAX, one_or_many, whole
from .money import format_money, to_amount
from .observations import Reconciled

__all__ = ["DEFAULT_MODEL", "DEFAULT_SEED", "REGISTRY", "GROWTH_MODELS", "LEVEL_MODELS", "MODELS", "MODEL_LABELS", "Fit", "Forecast",
           "check_levels", "fit", "model_options", "parse_arima"]

#: Every model of the C++ registry (registry.hpp), by name, in order: family, label, needs.
REGISTRY = {info.name: info for info in _core.model_registry()}
#: The calibrated model, the default answer (benchmarks/results/calibration.md shows its track record).
DEFAULT_MODEL = next(iter(REGISTRY))
#: The plain growth models in logs, raw (the series alone): compared beside the answer on request.
MODELS = tuple(name for name, info in REGISTRY.items() if info.family == "growth")
MODEL_LABELS = {
    **{name: info.label for name, info in REGISTRY.items()},
    # not registry models: the measurement model works on statements, the combination on paths
    "measurement": "measurement model: every statement, latent random walk with drift (Kalman)",
    "combination": "equal-weight combination of the models above, mixed at the level of sample paths",
}
#: Growth models fitted to an annual series in logs (``fit``).
GROWTH_MODELS = tuple(name for name, info in REGISTRY.items() if info.family != "levels")
#: Models of the levels of gap-free series, usable by the target engine too.
LEVEL_MODELS = tuple(name for name, info in REGISTRY.items() if info.family == "levels")
DEFAULT_SEED = int(_core.DEFAULT_SEED)  # random.hpp
#: The years P(target reached by year) is stated for unless asked otherwise.
DEFAULT_BY = (2030, 2035)

SeriesLike = Union[Reconciled, pd.Series, pd.DataFrame, Sequence[float], np.ndarray]


def _is_positions(index: pd.Index) -> bool:
    """An index 1..n that is not named 'year': positions, as of a series without calendar years."""
    return index.name != "year" and len(index) > 0 and pd.api.types.is_integer_dtype(index) \
        and bool((np.asarray(index) == np.arange(1, len(index) + 1)).all())


def _to_core(data: SeriesLike) -> _core.AnnualSeries:
    """The series in the core's terms. Calendar years come from the index or a 'year' column; a
    plain sequence of numbers (or a Series indexed 1..n) is indexed by position, as R's ts() is."""
    if isinstance(data, Reconciled):
        return data.to_core()
    if isinstance(data, (list, tuple, np.ndarray)) or (isinstance(data, pd.Series) and _is_positions(data.index)):
        values = np.asarray(data.to_numpy() if isinstance(data, pd.Series) else data)
        if values.ndim != 1:
            raise ValueError(f"a series is one-dimensional; got an array of shape {values.shape}")
        try:
            numbers = [float(v) for v in values]
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the values must be numbers ({exc})") from None
        return _core.AnnualSeries.from_steps(numbers)
    if isinstance(data, pd.Series):
        years, values, log_sd = data.index, data.to_numpy(), None
    elif isinstance(data, pd.DataFrame):
        if "value" not in data.columns:
            raise ValueError("a DataFrame series needs a 'value' column (and 'year' or a year index)")
        years = data["year"] if "year" in data.columns else data.index
        values = data["value"].to_numpy()
        log_sd = data["log_sd"].tolist() if "log_sd" in data.columns else None
    else:
        raise TypeError(
            f"expected a Reconciled series, a pandas Series, a DataFrame or a sequence of numbers; got {type(data).__name__}"
        )
    try:
        year_list = [int(y) for y in years]
        value_list = [float(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"years must be integers and values numbers ({exc})") from None
    if any(int(y) != y for y in np.asarray(years, dtype=float)):
        raise ValueError("years must be whole numbers")
    return _core.AnnualSeries.from_levels(year_list, value_list, log_sd or [])


def model_options(model: str, *, capacity=None, reference=None, ets_class: str | None = None,
                  order: Sequence[int] | str | None = None, constant: bool | None = None,
                  ensemble=None, positive: bool | None = None, box_cox: float | str | None = None,
                  biasadj: bool | None = None,
                  parameter_uncertainty: bool = True) -> tuple[_core.ModelOptions, object]:
    """The options of ``model`` in the core's terms, checked against the registry: an option the
    model does not read is an error naming the models that do. Returns them with the reference
    class used (reference_rw's default: the bundled one)."""
    if not isinstance(model, str):
        raise TypeError(f"model must be a name such as 'rw_drift'; got {type(model).__name__}")
    if model not in REGISTRY:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(REGISTRY)}"
                         + (" (the measurement model works on the statements: tt.measure())" if model == "measurement" else ""))
    info = REGISTRY[model]
    given = {"capacity": capacity, "reference": reference, "ets_class": ets_class,
             "arima_order": None if order is None and constant is None else (order, constant), "ensemble": ensemble,
             "positive": positive, "box_cox": box_cox}
    for option, value in given.items():
        if value is not None and option not in info.options:
            takers = [n for n, i in REGISTRY.items() if option in i.options]
            if option == "positive":
                raise ValueError(f"positive is for the models of levels ({', '.join(takers)}); {model} models logs, "
                                 "whose forecasts are positive as they are")
            if option == "box_cox":
                raise ValueError(f"a Box-Cox transformation is for {', '.join(takers)}; {model} does not take one")
            what = {"capacity": "capacity is for the saturating curves", "reference": "a reference class is the prior of",
                    "ets_class": "ets_class is the class of", "arima_order": "order and constant are of",
                    "ensemble": "pool and weights are of"}[option]
            raise ValueError(f"{what} ({', '.join(takers)}); {model} has none" if option == "capacity"
                             else f"{what} {', '.join(takers)}; {model} takes none")
    options = _core.ModelOptions()
    options.parameter_uncertainty = bool(parameter_uncertainty)
    if positive is not None:
        if not isinstance(positive, (bool, np.bool_)):
            raise TypeError(f"positive must be True or False; got {type(positive).__name__}")
        options.positive = bool(positive)
    if biasadj is not None and box_cox is None:
        raise ValueError("biasadj is the back-transformation of a Box-Cox model; give box_cox too")
    if box_cox is not None:
        if isinstance(box_cox, str):
            if box_cox != "auto":
                raise ValueError(f"box_cox must be a number (lambda) or 'auto' (Guerrero's lambda); got {box_cox!r}")
            options.box_cox_auto = True
        elif isinstance(box_cox, (bool, np.bool_)) or not isinstance(box_cox, (int, float, np.integer, np.floating)):
            raise TypeError(f"box_cox must be a number (lambda) or 'auto'; got {type(box_cox).__name__}")
        elif not np.isfinite(box_cox):  # NaN would mean "no transformation" to the core
            raise ValueError(f"the Box-Cox lambda must be finite; got {box_cox}")
        else:
            options.box_cox_lambda = float(box_cox)
    if biasadj is not None:
        if not isinstance(biasadj, (bool, np.bool_)):
            raise TypeError(f"biasadj must be True or False; got {type(biasadj).__name__}")
        options.biasadj = bool(biasadj)
    if capacity is not None:
        options.capacity = to_amount(capacity, "capacity")
    from .reference import ReferenceClass, bundled_reference

    if reference is not None and not isinstance(reference, ReferenceClass):
        raise TypeError(f"reference must be a tradetarget.ReferenceClass; got {type(reference).__name__}")
    if "reference" in info.required_options and reference is None:
        reference = bundled_reference()
    if reference is not None:
        options.reference = reference.core
    if ets_class is not None:
        if not isinstance(ets_class, str):
            raise TypeError(f"ets_class must be a name such as 'AAN'; got {type(ets_class).__name__}")
        options.ets_class = ets_class
    if order is not None or constant is not None:
        options.arima_order = _arima_order(order, constant)
    if "ensemble" in info.options:
        from .ensemble import as_weights

        options.ensemble = as_weights(ensemble)
    return options, reference


def _arima_order(order, constant: bool | None) -> _core.ArimaOrder:
    """(p, d, q) or 'ARIMA(p,d,q)', with the constant (default: one, the mean for d = 0 and the drift
    for d = 1; none for d = 2, which cannot have one)."""
    if order is None:
        raise ValueError("an ARIMA order is needed: order=(p, d, q)")
    if isinstance(order, str):
        order = parse_arima(order)
    parts = list(order) if isinstance(order, (list, tuple, np.ndarray)) else []
    if len(parts) != 3 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in parts):
        raise ValueError(f"order must be (p, d, q), three whole numbers; got {order!r}")
    p, d, q = (int(v) for v in parts)
    if constant is not None and not isinstance(constant, (bool, np.bool_)):
        raise TypeError(f"constant must be True or False; got {constant!r}")
    return _core.ArimaOrder(p, d, q, (d < 2) if constant is None else bool(constant))


def parse_arima(name: str) -> tuple[int, int, int]:
    """'ARIMA(1,1,1)' -> (1, 1, 1)."""
    import re

    match = re.fullmatch(r"\s*ARIMA\s*\(\s*(\d)\s*,\s*(\d)\s*,\s*(\d)\s*\)\s*", name, flags=re.IGNORECASE)
    if not match:
        raise ValueError(f"{name!r} is not an ARIMA order; write e.g. ARIMA(1,1,1)")
    p, d, q = (int(g) for g in match.groups())
    return p, d, q


@dataclass
class Fit:
    """Any model of the registry fitted to a series: one type for all of them."""

    model: str
    series: _core.AnnualSeries
    core: _core.GrowthModel = field(repr=False)
    options: _core.ModelOptions = field(repr=False)
    reference: object = field(default=None, repr=False)  # the ReferenceClass of reference_rw

    @property
    def capacity(self) -> float:
        """The capacity given to a saturating curve (NaN: estimated, or not a curve)."""
        return float(self.options.capacity)

    @property
    def growth(self) -> float:
        """Estimated annual growth, exp(log_growth) - 1 (glossary: growth)."""
        return float(np.expm1(self.core.log_growth))

    @property
    def log_growth(self) -> float:
        """Estimated log growth per year."""
        return float(self.core.log_growth)

    @property
    def log_growth_se(self) -> float:
        """Standard error of the log growth per year."""
        return float(self.core.log_growth_se)

    @property
    def params(self) -> dict[str, float]:
        return dict(self.core.params)

    @property
    def method(self) -> str:
        """The fitted class in words (e.g. 'ETS(M,A,N)'); the model's name where there is one class."""
        return str(self.core.method)

    @property
    def coefficients(self) -> pd.DataFrame:
        """One row per estimate: the log growth per year with its standard error, then the model's
        named parameters (their standard errors where the model gives one; else <NA>)."""
        rows = [{"name": "log_growth", "estimate": self.log_growth, "std_error": self.log_growth_se}]
        rows += [{"name": k, "estimate": v, "std_error": np.nan} for k, v in self.params.items()]
        return pd.DataFrame(rows).set_index("name")

    @property
    def residuals(self) -> pd.Series:
        """The innovation residuals by year: one-step-ahead errors on the scale of the model's
        innovations (logs for the log models; levels, or relative errors for multiplicative ETS, for
        models of levels; FPP3 §5.3). Empty for the AICc-weighted ETS mixture."""
        d = self.core.diagnostics
        return pd.Series(list(d.residuals), index=pd.Index(list(d.years), name="year"), name="residual", dtype=float)

    @property
    def information_criteria(self) -> pd.Series:
        """log_likelihood (maximised; reference_rw: marginal, given its reference class), n_parameters
        (the variance included), n_observations, aic, aicc, bic. NaN where the model has no
        likelihood of its own (theta, ets_aicc)."""
        d = self.core.diagnostics
        return pd.Series({"log_likelihood": d.log_likelihood, "n_parameters": d.n_parameters,
                          "n_observations": d.n_observations, "aic": d.aic, "aicc": d.aicc, "bic": d.bic})

    def summary(self) -> str:
        """What was fitted, to what, and what it says: the class, the years, the growth, the
        reference class (reference_rw), the estimates and, where the model has a likelihood, the
        information criteria.

        Returns
        -------
        str
            Lines of text, the first naming the model and its registry label.

        Examples
        --------
        >>> import tradetarget as tt
        >>> print(tt.fit([3.4e9, 5.3e9, 4.0e9, 4.6e9, 5.4e9], "rw_drift").summary().splitlines()[0])
        rw_drift: random walk with drift in logs (geometric Brownian motion, annual)
        """
        years = list(self.series.years)
        label = REGISTRY[self.model].label
        if "lambda" in self.params:  # a Box-Cox fit: the model is not on the levels themselves
            transformed = f" on Box-Cox transformed levels (lambda {self.params['lambda']:.4g})"
            label = label.replace(" on levels", transformed) if " on levels" in label else label + ";" + transformed
        lines = [f"{self.model}: {label}",
                 f"  fitted class: {self.method}; {len(years)} {'years' if self.index_name == 'year' else 'values'}, "
                 f"{years[0]}-{years[-1]}",
                 f"  growth {self.growth:+.2%} a year (log growth {self.log_growth:.4f}, s.e. {self.log_growth_se:.4f})"]
        if self.reference is not None:
            lines.append(f"  reference class: {self.reference.describe()}")
        lines += [f"  {k} = {v:.6g}" for k, v in self.params.items()]
        ic = self.information_criteria
        if np.isfinite(ic["log_likelihood"]):
            lines.append(f"  log likelihood {ic['log_likelihood']:.4f} ({int(ic['n_parameters'])} parameters, "
                         f"{int(ic['n_observations'])} observations): AIC {ic['aic']:.4f}, AICc {ic['aicc']:.4f}, BIC {ic['bic']:.4f}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = (f"<b>{self.model}</b> ({self.method}): growth {self.growth:+.1%} a year, "
                f"log growth s.e. {self.log_growth_se:.3f}")
        return head + self.coefficients.to_html(float_format=lambda v: f"{v:.6g}", na_rep="")

    def forecast(
        self,
        horizon: int = 30,
        n_paths: int = 20000,
        seed: int = DEFAULT_SEED,
        levels: Sequence[float] = (80, 95),
        source_uncertainty: bool = True,
        parameter_uncertainty: bool = True,
    ) -> Forecast:
        """Simulate seeded sample paths and summarise them by year: what the target engine works on.

        Parameters
        ----------
        horizon : int
            Years to simulate after the last observed one (1 to 500).
        n_paths : int
            Sample paths; the same seed gives the same numbers on any machine and thread count.
        seed : int
            The seed of the paths' random streams.
        levels : sequence of float
            Interval levels in percent, for the table (e.g. 80 and 95).
        source_uncertainty : bool
            Paths also carry the disagreement of the sources (each path refits the model to a
            series redrawn within the years' ``log_sd``); False: the series as given.
        parameter_uncertainty : bool
            The models of levels (ETS, ARIMA, Theta) draw their parameters from the posterior for
            each path; False simulates them at their estimates, as R's ``simulate()`` does. The
            models in logs always integrate their parameters out.

        Returns
        -------
        Forecast
            ``table`` (by year: point forecast, median and interval bounds of the paths),
            ``paths`` and ``time_to_target(targets, by=...)``.

        Raises
        ------
        ValueError
            A horizon, path count, seed or level out of range, naming it.

        Examples
        --------
        >>> import tradetarget as tt
        >>> fc = tt.fit([3.4e9, 5.3e9, 4.0e9, 4.6e9, 5.4e9], "rw_drift").forecast(horizon=8, n_paths=4000, seed=1)
        >>> list(fc.table.columns)
        ['point', 'median', 'lower_80', 'upper_80', 'lower_95', 'upper_95']
        >>> fc.paths.log_level.shape
        (4000, 8)
        """
        levels = check_levels(levels)
        horizon, n_paths = whole("horizon", horizon, 1, 500, "years"), whole("n_paths", n_paths, 1, INT_MAX)
        seed = whole("seed", seed, 0, SEED_MAX)
        options = copy.copy(self.options)
        options.parameter_uncertainty = bool(parameter_uncertainty)
        result = _core.forecast_series(self.core, self.series, horizon=horizon, levels=list(levels), n_paths=n_paths,
                                       seed=seed, source_uncertainty=source_uncertainty, options=options)
        return Forecast(model=self.model, paths=result.paths, observed=self.series, point_log=result.point_log,
                        log_growth=result.log_growth, levels=levels, seed=seed)

    def intervals(self, horizon: int = 10, levels: Sequence[float] = (80, 95)) -> pd.DataFrame:
        """The closed-form forecast, no simulation: by year (or position), the point forecast and the
        bounds of each interval level.

        For the models of levels (ETS, ARIMA, Theta, ensemble) these are R ``forecast()``'s numbers
        (the mean and normal bounds, innovations only), conditioned on a level above zero unless
        the fit was made with ``positive=False`` (``tt.fit``); for the models in logs the
        predictive median and Student-t bounds (parameter uncertainty included). ``forecast()``
        gives the paths that the target engine needs, with parameter and source uncertainty.

        Parameters
        ----------
        horizon : int
            Years (or steps) after the last observed one (1 to 500).
        levels : sequence of float
            Interval levels in percent.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year`` (``step`` for a series given as plain numbers): ``point`` and
            ``lower_<level>``, ``upper_<level>`` for each level.

        Examples
        --------
        >>> import tradetarget as tt
        >>> table = tt.fit([112.0, 118.0, 132.0, 129.0, 121.0, 135.0, 148.0], "auto_ets").intervals(3, levels=[80])
        >>> list(table.columns), table.index.name
        (['point', 'lower_80', 'upper_80'], 'step')
        >>> bool((table["lower_80"] < table["point"]).all() and (table["point"] < table["upper_80"]).all())
        True
        """
        levels = check_levels(levels)
        horizon = whole("horizon", horizon, 1, 500, "years")
        last = int(self.core.last_year)
        years = range(last + 1, last + 1 + horizon)
        out = pd.DataFrame({"point": [self.core.point_forecast(y) for y in years]},
                           index=pd.RangeIndex(last + 1, last + 1 + horizon, name=self.index_name))
        for level in levels:
            out[f"lower_{level:g}"] = [self.core.forecast_quantile(y, 0.5 - level / 200) for y in years]
            out[f"upper_{level:g}"] = [self.core.forecast_quantile(y, 0.5 + level / 200) for y in years]
        return out

    @property
    def index_name(self) -> str:
        """'year' for a series of calendar years, 'step' for one indexed by position."""
        return "step" if self.series.years[0] == 1 else "year"

    def __repr__(self) -> str:
        return f"Fit({self.model}: {self.method}, growth {self.growth:+.1%}/yr ± {self.log_growth_se:.3f} log)"


@dataclass
class Forecast:
    """Sample paths from a fitted model, with quantile tables.

    ``observed`` is the annual series the target engine treats as observed (already-reached
    targets, base year, historical growth); ``point_log`` the point forecast (log of the
    predictive median) for each path year; ``log_growth`` the model's log growth per year.
    """

    model: str
    paths: _core.SamplePaths = field(repr=False)
    observed: _core.AnnualSeries = field(repr=False)
    point_log: np.ndarray = field(repr=False)
    log_growth: float
    levels: tuple[float, ...]
    seed: int
    _passages: dict = field(default_factory=dict, repr=False, compare=False)

    def _passage(self, target: float) -> _core.FirstPassage:
        """The first-passage distribution of one target, computed once (the table and the curve share it)."""
        if target not in self._passages:
            self._passages[target] = _core.first_passage(self.paths, target, self.observed)
        return self._passages[target]

    @property
    def years(self) -> pd.Index:
        return pd.RangeIndex(self.paths.first_year, self.paths.last_year + 1, name="year")

    @property
    def table(self) -> pd.DataFrame:
        """By year: the point forecast (predictive median level) and, from the paths, the median
        and the lower/upper bounds of each interval level."""
        probs = [0.5]
        for level in self.levels:
            probs += [(1 - level / 100) / 2, (1 + level / 100) / 2]
        q = _core.path_quantiles(self.paths, probs)
        out = pd.DataFrame(index=self.years)
        out["point"] = np.exp(self.point_log)
        out["median"] = q[:, 0]
        for i, level in enumerate(self.levels):
            out[f"lower_{level:g}"] = q[:, 1 + 2 * i]
            out[f"upper_{level:g}"] = q[:, 2 + 2 * i]
        return out

    def time_to_target(self, targets: Iterable[Union[float, str]], by: Optional[Sequence[int]] = None,
                       deadline: int | None = None) -> pd.DataFrame:
        """When the paths first reach each target, and how likely by each year.

        Parameters
        ----------
        targets : numbers or amounts
            Levels in the data's units, or amounts such as ``"10B"``.
        by : years, optional
            The years of P(reached by year); default 2030 and 2035, those of them the paths reach
            (else their last year).
        deadline : int, optional
            The year the required growth is computed to (default: the first of ``by``).

        Returns
        -------
        DataFrame
            One row per target: ``median_year``, ``p10_year``, ``p90_year`` (the first calendar year
            at or above the target across the paths; <NA> when not within the horizon),
            ``prob_by_{year}``, ``point_cross_year`` (when the point forecast crosses),
            ``already_reached_year`` (an observed year at or above it), ``required_growth`` by the
            deadline beside ``historical_growth``, and ``model_growth``.

        Raises
        ------
        ValueError
            No target, a target that is not a positive amount, a year that is not whole.

        Examples
        --------
        >>> import pandas as pd
        >>> import tradetarget as tt
        >>> trade = pd.Series([3.35e9, 5.3e9, 4.0e9, 4.6e9, 5.4e9], index=range(2020, 2025))
        >>> forecast = tt.fit(trade).forecast(horizon=15, n_paths=2000)
        >>> table = forecast.time_to_target(["10B", "15B"], by=[2030, 2035])
        """
        if by is None:
            by = [y for y in DEFAULT_BY if self.paths.first_year <= y <= self.paths.last_year] or [self.paths.last_year]
        by = [whole("a year of by", y) for y in one_or_many(by)]
        deadline = by[0] if deadline is None else whole("deadline", deadline)
        targets = [to_amount(t) for t in one_or_many(targets)]
        if not targets:
            raise ValueError("at least one target is needed")
        rows = []
        for target in targets:
            passage = self._passage(target)
            s = _core.summarize_target(passage, self.point_log, self.log_growth, self.observed, by, deadline)
            rows.append({
                "target": s.target, "model": self.model, "already_reached_year": s.already_reached_year,
                "median_year": s.median_year, "p10_year": s.p10_year, "p90_year": s.p90_year,
                "point_cross_year": s.point_cross_year, **{f"prob_by_{year}": p for year, p in s.prob_by},
                "required_growth": s.required_growth, "deadline": s.deadline, "base_year": s.base_year,
                "base_value": s.base_value, "historical_growth": s.historical_growth,
                "historical_from": s.historical_from, "model_growth": s.model_growth, "horizon_end": s.horizon_end,
            })
        table = pd.DataFrame(rows)
        for column in ("already_reached_year", "median_year", "p10_year", "p90_year", "point_cross_year"):
            table[column] = pd.array(table[column].tolist(), dtype="Int64")
        return table

    def first_passage_table(self, targets: Iterable[Union[float, str]]) -> pd.DataFrame:
        """P(first reached in or before each year), one column per target (index: year)."""
        columns = {}
        for target in (to_amount(t) for t in targets):
            passage = self._passage(target)
            columns[target] = [passage.probability_by(int(y)) for y in self.years]
        return pd.DataFrame(columns, index=self.years)

    def __repr__(self) -> str:
        t = self.table
        last = t.index[-1]
        return (f"Forecast({self.model}, {len(self.paths.log_level):,} paths, {t.index[0]}-{last}: "
                f"median {format_money(float(t.loc[last, 'median']))} in {last}"
                + (f", 80% {format_money(float(t.loc[last, 'lower_80']))} to {format_money(float(t.loc[last, 'upper_80']))}"
                   if "lower_80" in t else "") + "; .table, .time_to_target(targets))")

    def _repr_html_(self) -> str:
        return (f"<b>Forecast</b>: {self.model}, {len(self.paths.log_level):,} seeded paths (seed {self.seed})"
                + self.table.to_html(float_format=format_money))

    def sample_paths(self) -> pd.DataFrame:
        """All paths as levels: one row per path, one column per year."""
        return pd.DataFrame(np.exp(self.paths.log_level), columns=self.years)


def check_levels(levels: Sequence[float]) -> tuple[float, ...]:
    for level in levels:
        if not 1 <= level < 100:
            raise ValueError(f"interval levels are percentages such as 80 or 95; got {level}")
    return tuple(levels)


def fit(data: SeriesLike | None = None, model: str = DEFAULT_MODEL, capacity: float | str | None = None,
        reference=None, *, ets_class: str | None = None, order: Sequence[int] | str | None = None,
        constant: bool | None = None, ensemble=None, positive: bool | None = None,
        box_cox: float | str | None = None, biasadj: bool | None = None) -> Fit:
    """Fit any model of the registry to one annual series.

    Parameters
    ----------
    data : Reconciled, pandas Series, DataFrame, sequence of numbers or None
        A reconciled series (``tt.reconcile()``), a Series indexed by year, a DataFrame with
        ``year`` and ``value`` (and optionally ``log_sd``) columns, or plain numbers (indexed 1..n,
        as R's ``ts()``). None: the bundled Kazakhstan–Türkiye total trade.
    model : str
        A name of ``tt.models.REGISTRY``: 'reference_rw' (the calibrated default), 'loglinear',
        'rw_drift', 'logistic', 'gompertz', 'local_linear_trend', 'auto_ets', 'ets', 'ets_aicc',
        'auto_arima', 'arima', 'theta', the Theta family ('standard_theta', 'optimized_theta',
        'dynamic_theta', 'dynamic_optimized_theta', 'auto_theta') and 'ensemble'.
    capacity : float or str, optional
        The level a saturating curve levels off at ('logistic', 'gompertz'; default: estimated).
    reference : ReferenceClass, optional
        The prior of 'reference_rw' (default: the bundled one, world trade).
    ets_class : str, optional
        The class of 'ets': 'ANN', 'AAN', 'AAdN', 'MNN', 'MAN' or 'MAdN'.
    order, constant : optional
        (p, d, q) and the constant of 'arima' (default constant: the mean for d = 0, the drift
        for d = 1).
    ensemble : EnsembleWeights, list of str or dict, optional
        The pool and weights of 'ensemble': weights learnt on a panel (``tt.learn_ensemble``), a
        list of models (equal weights) or ``{model: weight}``; default: equal weights over
        auto_ets, auto_arima, theta, dynamic_optimized_theta, optimized_theta and rw_drift.
    positive : bool, optional
        The models of levels only (family 'levels'). True (the default): no point forecast, bound
        or path of a positive series is at or below zero. The additive models' normal forecast is
        truncated at zero (where it puts next to no mass there, this changes nothing); the ETS
        classes with multiplicative errors take the lognormal with the normal's mean and variance
        (R's point forecast, skewed positive bounds). False: R ``forecast``'s numbers exactly,
        bounds and ARIMA point forecasts below zero included.
    box_cox : float or 'auto', optional
        ETS and ARIMA ('ets', 'auto_ets', 'ets_aicc', 'arima', 'auto_arima'): fit the model to the
        Box-Cox transformed series, (y^lambda - 1) / lambda (log y at 0), as R's
        ``ets(lambda =)`` and ``auto.arima(lambda =)``; 'auto': Guerrero's lambda in [-0.9, 2],
        as R's ``lambda = "auto"``. ETS then takes its additive-error classes only. The level's
        bounds are the inverse transform of the model's; with ``positive`` (the default) its
        normal is conditioned on a positive, finite level, and the series is transformed over
        its geometric mean (``params["box_cox_unit"]``), so that the unit (dollars or billions)
        changes nothing. Needs values > 0.
    biasadj : bool, optional
        With ``box_cox``: True (the default) makes the point forecast the level's mean, by R's
        bias adjustment (``biasadj = TRUE``); False, the inverse transform of the model's mean (a
        median), R's default.

    Returns
    -------
    Fit
        ``summary()``, ``coefficients``, ``residuals``, ``information_criteria``, ``intervals()``
        and ``forecast()`` (sample paths for the target engine).

    Raises
    ------
    ValueError
        An unknown model, an option the model does not take (``REGISTRY[name].options``), or a
        series the model cannot fit (too few years, gaps for a level model, values <= 0 for a
        model in logs), naming the problem.
    TypeError
        Data or an option of the wrong type.

    Examples
    --------
    >>> import tradetarget as tt
    >>> fit = tt.fit()                                   # reference_rw on the bundled series
    >>> forecast = fit.forecast(horizon=10, n_paths=2000, seed=1)
    >>> table = tt.time_to_target(forecast, [10e9], by=[2030])
    >>> ets = tt.fit([3.4, 5.3, 4.0, 4.6, 5.4, 5.9, 6.4], "auto_ets")
    """
    if data is None:
        from .observations import reconcile

        data = reconcile()
    options, reference = model_options(model, capacity=capacity, reference=reference, ets_class=ets_class,
                                       order=order, constant=constant, ensemble=ensemble, positive=positive,
                                       box_cox=box_cox, biasadj=biasadj)
    series = _to_core(data)
    core = _core.fit_model(model, series, options)
    return Fit(model=model, series=series, core=core, options=options, reference=reference)
