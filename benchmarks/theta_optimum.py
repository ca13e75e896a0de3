"""Does the optimised Theta models' exact optimum forecast better than statsforecast's early stop?

    .venv/bin/python benchmarks/theta_optimum.py     # about two minutes

tradetarget fits OTM and DOTM (Fiorucci et al. 2016) at the minimum of their in-sample criterion
(theta.hpp: a grid and Brent's method over alpha, least squares for the initial level and theta);
statsforecast 2.1 minimises the same criterion by a simplex search that stops early
(tests/python/test_against_statsforecast.py checks both halves of that on its fixture). This
counts, on the windows of benchmarks/ensemble_operators.py (M3 yearly validation and test, PWT
trade), how often tradetarget's criterion is lower, and scores both models' point forecasts
(horizon 6, tradetarget with positive=False: the same model's mean). M1 and Tourism are reserved
for independent evaluation and not used. Writes benchmarks/results/theta_optimum.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from statsforecast.theta import auto_theta, forecast_theta

import tradetarget as tt
from tradetarget import _core

sys.path.insert(0, str(Path(__file__).parent))
from ensemble_operators import H, windows_m3, windows_pwt  # noqa: E402  (the same windows)

RESULTS = Path(__file__).with_name("results") / "theta_optimum.md"
VARIANTS = {"OTM": "optimized_theta", "DOTM": "dynamic_optimized_theta"}


def errors(train: np.ndarray, actual: np.ndarray, forecast: np.ndarray) -> tuple[float, float]:
    forecast = forecast[:len(actual)]
    smape = float(np.mean(200 * np.abs(actual - forecast) / (np.abs(actual) + np.abs(forecast))))
    return smape, float(np.mean(np.abs(actual - forecast)) / np.mean(np.abs(np.diff(train))))


def compare(windows, variant: str) -> dict:
    lower = equal = higher = 0
    ours, theirs = [], []
    for train, actual in windows:
        if not np.mean(np.abs(np.diff(train))) > 0 or len(train) < 6:
            continue
        fit = tt.fit(list(train), VARIANTS[variant], positive=False)
        criterion = _core.theta_family_fit(list(train), variant).criterion
        peer = auto_theta(train, 1, model=variant)
        relative = (criterion - peer["mse"]) / peer["mse"]
        lower += relative < -1e-9
        higher += relative > 1e-9
        equal += abs(relative) <= 1e-9
        ours.append(errors(train, actual, fit.intervals(H)["point"].to_numpy()))
        theirs.append(errors(train, actual, np.asarray(forecast_theta(peer, H)["mean"], dtype=float)))
    return {"windows": len(ours), "lower": lower, "equal": equal, "higher": higher,
            "ours": np.mean(ours, axis=0), "theirs": np.mean(theirs, axis=0)}


def main() -> None:
    sets = {**windows_m3(), "PWT trade (181 countries, 4 origins)": windows_pwt()}
    lines = [
        "# The optimised Theta models: exact optimum against statsforecast's early stop",
        "",
        "Written by `benchmarks/theta_optimum.py` (its docstring says what is compared). sMAPE / MASE, horizon 6.",
        "",
        "| windows | model | forecasts | tradetarget's criterion lower / equal / higher (1e-9 relative) "
        "| tradetarget (exact optimum) | statsforecast 2.1 (early stop) |",
        "|---|---|---|---|---|---|",
    ]
    for name, windows in sets.items():
        for variant in VARIANTS:
            r = compare(windows, variant)
            lines.append(f"| {name} | {variant} | {r['windows']} | {r['lower']} / {r['equal']} / {r['higher']} | "
                         f"{r['ours'][0]:.2f} / {r['ours'][1]:.3f} | {r['theirs'][0]:.2f} / {r['theirs'][1]:.3f} |")
            print(lines[-1], flush=True)
    RESULTS.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
