"""How long `tradetarget fit --model auto` takes to choose its model, against an earlier build.

    .venv/bin/python benchmarks/auto_choice_speed.py
    .venv/bin/python benchmarks/auto_choice_speed.py --baseline DIR   # DIR: an earlier tradetarget,
        # installed with `pip install --no-deps --target DIR <checkout of that commit>`

The choice (cli.choose_auto) scores auto_ets, auto_arima and theta by rolling-origin MASE over up
to 20 origins. This times it on 60 seeded random walks with drift in logs, 15, 25, 40 and 60 years
long (15 each), in a fresh process per build and setting: pinned to one core, and on all cores.
Both builds run in the same invocation, so the ratio is measured side by side. Writes
benchmarks/results/auto_choice_speed.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).with_name("results") / "auto_choice_speed.md"
LENGTHS = (15, 25, 40, 60)

CHILD = r"""
import json, os, sys, time
import numpy as np, pandas as pd
if sys.argv[1] == "one":
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
from tradetarget.cli import choose_auto
rng = np.random.default_rng(20261206)
out = {}
for n in json.loads(sys.argv[2]):
    series = [pd.Series(100 * np.exp(np.cumsum(rng.normal(0.04, 0.1, n))), index=range(2025 - n, 2025)) for _ in range(15)]
    choose_auto(series[0])  # warm-up
    start = time.perf_counter()
    chosen = [choose_auto(s)[0] for s in series]
    out[n] = {"ms": 1e3 * (time.perf_counter() - start) / len(series), "chosen": chosen}
print(json.dumps(out))
"""


def run(pythonpath: str | None, cores: str) -> dict:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, "-c", CHILD, cores, json.dumps(LENGTHS)], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="directory holding an earlier tradetarget (pip install --target)")
    args = parser.parse_args()
    builds = {"this checkout": None} | ({"baseline": str(Path(args.baseline).resolve())} if args.baseline else {})
    results = {(build, cores): run(path, cores) for build, path in builds.items() for cores in ("one", "all")}
    head = "| years | " + " | ".join(f"{b}, {'1 core' if c == 'one' else f'{os.cpu_count()} cores'} (ms)"
                                     for b, c in results) + (" | speed-up, 1 core | speed-up, all cores |" if args.baseline else " |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for n in LENGTHS:
        cells = [f"{results[key][str(n)]['ms']:.1f}" for key in results]
        if args.baseline:
            for cores in ("one", "all"):
                cells.append(f"{results[('baseline', cores)][str(n)]['ms'] / results[('this checkout', cores)][str(n)]['ms']:.1f}x")
        rows.append(f"| {n} | " + " | ".join(cells) + " |")
    same = ""
    if args.baseline:
        agree = sum(a == b for n in LENGTHS for a, b in zip(results[("baseline", "one")][str(n)]["chosen"],
                                                           results[("this checkout", "one")][str(n)]["chosen"]))
        same = f"\nThe two builds choose the same model for {agree} of {15 * len(LENGTHS)} series.\n"
    text = ("# The automatic choice of `fit --model auto`: milliseconds per series\n\n"
            "Written by `benchmarks/auto_choice_speed.py`" + (f" (baseline: {args.baseline})" if args.baseline else "")
            + ".\n\n" + "\n".join(rows) + "\n" + same)
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
