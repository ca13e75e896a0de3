"""How the measurement model's time grows with the number of sources and statements (issue 16:
a ministry file with a few hundred statements must take seconds).

Synthetic observations (seeded): a series of 15 years, each source states levels for `per_source`
of them with its own bias (sd 0.05 in logs) and noise (0.03). The model keeps one bias state per
source, so each filter step is O(n^2) in the n = 3 + sources states (rank-one updates, a
structured transition); the 25 x 25 grid of (sigma_level, sigma_obs) runs on every core.

Run (from the repository root): .venv/bin/python benchmarks/measurement_scale.py
Writes benchmarks/results/measurement_scale.md.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

import tradetarget as tt

RESULTS = Path(__file__).resolve().parent / "results"


def observations(n_sources: int, per_source: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.arange(2010, 2025)
    level = 5e9 * np.exp(0.05 * (years - 2010))
    rows = []
    for s in range(n_sources):
        bias = rng.normal(0, 0.05)
        for k, y in enumerate(rng.choice(years, per_source, replace=False)):
            rows.append(dict(obs_id=f"o{s}_{k}", indicator="trade", flow="total", period_start=f"{y}-01",
                             period_end=f"{y}-12", statement="level",
                             value=level[y - 2010] * np.exp(bias + rng.normal(0, 0.03)), source_file=f"src{s}.txt"))
    return pd.DataFrame(rows)


def main() -> None:
    lines = ["# Measurement model: time against sources and statements", "",
             f"`.venv/bin/python benchmarks/measurement_scale.py` on {os.cpu_count()} cores (one run each; "
             "wall time of `tt.measure`, grid of 25 x 25 cells).", "",
             "| sources | statements | seconds | 2024 estimate ($B) |", "|---|---|---|---|"]
    for n_sources, per_source in ((10, 3), (20, 3), (50, 3), (100, 3), (100, 10), (200, 5)):
        frame = observations(n_sources, per_source)
        started = time.perf_counter()
        measured = tt.measure(frame)
        seconds = time.perf_counter() - started
        value = float(measured.table.loc[2024, "value"]) / 1e9
        lines.append(f"| {n_sources} | {len(frame)} | {seconds:.2f} | {value:.3f} |")
        print(lines[-1], flush=True)
    lines += ["", "Before this change (issue 16, dense O(n^3) Joseph updates and predictions, one core): 20 sources "
              "1.3 s, 50 sources 5.6 s, 100 sources 60 s."]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "measurement_scale.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
