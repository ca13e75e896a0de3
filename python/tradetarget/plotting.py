"""Plots that explain themselves: what was observed, what each model expects, when targets fall."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .models import DEFAULT_MODEL

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import Analysis

__all__ = ["plot_analysis", "plot_sensitivity"]

_COLOURS = ("#1f5fa8", "#c2571a", "#2e8540", "#7a3e9d", "#b8860b", "#008b8b", "#c71585", "#555555")


def _colour(i: int) -> str:
    """The i-th model's colour: eight chosen ones, then matplotlib's tab20, so no model is dropped."""
    if i < len(_COLOURS):
        return _COLOURS[i]
    import matplotlib

    return matplotlib.colors.to_hex(matplotlib.colormaps["tab20"]((i - len(_COLOURS)) % 20))


def plot_analysis(analysis: "Analysis", path: str | None = None):
    """Left: every statement as said, the reconciled series, and each model's 80% band and
    median with the targets drawn. Right: P(target reached by year) for each model and target.
    Saves to ``path`` when given; returns the matplotlib Figure."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from .money import format_money

    fig, (ax, ax_fp) = plt.subplots(1, 2, figsize=(13, 5.2), gridspec_kw={"width_ratios": [3, 2]})
    r = analysis.reconciled
    scale = 1e9 if r.table["value"].max() >= 1e9 else 1.0
    unit = " (US$ billion)" if scale == 1e9 else ""

    levels = r.decisions[r.decisions["statement"].isin(["level", "approx_level", "current_level"])]
    used = levels[levels["used"]]
    ax.scatter(used["year"].astype(float), used["value"] / scale, s=22, facecolors="none",
               edgecolors="0.35", label="each statement, as said", zorder=3)
    years = r.table.index.to_numpy()
    values = r.table["value"].to_numpy() / scale
    spread = r.table["log_sd"].to_numpy()
    ax.errorbar(years, values, yerr=[values - values * np.exp(-spread), values * np.exp(spread) - values],
                fmt="o-", color="black", lw=1.4, capsize=3, label="reconciled (± source spread)", zorder=4)

    m = analysis.measured
    if m is not None:
        t = m.table
        names = list(analysis.forecasts)
        colour = _colour(names.index("measurement")) if "measurement" in names else "grey"
        kinds = [f"{', '.join(str(y) for y in t.index[t['kind'] == kind])} {kind}"
                 for kind in ("estimated", "nowcast") if (t["kind"] == kind).any()]
        ax.errorbar(t.index, t["value"] / scale,
                    yerr=[(t["value"] - t["lower_80"]) / scale, (t["upper_80"] - t["value"]) / scale],
                    fmt="D", ms=4, color=colour, capsize=2, lw=0.9, alpha=0.8,
                    label="measurement model: every year, 80%" + (f" ({'; '.join(kinds)})" if kinds else ""), zorder=5)

    # With many models, one band keeps the chart legible: the calibrated model's (the answer), else
    # the combination's, else the first model's.
    banded = set(analysis.forecasts) if len(analysis.forecasts) <= 3 else next(
        {name} for name in (DEFAULT_MODEL, "combination", next(iter(analysis.forecasts))) if name in analysis.forecasts)
    for i, (name, forecast) in enumerate(analysis.forecasts.items()):
        colour = _colour(i)
        table = forecast.table
        # Paths start after the last full year; join them to it.
        start = forecast.observed.years[-1]
        anchor = float(np.exp(forecast.observed.log_level[-1])) / scale
        x = np.concatenate([[start], table.index.to_numpy()])
        lower = np.concatenate([[anchor], table["lower_80"].to_numpy() / scale]) if "lower_80" in table else None
        upper = np.concatenate([[anchor], table["upper_80"].to_numpy() / scale]) if "upper_80" in table else None
        median = np.concatenate([[anchor], table["median"].to_numpy() / scale])
        if lower is not None and name in banded:
            ax.fill_between(x, lower, upper, color=colour, alpha=0.10, lw=0)
            ax.plot(x, lower, color=colour, lw=0.8, ls="--")
            ax.plot(x, upper, color=colour, lw=0.8, ls="--", label=f"{name}: 80% of paths between")
        ax.plot(x, median, color=colour, lw=1.8, label=f"{name}: median path")

    horizon_end = min(analysis.settings["horizon_end"], max(analysis.settings["prob_by"] + [analysis.settings["deadline"]]) + 5)
    for target in sorted(set(analysis.targets["target"])):
        ax.axhline(target / scale, color="0.2", ls="--", lw=0.9)
        ax.annotate(f"target {format_money(target)}", (1.0, target / scale), xycoords=("axes fraction", "data"),
                    textcoords="offset points", xytext=(-4, 3), ha="right", fontsize=9)
    ax.axvline(analysis.settings["deadline"], color="0.5", ls=":", lw=0.9)
    ax.annotate(f"deadline {analysis.settings['deadline']}", (analysis.settings["deadline"], 0.0),
                xycoords=("data", "axes fraction"), textcoords="offset points", xytext=(3, 4), fontsize=8, color="0.35")
    ax.set_xlim(years[0] - 0.5, horizon_end + 0.5)
    top = max(analysis.targets["target"].max() / scale * 1.35, values.max() * 1.3)
    ax.set_ylim(0, top)
    ax.set_ylabel(f"{r.label}{unit}")
    ax.set_title("What was said, and where each model goes")
    ax.legend(fontsize=8, loc="upper left", framealpha=0.9)
    ax.grid(alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))

    styles = ("-", "--", ":", "-.")
    deadline = analysis.settings["deadline"]
    for i, (name, table) in enumerate(analysis.first_passage.items()):
        for k, target in enumerate(table.columns):
            ax_fp.step(table.index, table[target], where="post", color=_colour(i), ls=styles[k % len(styles)],
                       label=f"{format_money(target)}, {name}")
            if name == DEFAULT_MODEL and deadline in table.index:
                p = float(table.loc[deadline, target])
                ax_fp.annotate(f"P({format_money(target)} by {deadline}) = {p:.2f}", (deadline, p),
                               textcoords="offset points", xytext=(6, -10 if k else 4), fontsize=8, color=_colour(i))
    for year in analysis.settings["prob_by"]:
        ax_fp.axvline(year, color="0.6", lw=0.8, ls=":")
    ax_fp.axhline(0.5, color="0.6", lw=0.8)
    ax_fp.set_xlim(years[-1] + 0.5, horizon_end + 0.5)
    ax_fp.set_ylim(0, 1)
    ax_fp.set_ylabel("P(target reached in or before the year)")
    ax_fp.set_title("When is the target first reached? (annual data)")
    ax_fp.legend(fontsize=8, loc="upper left", framealpha=0.9)
    ax_fp.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_fp.grid(alpha=0.3)
    s = analysis.settings
    fig.suptitle(
        f"{r.title}: time to target — {s['n_paths']:,} paths per model, parameter"
        f"{' and source' if s['source_uncertainty'] else ''} uncertainty included", fontsize=11)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig


