"""The export mix: which goods make up exports, how concentrated they are, how much is raw material.

``export_mix()`` reads the commodity lines of a snapshot (the bundled January–May 2025 list, or
your own table), finds the period's exports and total trade where the observations state them,
and computes shares, the unlisted remainder, the Herfindahl–Hirschman index (as a range: see
``mix.hpp``), top-k shares and the raw-material share in C++. When the period's exports are not
stated, they are estimated from the latest full year's export share of trade, and said so; if the
listed goods already exceed that estimate, exports are taken as at least the listed sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional, Union

import numpy as np
import pandas as pd

from . import _core, datasets
from .money import format_money
from .observations import read_observations

__all__ = ["Mix", "export_mix", "latest_share_of_trade", "mix_change"]


@dataclass
class Mix:
    """One snapshot: ``table`` (a line per commodity + the remainder), ``concentration`` and ``notes``."""

    snapshot: str
    table: pd.DataFrame
    concentration: dict
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.concentration
        lines = [f"Export mix {self.snapshot}: exports {format_money(c['exports_total'])}"
                 f" ({c['exports_basis']}), listed {format_money(c['listed_total'])}"]
        lines.append(f"  {'commodity':<26} {'US$ m':>9} {'% exports':>10} {'% trade':>8}  class")
        for _, row in self.table.iterrows():
            trade = "" if math.isnan(row["share_of_trade"]) else f"{100 * row['share_of_trade']:.1f}"
            lines.append(f"  {row['commodity']:<26} {row['value'] / 1e6:>9.1f} {100 * row['share_of_exports']:>10.1f} "
                         f"{trade:>8}  {row['class']}")
        top = ", ".join(f"top-{k} {100 * v:.1f}%" for k, v in c["top_k"].items())
        lines.append(f"  HHI {c['hhi']:.3f}-{c['hhi_upper']:.3f} (normalised {c['hhi_normalised']:.3f}); {top}; "
                     f"raw materials {100 * c['primary_share']:.1f}% of exports "
                     f"({100 * c['unclassified_share']:.1f}% unclassified)")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"snapshot": self.snapshot, "lines": self.table.to_dict(orient="records"),
                "concentration": self.concentration, "notes": self.notes}


def _classes(path: Optional[str] = None) -> dict[str, str]:
    frame = pd.read_csv(path or datasets.path("commodity_classes.csv"), dtype=str, keep_default_na=False)
    return dict(zip(frame["commodity"], frame["class"]))


def _summarize(snapshot: str, items: pd.DataFrame, exports_total: float, trade_total: float, basis: str,
               classes: dict[str, str], notes: list[str]) -> Mix:
    core_items = [_core.MixItem(str(r.commodity), float(r.value),
                                None if str(r.commodity) not in classes else classes[str(r.commodity)] == "primary")
                  for r in items.itertuples()]
    s = _core.summarize_mix(core_items, exports_total, trade_total)
    table = pd.DataFrame({
        "commodity": [line.name for line in s.lines],
        "value": [line.value for line in s.lines],
        "share_of_exports": [line.share_of_exports for line in s.lines],
        "share_of_trade": [line.share_of_trade for line in s.lines],
        "class": [("" if line.remainder else classes.get(line.name, "unclassified")) for line in s.lines],
    })
    concentration = dict(exports_total=s.exports_total, exports_basis=basis, listed_total=s.listed_total,
                         remainder=s.remainder, hhi=s.hhi, hhi_upper=s.hhi_upper, hhi_normalised=s.hhi_normalised,
                         top_k={k: v for k, v in s.top_k}, primary_share=s.primary_share,
                         unclassified_share=s.unclassified_share, trade_total=trade_total)
    return Mix(snapshot, table, concentration, notes)


def export_mix(observations: Union[None, str, pd.DataFrame] = None, *, exports_total: Optional[float] = None,
               trade_total: Optional[float] = None, classes: Optional[str] = None) -> list[Mix]:
    """The export mix: which commodities the exports are made of, and how concentrated they are.

    Parameters
    ----------
    observations : None, str, or pandas.DataFrame
        The bundled data by default, a path, or a DataFrame in the observation schema
        (``data/README.md``); or a table with the columns ``snapshot, commodity, value`` (your own
        snapshots).
    exports_total, trade_total : float, optional
        Override what the observations say (one snapshot only); the lines that do not add up to
        ``exports_total`` become an "unlisted remainder".
    classes : str, optional
        A CSV of ``commodity,class`` (default: ``data/commodity_classes.csv``) for the primary share.

    Returns
    -------
    list of Mix
        One per snapshot (period), oldest first: ``.table`` (each commodity's value and share of
        exports and of trade, and its class) and ``.concentration`` (Herfindahl-Hirschman index with
        its upper bound for the unlisted remainder, top-k shares, primary share).

    Raises
    ------
    ValueError
        A value that is not a number (naming the snapshot), no export lines in the observations,
        or a total stated with different values (pass it to choose). Listed lines larger than an
        estimated total are not an error: the snapshot's ``notes`` say so.

    Examples
    --------
    >>> import pandas as pd
    >>> import tradetarget as tt
    >>> mix = tt.export_mix()[-1]              # the latest snapshot of the bundled data
    >>> mix.snapshot
    '2025-01 to 2025-05'
    >>> str(mix.table.loc[0, "commodity"]), round(float(mix.table.loc[0, "share_of_exports"]), 3)
    ('Copper and cathodes', 0.496)
    >>> own = pd.DataFrame({"snapshot": "2024", "commodity": ["oil", "copper", "wheat"], "value": [5.0, 3.0, 2.0]})
    >>> tt.export_mix(own, exports_total=12.0)[0].table["share_of_exports"].round(3).tolist()
    [0.417, 0.25, 0.167, 0.167]
    """
    classes_map = _classes(classes)
    if isinstance(observations, pd.DataFrame) and {"snapshot", "commodity", "value"} <= set(observations.columns):
        out = []
        for snapshot, items in observations.groupby("snapshot", sort=False):
            values = pd.to_numeric(items["value"], errors="coerce")
            if values.isna().any():
                raise ValueError(f"snapshot {snapshot!r}: value {items['value'][values.isna()].iloc[0]!r} is not a number")
            out.append(_summarize(str(snapshot), items.assign(value=values),
                                  math.nan if exports_total is None else exports_total,
                                  math.nan if trade_total is None else trade_total,
                                  "given" if exports_total is not None else "listed lines only (exports not given)",
                                  classes_map, []))
        return out

    obs = read_observations(observations if observations is not None else datasets.path("kazakhstan_turkiye.csv"))
    obs = obs[(obs["indicator"] == "trade") & (obs["statement"] == "level")]
    lines = obs[(obs["flow"] == "exports") & (obs["commodity"] != "")]
    if lines.empty:
        raise ValueError("the observations hold no commodity export lines (flow 'exports' with a commodity)")
    out = []
    for (start, end), items in lines.groupby(["period_start", "period_end"], sort=True):
        snapshot = f"{start} to {end}"
        notes: list[str] = []
        same = obs[(obs["period_start"] == start) & (obs["period_end"] == end) & (obs["commodity"] == "")]
        trade = trade_total if trade_total is not None else _one(same[same["flow"] == "total"], "total trade", snapshot)
        exports = exports_total if exports_total is not None else _one(same[same["flow"] == "exports"], "exports", snapshot)
        basis = "given" if exports_total is not None else "stated"
        if math.isnan(exports) and not math.isnan(trade):
            try:
                share, year, where = latest_share_of_trade(obs, "exports")
            except ValueError as exc:
                raise ValueError(f"{exc}; pass exports_total=") from None
            estimate = share * trade
            listed = float(items["value"].sum())
            basis = f"estimated: {100 * share:.1f}% of trade, the {year} export share ({where})"
            exports = estimate
            if listed > estimate:
                notes.append(f"the listed goods ({format_money(listed)}) exceed the estimated exports "
                             f"({format_money(estimate)}): exports in {snapshot} were at least the listed sum, i.e. at least "
                             f"{100 * listed / trade:.1f}% of trade; the remainder is taken as 0 and export shares are "
                             f"upper bounds")
                exports = listed
                basis = f"at least the listed sum (the {year} export share would give {format_money(estimate)})"
        out.append(_summarize(snapshot, items, exports, trade, basis, classes_map, notes))
    return out


def _one(rows: pd.DataFrame, what: str, snapshot: str) -> float:
    values = sorted(set(rows["value"].astype(float)))
    if len(values) > 1:
        raise ValueError(f"{snapshot}: {what} is stated as {values}; pass {what.replace(' ', '_')}= to choose")
    return values[0] if values else math.nan


def latest_share_of_trade(obs: pd.DataFrame, flow: str) -> tuple[float, int, str]:
    """``flow`` (exports or imports) / total trade in the latest full year where one source
    states both: (share, year, source file). ``obs``: read observations."""
    obs = obs[(obs["indicator"] == "trade") & (obs["statement"] == "level") & (obs["commodity"] == "")]
    full = obs[obs["period_start"].str.endswith("-01") & obs["period_end"].str.endswith("-12")
               & (obs["period_start"].str[:4] == obs["period_end"].str[:4])]
    best = None
    for (year, source), rows in full.groupby([full["period_start"].str[:4], "source_file"]):
        part, totals = rows[rows["flow"] == flow], rows[rows["flow"] == "total"]
        if len(part) and len(totals):
            candidate = (int(year), float(part["value"].iloc[0]) / float(totals["value"].iloc[0]), source)
            if best is None or candidate[0] > best[0]:
                best = candidate
    if best is None:
        raise ValueError(f"no year states both {flow} and total trade")
    return best[1], best[0], best[2]


def mix_change(before: Mix, after: Mix) -> pd.DataFrame:
    """Change of each commodity's export share between two snapshots (percentage points)."""
    a = before.table.set_index("commodity")["share_of_exports"]
    b = after.table.set_index("commodity")["share_of_exports"]
    table = pd.DataFrame({before.snapshot: a, after.snapshot: b}).fillna(0.0)
    table["change_pp"] = 100 * (table[after.snapshot] - table[before.snapshot])
    return table.sort_values("change_pp", key=np.abs, ascending=False)
