"""The ``tradetarget`` command: with no arguments, the main job on the bundled data."""

from __future__ import annotations

import argparse
import os
import json
import sys
from typing import Sequence

import numpy as np

from . import _core, money
from ._version import __version__
from .analysis import ANALYSIS_MODELS, AVAILABLE_MODELS, COMPARISON_MODELS, analyze, strict_json
from .level_models import ETS_CLASSES
from .arguments import existing_file
from .money import format_money, units_note
from .models import DEFAULT_BY, DEFAULT_MODEL, DEFAULT_SEED, REGISTRY, Fit, check_levels, fit, parse_arima
from .observations import read_series
from .reference import ReferenceClass
from .sensitivity import sensitivity

class Parser(argparse.ArgumentParser):
    """argparse with the error contract of every other error: one line on stderr, exit status 2
    (``--help`` still shows the usage)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def output_path(text: str, suffix: str = "") -> str:
    """A file to write at the end of a run, checked at its start: its folder must exist (ValueError
    otherwise); without a suffix it gets ``suffix``."""
    from pathlib import Path

    path = Path(text)
    if not path.resolve().parent.is_dir():
        raise ValueError(f"no folder {str(path.parent)!r} to write {path.name!r} in")
    return str(path.with_suffix(suffix) if suffix and not path.suffix else path)


def output_file(suffix: str):
    """``output_path`` as an argparse type (--plot FILE.png, --report FILE.html)."""
    def parse(text: str) -> str:
        try:
            return output_path(text, suffix)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def parse_money(text: str, what: str = "a target") -> float:
    """An amount argument ('10B', '$15b', '500M', '1.5e10'); argparse reports the error."""
    try:
        return money.parse_money(text, what)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_capacity(text: str) -> float:
    """--capacity: an amount whose errors name the capacity."""
    return parse_money(text, "the capacity")


def parse_box_cox(text: str) -> float | str:
    """--box-cox: a finite lambda, or auto (Guerrero's)."""
    import math

    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"a Box-Cox lambda (a number such as 0 or 0.5) or auto; got {text!r}")
    return value


def sensitivity_records(table) -> list[dict]:
    year = table.attrs["year"]
    by = [c for c in table.columns if c.startswith("prob_by_")]
    return [
        {
            "scenario": row["scenario"],
            "year": year,
            "level": float(row[f"level_{year}"]),
            "target": float(row["target"]),
            "median_year": None if row.isna()["median_year"] else int(row["median_year"]),
            "prob_by": {c.removeprefix("prob_by_"): float(row[c]) for c in by},
        }
        for _, row in table.iterrows()
    ]


def format_sensitivity(table) -> str:
    year = table.attrs["year"]
    by = [c for c in table.columns if c.startswith("prob_by_")]
    lines = [f"Sensitivity (measurement model): {year} under each source alone, and all together"]
    lines.append(f"  {'scenario':<42} {year:>7}  {'target':>6}  {'median':>11}  " + "  ".join(
        f"{'P(<=' + c.removeprefix('prob_by_') + ')':>9}" for c in by))
    for _, row in table.iterrows():
        median = "not reached" if row.isna()["median_year"] else str(int(row["median_year"]))
        probs = "  ".join(f"{row[c]:>9.2f}" for c in by)
        lines.append(f"  {row['scenario']:<42} {format_money(row[f'level_{year}']):>7}  "
                     f"{format_money(row['target']):>6}  {median:>11}  {probs}")
    return "\n".join(lines)