def plot_sensitivity(table, path: str | None = None):
    """P(target reached by each year) under each source alone and all together: one panel per
    target, one dot per scenario and year. ``table`` is what ``tradetarget.sensitivity`` returns."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from .money import format_money

    targets = list(dict.fromkeys(table["target"]))
    columns = [c for c in table.columns if c.startswith("prob_by_")]
    year = table.attrs.get("year")
    fig, axes = plt.subplots(1, len(targets), figsize=(5.5 * len(targets), 0.6 * table["scenario"].nunique() + 1.8),
                             sharey=True, squeeze=False)
    for ax, target in zip(axes[0], targets):
        rows = table[table["target"] == target].reset_index(drop=True)
        for colour, column in zip(map(_colour, range(len(columns))), columns):
            ax.scatter(rows[column], rows.index, color=colour, label=f"by {column.removeprefix('prob_by_')}", zorder=3)
        ax.set_yticks(rows.index, [f"{s}\n{year}: {format_money(v)}" for s, v in zip(rows["scenario"], rows[f"level_{year}"])],
                      fontsize=8)
        ax.set_xlim(0, 1)
        ax.grid(alpha=0.3)
        ax.set_title(f"P(reach {format_money(target)})")
        ax.legend(fontsize=8, loc="lower right")
    axes[0][0].invert_yaxis()  # shared: once inverts all
    fig.suptitle(f"Which figure for {year} you believe: the answer under each source alone (measurement model)",
                 fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig
