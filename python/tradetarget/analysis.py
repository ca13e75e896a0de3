"""The main job: observations -> series -> every model -> time to every target, in one call."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._version import __version__
from .measurement import Measured, measure
from .models import DEFAULT_BY, DEFAULT_MODEL, DEFAULT_SEED, REGISTRY, MODEL_LABELS, MODELS, Fit, Forecast, fit
from .arguments import INT_MAX, SEED_MAX, check_path_memory, one_or_many, whole
from .money import format_money, to_amount, units_note
from .observations import ObservationSource, Reconciled, reconcile
from .reference import ReferenceClass, bundled_reference, model_track_record, track_record
from .targets import first_passage_table, time_to_target

__all__ = ["ANALYSIS_MODELS", "AVAILABLE_MODELS", "COMPARISON_MODELS", "SCHEMA_VERSION", "Analysis", "analyze", "strict_json"]

#: What analyze() runs by default: the calibrated model, whose statements have come true as often
#: as they say on real series (benchmarks/results/calibration.md).
ANALYSIS_MODELS = (DEFAULT_MODEL,)
#: The answer with the raw models beside it (``--model compare``): the plain growth models and the
#: measurement model, each on the series' own history alone. On real series their probabilities
#: and bands have come true less often than they say; their track record is printed with them.
COMPARISON_MODELS = (DEFAULT_MODEL, *MODELS, "measurement")
#: Every model analyze() can run: those that need no option of their own (saturating curves on request:
#: they need a capacity on short series; one given ETS class or ARIMA order is for tt.fit).
AVAILABLE_MODELS = (*(name for name, info in REGISTRY.items() if set(info.required_options) <= {"reference"}), "measurement")


def _finite(value: Any) -> Any:
    """The document with every non-finite float (NaN, inf) as null: JSON has no Infinity."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


#: The version of the --json document (python/tradetarget/schemas/analysis.schema.json); a changed key is a new one.
SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).parent / "schemas" / "analysis.schema.json"


def strict_json(document: Any, indent: int | None = 2) -> str:
    """Strict JSON (RFC 8259) for any input: a value too large for a double is null, never Infinity."""
    return json.dumps(_finite(document), indent=indent, ensure_ascii=False, allow_nan=False)


def _year(value: Any) -> str:
    return "not reached" if value is None or pd.isna(value) else str(int(value))