def build_parser(report: str | None = None) -> argparse.ArgumentParser:
    """The main job's options; with ``report`` (a default file name), those of ``tradetarget report``,
    whose briefing file is also ``-o``/``--output`` and is always written."""
    p = Parser(
        prog="tradetarget" if report is None else "tradetarget report",
        description=(
            "When does trade reach the target? With no arguments: Kazakhstan–Türkiye total trade "
            "from the bundled news figures, the $10B and $15B targets, the calibrated answer "
            "(--model compare: the raw models beside it)."
        ),
        epilog=(
            "more commands (each has --help): "
            "'tradetarget fit FILE.csv' one forecasting model for any series; "
            "'tradetarget evaluate FILE.csv' models compared out of sample; "
            "'tradetarget panel FILE.csv' every series of a panel or a UN Comtrade file, on all cores; "
            "'tradetarget mix' the export mix and its concentration; "
            "'tradetarget scenario FILE.toml' policy levers and the target-gap decomposition."
        ),
    )
    p.add_argument("--data", metavar="FILE.csv",
                   help="your observations: a 'year,value' CSV or the full schema of data/README.md")
    p.add_argument("--indicator", default="trade", help="series to use from a full-schema file (default: trade)")
    p.add_argument("--flow", default="total", help="total, exports or imports (default: total)")
    p.add_argument("--target", action="append", type=parse_money, metavar="AMOUNT",
                   help="a target such as 10B or 1.5e10 (repeatable; default: the bundled targets)")
    p.add_argument("--deadline", type=int, default=2030, metavar="YEAR",
                   help="year for the required growth rate (default: 2030)")
    p.add_argument("--by", action="append", type=int, metavar="YEAR",
                   help="report P(reached by YEAR) (repeatable; default: 2030 and 2035)")
    p.add_argument("--model", action="append", choices=(*AVAILABLE_MODELS, "compare", "all"),
                   help=f"model(s) to run (repeatable; default: {', '.join(ANALYSIS_MODELS)}, the calibrated answer; "
                   f"'compare': the answer beside the raw models {', '.join(COMPARISON_MODELS[1:])} and their "
                   "combination; 'all': every model, those the data cannot support reported as not fitted)")
    p.add_argument("--capacity", type=parse_capacity, metavar="AMOUNT",
                   help="level the logistic and Gompertz curves level off at, e.g. 20B (default: estimated)")
    p.add_argument("--horizon", type=int, metavar="YEARS", help="years to simulate (default: 30 or more if needed)")
    p.add_argument("--paths", type=int, default=20000, help="sample paths per model (default: 20000)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    p.add_argument("--reference", metavar="FILE.json",
                   help="reference class of the calibrated model reference_rw (default: the bundled one, world "
                   "trade from the Penn World Table; make one with tt.ReferenceClass.from_panel(...).save(FILE))")
    p.add_argument("--evidence", choices=("all", "reconciled"), default="all",
                   help="what the models are fitted to: 'all' (default) the measurement model's latent series, "
                   "partial years and conflicting reports included; 'reconciled' the full years only")
    p.add_argument("--no-source-uncertainty", action="store_true",
                   help="treat the reconciled series as exact (ignore disagreement between sources)")
    p.add_argument("--sensitivity", action="store_true",
                   help="also answer under each source alone for the year the sources disagree on most")
    p.add_argument("--json", action="store_true", help="print the stable JSON contract instead of the report")
    p.add_argument("--plot", type=output_file(".png"), metavar="FILE.png", help="also save the fan chart and first-passage plot")
    p.add_argument("--title", metavar="TEXT", help="what the series is, for the briefing's heading "
                   "(default: the reporter-partner pair and flow the data name, e.g. 'Kazakhstan–Türkiye trade total')")
    p.add_argument("--scenario", metavar="FILE.toml",
                   help="with a briefing (--report): also what this scenario file's levers change, with the waterfall")
    p.add_argument(*(("--report",) if report is None else ("-o", "--output", "--report")), dest="report",
                   type=output_file(".html"), metavar="FILE.html", default=report,
                   help=("also write" if report is None else f"write (default: {report})")
                   + " a self-contained HTML briefing (answer, table, chart, evidence); FILE.pdf: printed to PDF by "
                   "headless Chromium")
    p.add_argument("--version", action="version", version=f"tradetarget {__version__}")
    return p


#: The names `tradetarget fit --model` takes: auto, every model that needs no option of its own, the ETS
#: classes (the 'ets' model with that class), and ARIMA(p,d,q) (the 'arima' model with that order).
FIT_MODELS = ("auto", *(name for name in AVAILABLE_MODELS if name in REGISTRY), *ETS_CLASSES)
#: What "auto" chooses among, by out-of-sample accuracy: ETS and ARIMA AICc are not comparable.
AUTO_CANDIDATES = ("auto_ets", "auto_arima", "theta")
#: At most this many rolling origins, the latest, decide "auto": enough to rank three candidates,
#: and the cost stays that of some 60 fits however long the series (half of 200 years took 93 s).
AUTO_ORIGINS = 20


