"""UN Comtrade bulk CSV files into the long panel that ``forecast_panel`` takes.

Two schemas are read: Comtrade Plus (``refYear``, ``reporterISO``, ``partnerISO``, ``flowCode``,
``cmdCode``, ``primaryValue``; the bulk files and the v1 API) and the legacy Comtrade bulk files
(``Year``, ``Reporter ISO``, ``Partner ISO``, ``Trade Flow Code``, ``Commodity Code``,
``Trade Value (US$)``). Only annual rows are accepted, and where a file breaks a flow down by
second partner, customs procedure or mode of transport, only the totals (partner2 0 / World,
customs C00, mode 0) are kept, so that no value is counted twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np
import pandas as pd

from .arguments import existing_file
from .observations import read_csv_strictly

__all__ = ["read_comtrade"]

# panel column -> the column in each schema (first found wins: ISO codes before numeric codes).
_PLUS = {
    "year": ("refYear", "period"),
    "reporter": ("reporterISO", "reporterCode"),
    "partner": ("partnerISO", "partnerCode"),
    "flow": ("flowCode",),
    "commodity": ("cmdCode",),
    "value": ("primaryValue",),
}
_LEGACY = {
    "year": ("Year",),
    "reporter": ("Reporter ISO", "Reporter Code"),
    "partner": ("Partner ISO", "Partner Code"),
    "flow": ("Trade Flow Code", "Trade Flow"),
    "commodity": ("Commodity Code",),
    "value": ("Trade Value (US$)",),
}
# Breakdown columns and the value that means "all of them".
_TOTALS = {"partner2Code": {"0"}, "partner2ISO": {"W00", "WLD"}, "customsCode": {"C00"}, "motCode": {"0"},
           "2nd Partner Code": {"0", ""}, "Customs Proc. Code": {"C00", ""}, "Mode of Transport Code": {"0", ""}}
# Legacy flow codes as Comtrade Plus writes them.
_LEGACY_FLOWS = {"1": "M", "2": "X", "3": "RX", "4": "RM", "Import": "M", "Export": "X",
                 "Re-Export": "RX", "Re-Import": "RM"}


def _schema(columns: Sequence[str], name: str) -> tuple[dict[str, str], bool]:
    for schema, legacy in ((_PLUS, False), (_LEGACY, True)):
        found = {key: next((c for c in options if c in columns), None) for key, options in schema.items()}
        if found["value"] is not None or found["year"] is not None:
            missing = [schema[key][0] for key, column in found.items() if column is None]
            if missing:
                raise ValueError(f"{name}: a Comtrade {'legacy' if legacy else 'Plus'} file needs the column "
                                 f"{missing[0]!r}; it has {list(columns)}")
            return found, legacy  # type: ignore[return-value]
    raise ValueError(f"{name}: not a UN Comtrade file (no 'primaryValue'/'refYear' nor 'Trade Value (US$)'/'Year' "
                     f"column); it has {list(columns)}")


def read_comtrade(path: Union[str, Path], *, flows: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """A Comtrade bulk CSV as a long panel: ``unique_id`` (reporter-partner-flow-commodity),
    ``reporter``, ``partner``, ``flow`` (X, M, RX, RM), ``commodity``, ``year``, ``value`` (US$).

    ``flows`` keeps only those flow codes (e.g. ``("X", "M")``). Errors name the line: a missing
    column, a monthly row, a value that is not a number or is negative, and a flow reported twice
    for one year.
    """
    file = existing_file(path)
    frame, lines = read_csv_strictly(file)
    frame.columns = [str(c).strip() for c in frame.columns]
    columns, legacy = _schema(list(frame.columns), file.name)
    line = pd.Series(lines, index=frame.index)

    # Comtrade Plus says the frequency (A: annual); a legacy row's 4-digit year is checked below.
    if "freqCode" in frame.columns:
        monthly = frame["freqCode"].str.strip() != "A"
        if monthly.any():
            i = frame.index[monthly.to_numpy()][0]
            raise ValueError(f"line {line[i]} of {file.name}: freqCode is {frame.loc[i, 'freqCode']!r}; the panel is "
                             f"annual (download annual data, freqCode A)")
    keep = pd.Series(True, index=frame.index)
    for column, totals in _TOTALS.items():
        if column in frame.columns:
            keep &= frame[column].str.strip().isin(totals)
    frame, line = frame[keep], line[keep]

    out = pd.DataFrame({key: frame[column].str.strip() for key, column in columns.items()})
    if legacy:
        out["flow"] = out["flow"].map(lambda f: _LEGACY_FLOWS.get(f, f))
    if flows is not None:
        wanted = {str(f) for f in flows}
        out, line = out[out["flow"].isin(wanted)], line[out["flow"].isin(wanted)]
    year = pd.to_numeric(out["year"], errors="coerce")
    bad = year.isna() | (year != year.round()) | (out["year"].str.len() != 4)
    if bad.any():
        i = out.index[bad.to_numpy()][0]
        raise ValueError(f"line {line[i]} of {file.name}: year {out.loc[i, 'year']!r} is not a year (annual data "
                         f"has a 4-digit year)")
    value = pd.to_numeric(out["value"], errors="coerce")
    bad = value.isna() | ~np.isfinite(value) | (value < 0)
    if bad.any():
        i = out.index[bad.to_numpy()][0]
        raise ValueError(f"line {line[i]} of {file.name}: the value {out.loc[i, 'value']!r} is not a non-negative "
                         f"number of US$")
    out["year"], out["value"] = year.astype(np.int64), value.astype(float)
    out.insert(0, "unique_id", out["reporter"] + "-" + out["partner"] + "-" + out["flow"] + "-" + out["commodity"])
    repeated = out.duplicated(["unique_id", "year"], keep=False)
    if repeated.any():
        first = out[repeated].iloc[0]
        where = line[repeated & (out["unique_id"] == first["unique_id"]) & (out["year"] == first["year"])]
        raise ValueError(f"lines {', '.join(str(n) for n in where)} of {file.name}: {first['unique_id']} is reported "
                         f"more than once for {first['year']}")
    out = out[["unique_id", "reporter", "partner", "flow", "commodity", "year", "value"]]
    return out.sort_values(["unique_id", "year"], kind="stable").reset_index(drop=True)