def _json_year(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


@dataclass
class Analysis:
    """Everything the main job computed, with the choices that produced it."""

    reconciled: Reconciled
    measured: Measured | None
    fits: dict[str, Fit]
    forecasts: dict[str, Forecast]
    targets: pd.DataFrame
    first_passage: dict[str, pd.DataFrame]
    settings: dict[str, Any]

    def __repr__(self) -> str:
        by = self.settings["prob_by"][0]
        answer = self.targets[self.targets["model"] == DEFAULT_MODEL]
        said = "; ".join(f"P({format_money(r.target)} by {by}) = {getattr(r, f'prob_by_{by}'):.2f}" for r in answer.itertuples())
        return (f"Analysis({self.reconciled.label}: models {', '.join(self.forecasts)}"
                + (f"; {DEFAULT_MODEL}: {said}" if said else "") + "; .summary(), .targets, .plot(), .to_json())")

    def summary(self) -> str:
        """A plain-text report: observations used and how, each model's growth, each target."""
        r = self.reconciled
        lines = [f"tradetarget {__version__}: {self.settings['data']} ({r.label})", ""]
        last = float(r.table["value"].iloc[-1])
        for target in sorted(set(self.targets["target"])):
            note = units_note(target, [last], r.table.index[-1])  # a target in dollars against data in billions, or the reverse
            if note:
                lines += [f"Note: {note}", ""]
        answer = self.targets[self.targets["model"] == DEFAULT_MODEL]
        if len(answer):
            by = self.settings["prob_by"]
            lines.append(f"Answer ({DEFAULT_MODEL}, the calibrated model): " + "; ".join(
                f"P({format_money(row.target)} by {by[0]}) = {getattr(row, f'prob_by_{by[0]}'):.2f}"
                if pd.isna(row.already_reached_year) else
                f"{format_money(row.target)} already reached in {int(row.already_reached_year)}"
                for row in answer.itertuples()) + ". Details and the evidence below.")
            lines.append("")
        lines.append("Observations -> annual series (sources averaged in logs; their spread is kept as uncertainty)")
        lines.append(f"  {'year':<6}{'value':>9}  {'log sd':>6}  {'sources':>7}  how")
        for year, row in r.table.iterrows():
            sd = f"{row.log_sd:.3f}" if row.log_sd > 0 else "-"
            lines.append(f"  {year:<6}{format_money(row.value):>9}  {sd:>6}  {row.n_sources:>7}  {row.how}")
            if row.n_sources > 1:
                used = r.decisions[r.decisions["used"] & (r.decisions["year"] == year)]
                for d in used.itertuples():
                    lines.append(f"{'':33}{format_money(d.value):>7}  {d.obs_id} ({d.source})")
        unused = r.decisions[~r.decisions["used"]]
        if len(unused):
            lines.append("  Not used:")
            for row in unused.itertuples():
                lines.append(f"    {row.obs_id} ({row.where}): {row.reason}")
        m = self.measured
        if m is not None:
            lines += ["", "Measurement model: every statement tied to one latent series (partial years, growth,",
                      "exports + imports, approximate figures included); posterior median and 80% interval"]
            lines.append(f"  {'year':<6}{'value':>9}  {'80% interval':>17}  {'figures':>7}  kind")
            for year, row in m.table.iterrows():
                interval = f"{format_money(row.lower_80)} to {format_money(row.upper_80)}"
                lines.append(f"  {year:<6}{format_money(row.value):>9}  {interval:>17}  {row.n_observations:>7}  {row.kind}")
            lines.append("  Standardised residuals (|r| > 2: out of line with the rest):")
            for row in m.residuals.itertuples():
                flag = "  <-- out of line" if abs(row.standardized) > 2 else ""
                lines.append(f"    {row.obs_id:<28} {row.year}  {row.standardized:+5.2f}  {row.source}{flag}")
            unused = m.decisions[~m.decisions["used"]]
            if len(unused):
                lines.append("  Not used:")
                for row in unused.itertuples():
                    lines.append(f"    {row.obs_id} ({row.where}): {row.reason}")
        lines += ["", "Models (annual growth, with the log growth rate's standard error)"]
        for name, f in self.fits.items():
            lines.append(f"  {name:<12} {f.growth:+7.1%}/yr  (s.e. {f.log_growth_se:.3f})  {MODEL_LABELS[name]}")
        if m is not None and "measurement" in self.forecasts:
            mean, sd = m.drift
            lines.append(f"  {'measurement':<12} {math.expm1(mean):+7.1%}/yr  (s.e. {sd:.3f})  {MODEL_LABELS['measurement']}")
        if self.settings.get("combination"):
            lines.append(f"  {'combination':<12} {self.settings['combination']}")
        for name, reason in self.settings.get("not_fitted", {}).items():
            lines.append(f"  {name:<12} not fitted: {reason}")
        lines.append(f"  Every model is fitted to {self.settings['evidence']}.")
        lines += self._reference_lines()
        lines += self._model_record_lines()
        s = self.settings
        lines += [
            "",
            f"Time to target ({s['n_paths']:,} seeded paths, seed {s['seed']}; parameter"
            f"{' and source' if s['source_uncertainty'] else ''} uncertainty included; horizon to {s['horizon_end']})",
        ]
        by = s["prob_by"]
        header = f"  {'target':>7}  {'model':<12} {'median':>11}  {'80% interval':>21}  " + "  ".join(
            f"{'P(<=' + str(y) + ')':>9}" for y in by
        ) + f"  {'point':>11}  needs/yr to {s['deadline']}  (past/yr)"
        lines.append(header)
        for row in self.targets.itertuples():
            if not pd.isna(row.already_reached_year):
                lines.append(f"  {format_money(row.target):>7}  {row.model:<12} already reached in {int(row.already_reached_year)}")
                continue
            interval = f"{_year(row.p10_year)} to {_year(row.p90_year)}"
            probs = "  ".join(f"{getattr(row, f'prob_by_{y}'):>9.2f}" for y in by)
            lines.append(
                f"  {format_money(row.target):>7}  {row.model:<12} {_year(row.median_year):>11}  {interval:>21}  {probs}"
                f"  {_year(row.point_cross_year):>11}  {row.required_growth:+8.1%} from {row.base_year}"
                + ("  (one year: no past rate)" if pd.isna(row.historical_growth) else
                   f"  ({row.historical_growth:+.1%} {row.historical_from}-{row.base_year})")
            )
        lines += [
            "",
            "median/80% interval: first calendar year at or above the target; 'point': year the median",
            "forecast crosses; needs/yr: compound growth required from the last year with evidence (a nowcast",
            "year counts: every model but the measurement model starts from it).",
        ]
        return "\n".join(lines)

    def reference_effect(self) -> pd.DataFrame:
        """For the calibrated model: P(target by each year) from the reference class alone (a series
        known only by its last value) beside the answer with this series' history."""
        fit_ = self.fits.get(DEFAULT_MODEL)
        if fit_ is None:
            return pd.DataFrame()
        last_year = int(fit_.series.years[-1])
        alone = fit(pd.Series([math.exp(fit_.series.log_level[-1])], index=[last_year]), DEFAULT_MODEL,
                    reference=fit_.reference)
        s = self.settings
        paths = alone.forecast(horizon=s["horizon_end"] - last_year, n_paths=s["n_paths"], seed=s["seed"],
                               source_uncertainty=False).paths
        rows = []
        answer = self.targets[self.targets["model"] == DEFAULT_MODEL].set_index("target")
        for target in answer.index:
            passage = _core.first_passage(paths, float(target), alone.series)
            for year in s["prob_by"]:
                rows.append({"target": target, "year": year, "reference_alone": passage.probability_by(year),
                             "with_series": float(answer.loc[target, f"prob_by_{year}"])})
        return pd.DataFrame(rows)

    def _reference_lines(self) -> list[str]:
        fit_ = self.fits.get(DEFAULT_MODEL)
        if fit_ is None:
            return []
        ref = fit_.reference
        p = fit_.params
        lines = ["", f"Reference class of {DEFAULT_MODEL} (the prior on drift and volatility; choose another with",
                 "tt.ReferenceClass.from_panel or --reference FILE):", f"  {ref.describe()}",
                 (f"  The reference class decides the future drift ({math.expm1(p['drift']):+.1%}/yr): this series' own "
                  f"growth ({math.expm1(p['own_drift']):+.1%}/yr) gets weight {p['own_weight']:.3f};"
                  if p["own_weight"] < 0.05 else
                  f"  This series' own growth ({math.expm1(p['own_drift']):+.1%}/yr, weight {p['own_weight']:.2f}) moves "
                  f"the future drift from the reference class's {math.expm1(p['reference_drift']):+.1%}/yr to "
                  f"{math.expm1(p['drift']):+.1%}/yr;"),
                 f"  its volatility moves the typical yearly swing from the class's {ref.median_sigma:.3f} to "
                 f"{p['sigma']:.3f} in logs over its years, and to {p['future_sigma']:.3f} ahead (volatility regresses)."]
        effect = self.reference_effect()
        deadline = self.settings["prob_by"][0]
        for row in effect[effect["year"] == deadline].itertuples():
            lines.append(f"  P({format_money(row.target)} by {deadline}): {row.reference_alone:.2f} from the reference class "
                         f"alone, {row.with_series:.2f} with this series' history.")
        record = track_record() if ref.to_dict() == bundled_reference().to_dict() else None
        if record is None:
            lines.append("  No track record for this reference class: benchmarks/calibration.py measures the bundled one "
                         "and classes pooled over M3 and world trade.")
        else:
            lines.append("  Track record of such statements (benchmarks/calibration.py: P(reached within 1-8 years) "
                         "from 5-year windows):")
            answer = self.targets[self.targets["model"] == DEFAULT_MODEL]
            for row in answer.itertuples():
                prob = getattr(row, f"prob_by_{deadline}")
                lines.append(f"    P({format_money(row.target)} by {deadline}) = {prob:.2f}: " + record(prob))
        return lines

    def _model_record_lines(self) -> list[str]:
        """The track record of the models run (and, when only the answer ran, of the raw models left
        out), so a raw model's probability is never read without it."""
        record = model_track_record()
        raw = [n for n in self.forecasts if n not in (DEFAULT_MODEL, "combination")]
        if raw:
            lines = ["", "Raw models (this series' history alone, no reference class): how their statements came true"]
        else:
            raw = [n for n in COMPARISON_MODELS if n != DEFAULT_MODEL]
            lines = ["", f"Raw models ({', '.join(raw)}: this series' history alone, no reference class) are left out:",
                     "their statements have come true less often than they say. --model compare (Python:",
                     "models=tt.COMPARISON_MODELS) runs them beside the answer. Their track record:"]
        if not record:
            return lines + ["  not measured: data/calibration_track_record.json holds no per-model scores (benchmarks/calibration.py writes them)"]
        datasets = list(next(iter(record.values())))
        lines.append(f"  (benchmarks/calibration.py, 5-year windows of {' / '.join(datasets)}, {DEFAULT_MODEL} with each one's own")
        lines.append("  reference class; Brier skill >= 0: better than the base rate; an 80% band should cover 80% of")
        lines.append("  outcomes, the wide ones too)")
        lines.append(f"  {'model':<14}{'Brier skill':>16}  {'80% bands cover':>16}  {'bands wider than 5x cover':>26}")

        def cells(entry: dict | None, key: str, fmt: str) -> str:
            values = [None if entry is None or entry.get(d) is None else entry[d].get(key) for d in datasets]
            return " / ".join("-" if v is None else format(v, fmt) for v in values)

        for name in (DEFAULT_MODEL, *raw):
            entry = record.get(name)
            if entry is None:
                lines.append(f"  {name:<14}not measured by the benchmark")
                continue
            lines.append(f"  {name:<14}{cells(entry, 'skill', '+.2f'):>16}  {cells(entry, 'coverage80', '.0%'):>16}  "
                         f"{cells(entry, 'coverage80_over5x', '.0%'):>26}" + ("  <- the answer" if name == DEFAULT_MODEL else ""))
        return lines

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` contract (stable; see docs/cli.md)."""
        targets = []
        for row in self.targets.itertuples():
            targets.append(
                {
                    "target": float(row.target),
                    "model": row.model,
                    "already_reached_year": _json_year(row.already_reached_year),
                    "median_year": _json_year(row.median_year),
                    "p10_year": _json_year(row.p10_year),
                    "p90_year": _json_year(row.p90_year),
                    "prob_by": {str(y): float(getattr(row, f"prob_by_{y}")) for y in self.settings["prob_by"]},
                    "point_cross_year": _json_year(row.point_cross_year),
                    "required_growth": {
                        "rate": float(row.required_growth),
                        "deadline": int(row.deadline),
                        "base_year": int(row.base_year),
                        "base_value": float(row.base_value),
                    },
                    "historical_growth": {
                        "rate": float(row.historical_growth),
                        "from_year": int(row.historical_from),
                        "to_year": int(row.base_year),
                    },
                    "model_growth": float(row.model_growth),
                }
            )
        r = self.reconciled
        return {
            "schema_version": SCHEMA_VERSION,
            "tradetarget_version": __version__,
            "data": self.settings["data"],
            "series": r.label,
            "settings": {k: v for k, v in self.settings.items() if k != "data"},
            "observations_used": [
                {
                    "year": int(year),
                    "value": float(row.value),
                    "log_sd": float(row.log_sd),
                    "n_sources": int(row.n_sources),
                    "how": row.how,
                    "obs_ids": row.ids.split(", "),
                }
                for year, row in r.table.iterrows()
            ],
            "decisions": [
                {
                    "obs_id": d.obs_id,
                    "where": d.where,
                    "used": bool(d.used),
                    "year": _json_year(d.year),
                    "reason": d.reason,
                }
                for d in r.decisions.itertuples()
            ],
            "models": [
                {
                    "model": name,
                    "description": MODEL_LABELS[name],
                    "growth": f.growth,
                    "log_growth_se": f.log_growth_se,
                    "params": {k: (None if math.isnan(v) else v) for k, v in f.params.items()},
                }
                for name, f in self.fits.items()
            ]
            + (
                [
                    {
                        "model": "measurement",
                        "description": MODEL_LABELS["measurement"],
                        "growth": math.expm1(self.measured.drift[0]),
                        "log_growth_se": self.measured.drift[1],
                        "params": {
                            "sigma_level": self.measured.core.sigma_level_mean,
                            "sigma_obs": self.measured.core.sigma_obs_mean,
                        },
                    }
                ]
                if self.measured is not None
                else []
            ),
            "measurement": None if self.measured is None else _measurement_dict(self.measured),
            "targets": targets,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return strict_json(self.to_dict(), indent=indent)

    def report(self, path: str | None = None, title: str | None = None, scenario=None) -> str:
        """A self-contained HTML briefing (the answer, the table, the chart, the evidence); written to
        ``path`` if given, returned either way. ``title``: what the series is (by default the
        reporter–partner pair and flow the observations name). ``scenario``: a
        ``tt.run_scenario`` result, shown with what its levers change and the waterfall."""
        from .report import report

        return report(self, path, title=title, scenario=scenario)

    def plot(self, path: str | None = None):
        """Fan chart with the targets, and the first-passage distribution beside it."""
        from .plotting import plot_analysis

        return plot_analysis(self, path)


def _combination(forecasts: dict[str, Forecast], seed: int) -> Forecast:
    """Equal-weight combination of the models at the level of sample paths (a mixture)."""
    # Models whose paths start in the first model's first year (the measurement model starts in a
    # nowcast year, which the others, fitted to its latent series, treat as data).
    first = next(iter(forecasts.values())).paths
    names = [n for n, f in forecasts.items() if f.paths.first_year == first.first_year and f.paths.last_year == first.last_year]
    if len(names) < 2:
        raise ValueError("fewer than two models share the forecast years")
    paths = _core.mix_paths([forecasts[n].paths for n in names], [1.0] * len(names))
    median = _core.path_quantiles(paths, [0.5])[:, 0]
    # The reconciled series of the first growth model (else the first model) is the observed one.
    base = next((forecasts[n] for n in names if n != "measurement"), forecasts[names[0]])
    return Forecast(
        model="combination",
        paths=paths,
        observed=base.observed,
        point_log=np.log(median),
        log_growth=float(np.mean([forecasts[n].log_growth for n in names])),
        levels=base.levels,
        seed=seed,
    )


def _combined_names(forecasts: dict[str, Forecast]) -> str:
    first = forecasts["combination"].paths.first_year
    return ", ".join(n for n, f in forecasts.items() if n != "combination" and f.paths.first_year == first)


def _measurement_dict(m: Measured) -> dict[str, Any]:
    return {
        "years": [
            {
                "year": int(year),
                "value": float(row.value),
                "log_sd": float(row.log_sd),
                "lower_80": float(row.lower_80),
                "upper_80": float(row.upper_80),
                "n_observations": int(row.n_observations),
                "kind": row.kind,
            }
            for year, row in m.table.iterrows()
        ],
        "residuals": [
            {"obs_id": r.obs_id, "source": r.source, "year": int(r.year), "standardized": float(r.standardized)}
            for r in m.residuals.itertuples()
        ],
        "source_biases": [
            {"source": b.source, "bias_log": float(b.bias_log), "sd": float(b.sd)} for b in m.biases.itertuples()
        ],
        "decisions": [
            {"obs_id": d.obs_id, "where": d.where, "used": bool(d.used), "year": _json_year(d.year), "reason": d.reason}
            for d in m.decisions.itertuples()
        ],
    }


def analyze(
    observations: ObservationSource | None = None,
    targets: Iterable[float] | None = None,
    models: Sequence[str] = ANALYSIS_MODELS,
    by: Sequence[int] = DEFAULT_BY,
    deadline: int = 2030,
    horizon: int | None = None,
    n_paths: int = 20000,
    seed: int = DEFAULT_SEED,
    source_uncertainty: bool = True,
    indicator: str = "trade",
    flow: str = "total",
    commodity: str = "",
    capacity: float | None = None,
    combine: bool = True,
    reference: ReferenceClass | None = None,
    evidence: str = "all",
) -> Analysis:
    """Run the main job: observations -> series -> models -> paths -> time to target.

    Parameters
    ----------
    observations : path, DataFrame, pandas Series or None
        An observations file or frame (``data/README.md`` has the schema; ``year,value`` works
        too). None: the bundled Kazakhstan–Türkiye data.
    targets : amounts, optional
        Levels in the data's units (``10e9``) or amounts (``"10B"``). None: the bundled data's
        stated targets ($10B and $15B); needed for your own data.
    models : sequence of str
        ``tt.ANALYSIS_MODELS`` (the calibrated answer alone, the default) or e.g.
        ``tt.COMPARISON_MODELS`` (the raw models beside it, with their track record).
    by : years
        The years of P(reached by year).
    deadline : int
        The year the required growth is computed to.
    horizon : int, optional
        Years of paths after the last observed year (default: to the last of ``by`` + 20).
    n_paths, seed : int
        Sample paths per model and the seed of their streams (the same seed, the same numbers).
    source_uncertainty : bool
        Redraw the observed years within the sources' spread on every path.
    indicator, flow, commodity : str
        Which series of the observations to analyse.
    capacity : float, optional
        The level the logistic and Gompertz curves level off at (estimated when None).
    combine : bool
        Add an equal-weight combination of the models' paths when several are run.
    reference : ReferenceClass, optional
        The reference class of ``reference_rw`` (default: the bundled one, world trade).
    evidence : {"all", "reconciled"}
        "all" fits every model to the measurement model's latent series (every statement, partial
        years and conflicting reports included, each year with its posterior log sd);
        "reconciled" to the full years of the reconciled series.

    Returns
    -------
    Analysis
        ``summary()`` (the text the command prints), ``targets`` (one row per target and model),
        ``first_passage``, ``forecasts``, ``plot()``, ``report()`` and ``to_json()``.

    Raises
    ------
    ValueError
        Bad observations (naming the row and column), no targets for your own data, a past
        deadline, an unknown model.

    Examples
    --------
    >>> import tradetarget as tt
    >>> analysis = tt.analyze(n_paths=2000)             # the bundled data and targets
    >>> p = analysis.targets.set_index("target").loc[10e9, "prob_by_2030"]
    >>> mine = tt.analyze(tt.datasets.path("kazakhstan_turkiye.csv"), targets=["8B"], n_paths=2000)
    """
    from . import datasets

    if observations is None:
        observations = datasets.path("kazakhstan_turkiye.csv")
        data_label = "bundled Kazakhstan–Türkiye data"
        if targets is None:
            targets = sorted(set(datasets.kazakhstan_turkiye_targets().query("flow == 'total'")["value"]))
    else:
        data_label = "DataFrame" if isinstance(observations, (pd.DataFrame, pd.Series)) else str(observations)
    if targets is None:
        raise ValueError("targets are needed for your own data (e.g. targets=[10e9])")
    targets = list(dict.fromkeys(to_amount(t) for t in one_or_many(targets)))  # a repeated target once
    if not targets:
        raise ValueError("at least one target is needed")
    models = one_or_many(models)
    if not models:
        raise ValueError("at least one model is needed")
    by = sorted({whole("a year of by", y) for y in one_or_many(by)})
    deadline = whole("deadline", deadline)
    horizon = None if horizon is None else whole("horizon", horizon, 1, 500, "years")
    n_paths = whole("n_paths", n_paths, 1, INT_MAX)
    seed = whole("seed", seed, 0, SEED_MAX)
    reconciled = reconcile(observations, indicator=indicator, flow=flow, commodity=commodity)
    last = int(reconciled.table.index[-1])
    if deadline <= last:
        raise ValueError(f"the deadline {deadline} is not after the last observed year {last}")
    if by and by[0] <= last:
        raise ValueError(f"P(reached by {by[0]}) asks about a year that is not after the last observed year {last}")
    if horizon is None:
        horizon = max(30, max(by) - last, deadline - last)
    elif by and max(by) > last + horizon:
        raise ValueError(f"P(by {max(by)}) needs a horizon of at least {max(by) - last} years; got {horizon}")
    check_path_memory(f"{len(models)} models (and their combination) x {n_paths:,} paths x {horizon} years",
                      (len(models) + 1) * float(n_paths) * horizon)
    unknown = [m for m in models if m not in AVAILABLE_MODELS]
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(map(repr, unknown))}; expected some of {', '.join(AVAILABLE_MODELS)}")
    if evidence not in ("all", "reconciled"):
        raise ValueError(f"evidence must be 'all' or 'reconciled'; got {evidence!r}")
    if reference is not None and not isinstance(reference, ReferenceClass):
        raise TypeError(f"reference must be a tradetarget.ReferenceClass; got {type(reference).__name__}")
    if reference is None and DEFAULT_MODEL in models:
        reference = bundled_reference()
    fits, forecasts, tables, passages = {}, {}, [], {}
    measured = None
    not_fitted: dict[str, str] = {}
    evidence_note = "the reconciled full years"
    data_for_models: Any = reconciled
    try:
        measured = measure(observations, indicator=indicator, flow=flow, commodity=commodity)
        # The measurement model's series is the better data only when the statements hold more than
        # the reconciled full years (a partial year, disagreeing or indirect figures); on clean
        # single-source years it would only smooth the user's own numbers.
        more = (measured.nowcast is not None or not reconciled.decisions["used"].all()
                or (reconciled.table["n_sources"] > 1).any() or (measured.table["kind"] == "estimated").any())
        if evidence == "all" and not more:
            evidence_note = "the reconciled full years (the statements hold nothing more: no partial year, no disagreement)"
        elif evidence == "all":
            data_for_models = measured.evidence()
            nowcast = measured.nowcast
            evidence_note = ("the measurement model's latent series (every statement; posterior median and log sd"
                             + (f"; {int(nowcast.name)} a nowcast from its partial-year figures)" if nowcast is not None else ")"))
    except ValueError as exc:
        if "measurement" in models:
            not_fitted["measurement"] = str(exc)
        evidence_note = f"the reconciled full years (the measurement model could not be fitted: {exc})"
    if data_for_models is not reconciled:
        last = int(measured.table.index[-1])
        if deadline <= last:
            raise ValueError(f"the deadline {deadline} is not after the last year with evidence {last} (a nowcast)")
        horizon = max(horizon, max(by) - last, deadline - last)
    for name in models:
        try:
            if name == "measurement":
                if measured is None:
                    continue
                forecasts[name] = measured.forecast(horizon=horizon, n_paths=n_paths, seed=seed)
            else:
                fits[name] = fit(data_for_models, name, capacity=capacity if "capacity" in REGISTRY[name].options else None,
                                 reference=reference if name == DEFAULT_MODEL else None)
                forecasts[name] = fits[name].forecast(
                    horizon=horizon, n_paths=n_paths, seed=seed, source_uncertainty=source_uncertainty
                )
        except ValueError as exc:
            # A model the data cannot support is reported, not fatal, when others are asked for.
            if len(models) == 1:
                raise
            not_fitted[name] = str(exc)
            fits.pop(name, None)
            continue
        tables.append(time_to_target(forecasts[name], targets, by=by, deadline=deadline))
        passages[name] = first_passage_table(forecasts[name], targets)
    if not forecasts:
        raise ValueError("no model could be fitted: " + "; ".join(f"{k}: {v}" for k, v in not_fitted.items()))
    combination_note = None
    if combine and len(forecasts) >= 2:
        try:
            forecasts["combination"] = _combination(forecasts, seed)
            tables.append(time_to_target(forecasts["combination"], targets, by=by, deadline=deadline))
            passages["combination"] = first_passage_table(forecasts["combination"], targets)
        except ValueError as exc:  # e.g. models whose paths start in different years
            combination_note = f"not formed: {exc}"
    settings = {
        "data": data_label,
        "models": list(models),
        "prob_by": by,
        "deadline": int(deadline),
        "horizon_end": last + horizon,
        "n_paths": int(n_paths),
        "seed": int(seed),
        "source_uncertainty": bool(source_uncertainty),
        "evidence": evidence_note,
        "reference": None if reference is None or DEFAULT_MODEL not in fits else reference.to_dict(),
        "not_fitted": not_fitted,
        "combination": combination_note
        or (f"equal-weight mixture of the paths of {_combined_names(forecasts)}" if "combination" in forecasts else None),
    }
    return Analysis(
        reconciled=reconciled,
        measured=measured,
        fits=fits,
        forecasts=forecasts,
        targets=pd.concat(tables, ignore_index=True),
        first_passage=passages,
        settings=settings,
    )