def choose_auto(series) -> tuple[str, str]:
    """The candidate with the lowest rolling-origin MASE (one to three steps ahead), and why."""
    from .evaluate import evaluate

    n = len(series)
    if series.index.name == "year":  # the level models need consecutive years; the calibrated model takes gaps
        try:
            _core.require_consecutive_years([int(y) for y in series.index], "a level model")
        except ValueError as gap:
            return DEFAULT_MODEL, f"{gap}: {DEFAULT_MODEL} chosen"
    if n < 10:
        return "auto_ets", f"{n} observations are too few to compare models out of sample: ETS chosen by AICc"
    horizon = min(3, n // 4)
    table = evaluate(series, models=AUTO_CANDIDATES, min_train=max(6, n // 2, n - AUTO_ORIGINS), horizon=horizon)
    scored = table[table["forecasts"] > 0]
    if scored.empty:
        return "auto_ets", "no candidate could be scored out of sample: ETS chosen by AICc"
    best = scored["MASE"].idxmin()
    detail = ", ".join(f"{m} {v:.3f}" for m, v in scored["MASE"].items())
    return str(best), f"lowest rolling-origin MASE ({detail})"


def fit_document(fitted: Fit, horizon: int, levels) -> dict:
    """What `tradetarget fit --json` prints: the fitted class, its estimates, likelihood and information
    criteria (null where the model has none), and the closed-form forecast (Fit.intervals: R's
    forecast() for the models of levels; the median and Student-t bounds for the models in logs)."""
    table = fitted.intervals(horizon, levels)
    ic = fitted.information_criteria

    def number(value: float) -> float | None:
        return float(value) if np.isfinite(value) else None

    doc = {
        "model": fitted.method,
        "params": {k: v for k, v in fitted.params.items() if k != "loglik"},
        "loglik": number(ic["log_likelihood"]), "aic": number(ic["aic"]), "aicc": number(ic["aicc"]), "bic": number(ic["bic"]),
    }
    if np.isfinite(fitted.core.diagnostics.innovation_variance):
        doc["sigma2"] = float(fitted.core.diagnostics.innovation_variance)
    doc["forecast"] = {
        "index": [int(i) for i in table.index],
        "point": table["point"].tolist(),  # as Fit.intervals names it: the mean, or the median in logs
        "lower": {f"{lv:g}": table[f"lower_{lv:g}"].tolist() for lv in levels},
        "upper": {f"{lv:g}": table[f"upper_{lv:g}"].tolist() for lv in levels},
    }
    return doc


def fit_main(argv: Sequence[str]) -> int:
    """``tradetarget fit FILE.csv``: one model on any series, R forecast's numbers."""
    p = Parser(
        prog="tradetarget fit",
        description="Fit a forecasting model to one series (a one-column or year,value CSV) and forecast it (an observations file: its reconciled annual total). "
        "Models: the ETS classes and auto_ets (AICc), ARIMA(p,d,q) (--drift for a drift or mean) and auto_arima "
        "(KPSS + stepwise AICc), theta, and the growth models in logs (loglinear, rw_drift, logistic, gompertz, "
        "local_linear_trend: 'point' is their median). auto picks among auto_ets, auto_arima and theta by "
        "rolling-origin MASE (their AICcs are not comparable); for a series with gaps, the calibrated reference_rw.",
    )
    p.add_argument("file", metavar="FILE.csv", help="one column of values, the columns year,value, or an observations file")
    p.add_argument("--model", default="auto", help=f"model (default: auto): {', '.join(FIT_MODELS)}, or ARIMA(p,d,q)")
    p.add_argument("--drift", action="store_true", help="ARIMA: include the drift (d = 1) or the mean (d = 0)")
    p.add_argument("--horizon", type=int, default=10, help="steps to forecast (default: 10)")
    p.add_argument("--level", type=float, action="append", help="interval level in percent (repeatable; default 80 and 95)")
    p.add_argument("--capacity", type=parse_capacity, metavar="AMOUNT", help="capacity of a logistic or Gompertz curve")
    p.add_argument("--no-positive", dest="positive", action="store_false", default=None,
                   help="models of levels: R forecast's own numbers, bounds at or below zero included (default: "
                        "the forecast conditioned on a level above zero)")
    p.add_argument("--box-cox", type=parse_box_cox, metavar="LAMBDA", help="ETS and ARIMA: fit to the Box-Cox "
                   "transformed series (a lambda, or auto: Guerrero's), as R's lambda =; the point forecast is the "
                   "bias-adjusted mean")
    p.add_argument("--json", action="store_true", help="print JSON: model, params, loglik, aic, aicc, bic, forecast")
    args = p.parse_args(argv)
    levels = args.level or [80.0, 95.0]
    if args.horizon < 1 or args.horizon > 500:
        raise ValueError(f"--horizon is {args.horizon}; it must be 1 to 500")
    if args.model not in FIT_MODELS and not args.model.upper().startswith("ARIMA"):
        raise ValueError(f"unknown model {args.model!r}; expected one of {', '.join(FIT_MODELS)} or ARIMA(p,d,q)")
    if args.drift and not args.model.upper().startswith("ARIMA("):
        raise ValueError(f"--drift is for an ARIMA(p,d,q) order; {args.model} has no such option")
    if args.box_cox is not None and args.model == "auto":
        raise ValueError("--box-cox is for an ETS or ARIMA model: give --model (auto_ets, auto_arima, ets_aicc, an ETS "
                         "class or ARIMA(p,d,q)); auto chooses among untransformed models")
    series = read_series(args.file)
    why = None
    model = args.model
    if model == "auto":
        model, why = choose_auto(series)
    transform = {} if args.box_cox is None else {"box_cox": args.box_cox}
    if model.upper().startswith("ARIMA("):
        fitted = fit(series, "arima", order=parse_arima(model), constant=bool(args.drift), positive=args.positive,
                     **transform)
    elif model in ETS_CLASSES:
        fitted = fit(series, "ets", ets_class=model, positive=args.positive, **transform)
    else:
        if REGISTRY[model].family != "levels" and series.index.name != "year":
            raise ValueError(f"{model} models calendar years and {args.file} has one column of values: "
                             "give the columns year,value")
        # --no-positive with auto: for the model chosen if it is of levels (the others are positive as they are)
        positive = None if args.model == "auto" and REGISTRY[model].family != "levels" else args.positive
        fitted = fit(series, model, capacity=args.capacity, positive=positive, **transform)
    doc = fit_document(fitted, args.horizon, check_levels(levels))
    if why:
        doc["selection"] = why
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    print(f"{doc['model']}  ({doc.get('selection') or ('chosen by AICc' if args.model in ('auto_ets', 'auto_arima') else 'as asked')})")
    print("  " + "  ".join(f"{k}={v:.6g}" for k, v in doc["params"].items()))
    criteria = [f"{k}={doc[k]:.4f}" for k in ("loglik", "aic", "aicc", "bic") if doc.get(k) is not None]
    if criteria:
        note = ("  (R forecast's conventions)" if REGISTRY[fitted.model].family == "levels"
                else "  (likelihood of the log levels: not comparable with the models of levels)")
        print("  " + "  ".join(criteria) + note)
    fc = doc["forecast"]
    table = {"point": fc["point"]}
    for lv in fc["lower"]:
        table[f"lower_{lv}"] = fc["lower"][lv]
        table[f"upper_{lv}"] = fc["upper"][lv]
    import pandas as pd

    print(pd.DataFrame(table, index=pd.Index(fc["index"], name="year")).to_string(float_format=lambda v: f"{v:.6g}"))
    return 0


def evaluate_main(argv: Sequence[str]) -> int:
    """``tradetarget evaluate FILE.csv``: rolling-origin comparison of models on one series."""
    from ._core import evaluable_models
    from .evaluate import evaluate

    p = Parser(prog="tradetarget evaluate",
                                description="Compare models on one year,value series by rolling-origin evaluation "
                                "(MASE, RMSSE, sMAPE, interval coverage, scaled CRPS).")
    p.add_argument("file", metavar="FILE.csv", help="the columns year,value (or one column of values)")
    p.add_argument("--model", action="append", choices=evaluable_models(), help="model(s) (repeatable; default: all)")
    p.add_argument("--horizon", type=int, default=3, help="steps ahead scored at each origin (default: 3)")
    p.add_argument("--min-train", type=int, help="observations in the first training window (default: half, at least 4)")
    p.add_argument("--json", action="store_true", help="print the table as JSON records")
    args = p.parse_args(argv)
    table = evaluate(read_series(args.file), models=args.model, min_train=args.min_train, horizon=args.horizon)
    if args.json:
        print(table.reset_index().to_json(orient="records", indent=2))
    else:
        print(table.drop(columns="why_failed").to_string(float_format=lambda v: f"{v:.3f}"))
        for model, why in table["why_failed"].items():
            if why:
                print(f"{model}: failed at {table.loc[model, 'failures']} origin(s), e.g. {why}")
    return 0


def panel_main(argv: Sequence[str]) -> int:
    """``tradetarget panel FILE.csv``: every series of a long panel (or a Comtrade file) at once."""
    import pandas as pd

    from .comtrade import read_comtrade
    from .observations import read_csv_strictly
    from .panel import PANEL_MODELS, forecast_panel

    p = Parser(prog="tradetarget panel",
                                description="Fit, forecast and time-to-target for every series of a panel, on all cores.")
    p.add_argument("file", metavar="FILE.csv", help="columns unique_id,year,value (+ any describing columns), "
                   "or a UN Comtrade bulk CSV with --comtrade")
    p.add_argument("--comtrade", action="store_true", help="read FILE.csv as a UN Comtrade bulk file (Plus or legacy)")
    p.add_argument("--flow", action="append", help="with --comtrade: keep this flow code (X, M, RX, RM; repeatable)")
    p.add_argument("--model", default=DEFAULT_MODEL, choices=PANEL_MODELS,
                   help=f"the model for every series (default: {DEFAULT_MODEL}, the calibrated one)")
    p.add_argument("--reference", metavar="FILE.json", help="reference class of reference_rw (default: pooled over "
                   "the panel when it is large enough, else the bundled one)")
    p.add_argument("--target", action="append", type=parse_money, default=[], help="a level for every series (e.g. 1B)")
    p.add_argument("--multiple", action="append", type=float, default=[],
                   help="a target as a multiple of each series' last value (e.g. 2 for doubling)")
    p.add_argument("--by", action="append", type=int, help="year for P(reached by year) (repeatable; default 2030 2035)")
    p.add_argument("--horizon", type=int, default=10, help="forecast years (default: 10)")
    p.add_argument("--paths", type=int, default=1000, help="sample paths per series (default: 1000)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--threads", type=int, default=0, help="threads (default: 0, every core)")
    p.add_argument("--no-positive", dest="positive", action="store_false", default=None,
                   help="models of levels: R forecast's own numbers, bounds at or below zero included")
    p.add_argument("--box-cox", type=parse_box_cox, metavar="LAMBDA",
                   help="ETS and ARIMA: a Box-Cox lambda, or auto for each series' Guerrero lambda")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--output", metavar="OUT.csv", help="write the table (one row per series) to this CSV")
    args = p.parse_args(argv)
    if args.comtrade:
        data = read_comtrade(args.file, flows=args.flow)
        if data.empty:
            raise ValueError(f"{args.file}: no rows" + (f" with flow {', '.join(args.flow)}" if args.flow else ""))
    else:
        from pathlib import Path

        data, _ = read_csv_strictly(existing_file(args.file))
    if data.empty:
        raise ValueError(f"{args.file}: no rows below the header")
    if args.output:  # checked before the run, not after it
        try:
            output_path(args.output)
        except ValueError as exc:
            raise ValueError(f"--output: {exc}") from None
    # each series' value in its last *year* (not the file's last row: files may run backwards)
    last = data.assign(value=pd.to_numeric(data["value"], errors="coerce"),
                       year=pd.to_numeric(data["year"], errors="coerce")) \
        .sort_values(["unique_id", "year"], kind="stable").groupby("unique_id")["value"].last() \
        if {"unique_id", "year", "value"} <= set(data.columns) else None
    targets: dict = {format_money(t): t for t in args.target}
    for m in args.multiple:
        if not m > 0:
            raise ValueError(f"--multiple must be positive; got {m}")
        targets[f"x{m:g}"] = m * last if last is not None else m
    reference = None if args.reference is None else ReferenceClass.load(args.reference)
    result = forecast_panel(data, model=args.model, reference=reference, targets=targets, by=args.by or DEFAULT_BY, horizon=args.horizon,
                            n_paths=args.paths, seed=args.seed, threads=args.threads, positive=args.positive,
                            box_cox=args.box_cox, progress=False if args.no_progress else None)
    if args.output:
        result.to_csv(args.output, index=False)
    failed = result["error"] != ""
    print(f"{len(result)} series, {int((~failed).sum())} fitted ({args.model}), {int(failed.sum())} not fitted")
    if result.attrs.get("reference"):
        used = ReferenceClass.from_dict(result.attrs["reference"])
        pooled = used.name == "this panel, pooled"
        print(f"reference class: {used.describe()}" + ("" if pooled or args.reference else
              "\n  (the bundled one: this panel is too small to pool, or its series too short; a panel of other series "
              "needs its own class: --reference FILE, made with tt.ReferenceClass.from_panel)"))
    for target in args.target:
        note = units_note(target, result.loc[~failed, "last_value"])
        if note:
            print(f"Note: {note}")
    shown = ["unique_id", "model", "last_year", "last_value", "growth"]
    shown += [c for c in result.columns if c.endswith(("_median_year",)) or "_prob_by_" in c]
    print(result.loc[~failed, shown].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    for _, row in result[failed].head(10).iterrows():
        print(f"not fitted: {row['unique_id']}: {row['error']}")
    if args.output:
        print(f"table written to {args.output}")
    if failed.all():
        raise ValueError(f"no series could be fitted with {args.model} (the first: {result['unique_id'].iloc[0]}: "
                         f"{result['error'].iloc[0]})")
    return 0


def mix_main(argv: Sequence[str]) -> int:
    """``tradetarget mix``: the export mix table and its concentration."""
    from .mix import export_mix, mix_change

    p = Parser(prog="tradetarget mix", description="Shares, unlisted remainder, HHI, top-k and "
                                "raw-material share of each export snapshot in the observations.")
    p.add_argument("--data", metavar="FILE.csv", help="observations (default: the bundled Kazakhstan-Türkiye data)")
    p.add_argument("--exports-total", type=parse_money, help="the snapshot's exports, if you know them (e.g. 1.3B)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    mixes = export_mix(args.data, exports_total=args.exports_total)
    if args.json:
        print(json.dumps([m.to_dict() for m in mixes], indent=2, ensure_ascii=False, default=float))
        return 0
    print("\n\n".join(m.summary() for m in mixes))
    for before, after in zip(mixes, mixes[1:]):
        print(f"\nChange {before.snapshot} -> {after.snapshot} (percentage points of exports):")
        print(mix_change(before, after).to_string(float_format=lambda v: f"{v:.2f}"))
    return 0


def scenario_main(argv: Sequence[str]) -> int:
    """``tradetarget scenario FILE.toml``: levers against the baseline, with the decomposition."""
    from .scenario import run_scenario

    p = Parser(prog="tradetarget scenario", description="Apply a scenario file's levers to the "
                                "baseline paths: first-passage years, P(by year), target-gap decomposition.")
    p.add_argument("file", metavar="FILE.toml")
    p.add_argument("--data", metavar="FILE.csv", help="observations (default: the bundled data)")
    p.add_argument("--plot", type=output_file(".png"), metavar="FILE.png", help="save the waterfall chart")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    result = run_scenario(args.file, observations=args.data)
    if args.plot:
        result.plot_waterfall(args.plot)
    if args.json:
        doc = {"scenario": result.scenario.name,
               "baseline": json.loads(result.baseline.to_json(orient="records")),
               "result": json.loads(result.result.to_json(orient="records")),
               "decomposition": result.decomposition.to_dict(orient="records")}
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    print(result.summary())
    if args.plot:
        print(f"\nwaterfall saved to {args.plot}")
    return 0


def chosen_models(asked: list[str] | None) -> tuple[str, ...]:
    """The models --model names: 'all' and 'compare' stand for their lists, the rest for themselves."""
    if not asked:
        return ANALYSIS_MODELS
    if "all" in asked:
        return AVAILABLE_MODELS
    names = (name for entry in asked for name in (COMPARISON_MODELS if entry == "compare" else (entry,)))
    return tuple(dict.fromkeys(names))


def main(argv: Sequence[str] | None = None) -> int:
    """The ``tradetarget`` command. Bad input (a ValueError, TypeError or OSError from anywhere below)
    is one line on stderr, ``tradetarget [command]: error: ...``, and exit status 2. Output piped
    into a reader that stops early (``| head``) ends the command quietly, as Unix tools do."""
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    try:
        return SUBCOMMANDS[command](argv[1:]) if command else analyze_main(argv)
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at /dev/null so that flush cannot fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, TypeError, OSError) as exc:
        print(f"tradetarget{' ' + command if command else ''}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: one line, the shell's status for SIGINT, no traceback
        print(f"tradetarget{' ' + command if command else ''}: interrupted", file=sys.stderr)
        return 130


def report_main(argv: Sequence[str]) -> int:
    """``tradetarget report [-o FILE.html] [options]``: the main job, written as an HTML briefing
    (``-o``/``--output`` is the main job's ``--report``; tradetarget_report.html by default)."""
    return analyze_main(argv, build_parser(report="tradetarget_report.html"))


def analyze_main(argv: Sequence[str], parser: argparse.ArgumentParser | None = None) -> int:
    """``tradetarget [options]``: the main job (``tt.analyze``), on the bundled data by default."""
    parser = parser or build_parser()
    args = parser.parse_args(argv)
    if args.data is not None and not args.target:
        parser.error("--target is needed with --data (e.g. --target 10B)")
    if args.scenario is not None and not args.report:
        parser.error("--scenario goes into the briefing: add --report FILE.html (or run `tradetarget scenario FILE.toml`)")
    if args.scenario is not None:
        from .scenario import load_scenario

        args.scenario = load_scenario(args.scenario)  # a bad file is an error before the long run
    result = analyze(
        observations=args.data,
        targets=args.target,
        models=chosen_models(args.model),
        by=args.by or DEFAULT_BY,
        deadline=args.deadline,
        horizon=args.horizon,
        n_paths=args.paths,
        seed=args.seed,
        source_uncertainty=not args.no_source_uncertainty,
        indicator=args.indicator,
        flow=args.flow,
        capacity=args.capacity,
        reference=None if args.reference is None else ReferenceClass.load(args.reference),
        evidence=args.evidence,
    )
    table = None
    if args.sensitivity:
        table = sensitivity(
            observations=args.data, targets=result.targets["target"].unique(), by=args.by or DEFAULT_BY,
            deadline=args.deadline, n_paths=args.paths, seed=args.seed, indicator=args.indicator, flow=args.flow,
        )
    if args.plot:
        result.plot(args.plot)
    if args.report:
        scenario = None
        if args.scenario is not None:
            from .scenario import run_scenario

            # the levers act on the answer's paths, so the briefing's baseline is its answer
            baseline = result.forecasts.get(DEFAULT_MODEL, next(iter(result.forecasts.values())))
            scenario = run_scenario(args.scenario, observations=args.data, baseline=baseline)
        result.report(args.report, title=args.title, scenario=scenario)
    if args.json:
        doc = result.to_dict()
        if table is not None:
            doc["sensitivity"] = sensitivity_records(table)
        print(strict_json(doc))
    else:
        print(result.summary())
        if table is not None:
            print()
            print(format_sensitivity(table))
    if args.plot and not args.json:
        print(f"\nplot saved to {args.plot}")
    if args.report and not args.json:
        print(f"{'' if args.plot else chr(10)}briefing saved to {args.report}")
    return 0


SUBCOMMANDS = {"mix": mix_main, "scenario": scenario_main, "panel": panel_main, "fit": fit_main,
               "evaluate": evaluate_main, "report": report_main}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
