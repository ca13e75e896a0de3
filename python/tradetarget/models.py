"""Fitting growth models and forecasting with sample paths (computation in the C++ core)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .arguments import INT_MAX, SEED_MAX, one_or_many, whole
from .money import format_money, to_amount
from .observations import Reconciled

__all__ = ["DEFAULT_MODEL", "DEFAULT_SEED", "REGISTRY", "GROWTH_MODELS", "LEVEL_MODELS", "MODELS", "MODEL_LABELS", "Fit", "Forecast", "check_levels", "fit"]

#: Every model of the C++ registry (registry.hpp), by name, in order: family, label, needs.
REGISTRY = {info.name: info for info in _core.model_registry()}
#: The calibrated model, the default answer (benchmarks/results/calibration.md shows its track record).
DEFAULT_MODEL = next(iter(REGISTRY))
#: The plain growth models compared beside it by default.
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

SeriesLike = Union[Reconciled, pd.Series, pd.DataFrame]


def _to_core(data: SeriesLike) -> _core.AnnualSeries:
    if isinstance(data, Reconciled):
        return data.to_core()
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
            f"expected a Reconciled series, a pandas Series or a DataFrame; got {type(data).__name__}"
        )
    try:
        year_list = [int(y) for y in years]
        value_list = [float(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"years must be integers and values numbers ({exc})") from None
    if any(int(y) != y for y in np.asarray(years, dtype=float)):
        raise ValueError("years must be whole numbers")
    return _core.AnnualSeries.from_levels(year_list, value_list, log_sd or [])


@dataclass
class Fit:
    """A growth model fitted to an annual series."""

    model: str
    series: _core.AnnualSeries
    core: _core.GrowthModel = field(repr=False)
    capacity: float = float("nan")
    reference: object = field(default=None, repr=False)  # the ReferenceClass of reference_rw

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
        """What was fitted, to what, and what it says: the class, the years, the growth and the estimates."""
        years = list(self.series.years)
        lines = [f"{self.model}: {REGISTRY[self.model].label}",
                 f"  fitted class: {self.method}; {len(years)} years, {years[0]}-{years[-1]}",
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
        """Simulate seeded sample paths and summarise them by year.

        Paths carry innovation, parameter and (unless ``source_uncertainty=False``) source
        uncertainty; the same seed gives the same numbers. ``parameter_uncertainty=False`` simulates
        the level models (ETS, ARIMA, Theta) at their estimates, as R does.
        """
        levels = check_levels(levels)
        horizon, n_paths = whole("horizon", horizon, 1, 500, "years"), whole("n_paths", n_paths, 1, INT_MAX)
        seed = whole("seed", seed, 0, SEED_MAX)
        reference = None if self.reference is None else self.reference.core
        core = self.core
        if not parameter_uncertainty and REGISTRY[self.model].family == "levels":
            # the level models draw their parameters when fitted: at their estimates is another fit
            core = _core.fit_model(self.model, self.series, self.capacity, parameter_uncertainty=False,
                                   reference=reference)
        result = _core.forecast_series(core, self.series, horizon=horizon, levels=list(levels), n_paths=n_paths,
                                       seed=seed, source_uncertainty=source_uncertainty, capacity=self.capacity,
                                       parameter_uncertainty=parameter_uncertainty, reference=reference)
        return Forecast(model=self.model, paths=result.paths, observed=self.series, point_log=result.point_log,
                        log_growth=result.log_growth, levels=levels, seed=seed)

    def __repr__(self) -> str:
        return f"Fit({self.model}, growth {self.growth:+.1%}/yr ± {self.log_growth_se:.3f} log)"


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
        """One row per target (a number or an amount such as '10B'): when the paths first reach it
        (median and 10%/90% years; <NA> when not within the horizon), P(reached by each year in
        ``by``), the year the point forecast crosses, and the growth the target needs by ``deadline``
        (default: the first of ``by``) beside the historical rate. A target already reached in an
        observed year is reported with that year. ``by`` defaults to 2030 and 2035, those of them the
        paths reach (else their last year)."""
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


def fit(data: SeriesLike | None = None, model: str = DEFAULT_MODEL, capacity: float | None = None,
        reference=None) -> Fit:
    """Fit ``model`` (``GROWTH_MODELS``: 'reference_rw', 'loglinear', 'rw_drift', 'logistic', ...) to a
    reconciled series, a pandas Series indexed by year, or a DataFrame with year/value (and
    optionally log_sd) columns. ``None`` uses the bundled Kazakhstan–Türkiye total trade.
    ``capacity`` fixes the level a saturating curve levels off at (default: estimated).
    ``reference``: the prior of 'reference_rw' (a ``ReferenceClass``; default: the bundled one)."""
    if data is None:
        from .observations import reconcile

        data = reconcile()
    if not isinstance(model, str):
        raise TypeError(f"model must be a name such as 'rw_drift'; got {type(model).__name__}")
    if model not in REGISTRY:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(REGISTRY)}"
                         + (" (the measurement model works on the statements: tt.measure())" if model == "measurement" else ""))
    if capacity is not None and not REGISTRY[model].takes_capacity:
        raise ValueError(f"capacity is for the saturating curves "
                         f"({', '.join(n for n, i in REGISTRY.items() if i.takes_capacity)}); {model} has none")
    series = _to_core(data)
    cap = float("nan") if capacity is None else to_amount(capacity, "capacity")
    from .reference import ReferenceClass, bundled_reference

    if reference is not None and not isinstance(reference, ReferenceClass):
        raise TypeError(f"reference must be a tradetarget.ReferenceClass; got {type(reference).__name__}")
    if reference is not None and not REGISTRY[model].needs_reference:
        raise ValueError(f"a reference class is the prior of {DEFAULT_MODEL}; {model} takes none")
    if REGISTRY[model].needs_reference and reference is None:
        reference = bundled_reference()
    core = _core.fit_model(model, series, cap, reference=None if reference is None else reference.core)
    return Fit(model=model, series=series, core=core, capacity=cap, reference=reference)
