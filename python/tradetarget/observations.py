"""Observations in, reconciled annual series out (the rule itself is in the C++ core)."""

from __future__ import annotations

import csv
import io
import re
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import numpy as np
import pandas as pd

from . import _core
from .arguments import existing_file
from .money import format_money, without_digit_grouping

__all__ = ["OBSERVATION_COLUMNS", "Reconciled", "read_observations", "read_series", "reconcile"]

#: The full schema (data/README.md). Only period_start, period_end, statement and value are
#: required; the rest default to empty.
OBSERVATION_COLUMNS = (
    "obs_id", "reporter", "partner", "indicator", "flow", "commodity", "period_start",
    "period_end", "statement", "value", "value_upper", "unit", "published", "said_by",
    "source_file", "quote", "note",
)
REQUIRED_COLUMNS = ("period_start", "period_end", "statement", "value")
#: The minimal schema: one annual total per row.
MINIMAL_COLUMNS = ("year", "value")

ObservationSource = Union[str, os.PathLike, pd.DataFrame, pd.Series]


def _numbers(frame: pd.DataFrame, column: str, where: pd.Series, required: bool) -> np.ndarray:
    text = frame[column].astype(str).str.strip()
    cleaned = text.map(without_digit_grouping)
    parsed = pd.to_numeric(cleaned.where(cleaned != "", "nan"), errors="coerce")
    bad = parsed.isna() & ((text != "") | required)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        shown = text.iloc[i] if text.iloc[i] else "empty"
        hint = (" (a comma is read only as a thousands separator, as in 5,300,000,000: write a decimal comma "
                "as a point)" if "," in shown else "")
        raise ValueError(f"{where.iloc[i]}: column {column!r} is {shown!r}; a number is needed{hint}")
    return parsed.to_numpy(dtype=float)


def to_year_series(data: Any) -> Any:
    """A reconciled series or a year/value DataFrame as a pandas Series of values indexed by year;
    anything else is returned as it is (the caller checks it)."""
    if isinstance(data, Reconciled):
        return data.table["value"].rename_axis("year")
    if isinstance(data, pd.DataFrame) and "value" in data.columns:
        years = data["year"] if "year" in data.columns else data.index
        return pd.Series(data["value"].to_numpy(), index=pd.Index(years, name="year"))
    return data


def read_csv_strictly(file: Path) -> tuple[pd.DataFrame, list[int]]:
    """All fields as text; every row must have as many fields as the header (pandas would
    silently turn extra fields into an index). Returns the frame and each row's line number."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{file.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        while header == []:  # blank lines before the header, as pandas skips them
            header = next(reader, None)
        if not header:
            raise ValueError(f"{file.name}: not a readable CSV file (no header line)")
        seen: dict[str, int] = {}
        for i, name in enumerate(header, start=1):
            if name.strip() in seen:
                raise ValueError(f"line {reader.line_num} of {file.name}: column {name.strip()!r} is named twice "
                                 f"(columns {seen[name.strip()]} and {i}); each column needs its own name")
            seen[name.strip()] = i
        rows, lines = [], []
        for row in reader:
            if not row:
                continue  # blank line
            if len(row) != len(header):
                raise ValueError(
                    f"line {reader.line_num} of {file.name}: {len(row)} fields where the header has {len(header)}"
                )
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise ValueError(f"line {reader.line_num} of {file.name}: not a readable CSV line ({exc})") from None
    return pd.DataFrame(rows, columns=header, dtype=object), lines


def read_observations(source: ObservationSource) -> pd.DataFrame:
    """Read and check observations from a CSV path or a DataFrame.

    Two schemas are accepted: the full one (``OBSERVATION_COLUMNS``, see data/README.md) and the
    minimal ``year,value`` file of annual totals. Unknown columns, missing required columns and
    unparsable numbers raise ``ValueError`` naming the line (files) or row (DataFrames).
    Returns the full schema with a ``where`` column and numeric ``value``/``value_upper``.
    """
    if isinstance(source, pd.Series):
        source = pd.DataFrame({"year": source.index, "value": source.to_numpy()})
    if isinstance(source, pd.DataFrame):
        frame = source.reset_index(drop=True).astype(object).where(source.notna().to_numpy(), "")
        frame = frame.astype(str)
        if "where" in frame.columns:  # already read: keep pointing at the original lines
            where = frame.pop("where")
        else:
            where = pd.Series([f"row {i}" for i in range(len(frame))])
        name = "data frame"
    else:
        file = existing_file(source)
        frame, lines = read_csv_strictly(file)
        where = pd.Series([f"line {n} of {file.name}" for n in lines], dtype=object)
        name = file.name
    frame.columns = [str(c).strip() for c in frame.columns]

    if "year" in frame.columns:
        unknown = [c for c in frame.columns if c not in MINIMAL_COLUMNS]
        if unknown or "value" not in frame.columns:
            raise ValueError(
                f"{name}: a file with a 'year' column has exactly the columns 'year,value'; "
                f"got {', '.join(map(repr, frame.columns))}"
            )
        years = _numbers(frame, "year", where, required=True)
        for i, y in enumerate(years):
            if y != int(y):
                raise ValueError(f"{where.iloc[i]}: column 'year' is {float(y):g}; a whole year is needed")
            if not 1000 <= y <= 3000:
                raise ValueError(f"{where.iloc[i]}: year {int(y)} is not a calendar year (1000 to 3000; write 2019, not 19)")
        seen: dict[int, int] = {}
        for i, y in enumerate(years.astype(int)):
            if y in seen:  # one value a year: two would be averaged as if from one source
                raise ValueError(f"{where.iloc[i]}: year {y} again (first at {where.iloc[seen[y]]}); a year,value file "
                                 "has one value a year (several sources of one year: the full schema, one row each)")
            seen[y] = i
        full = pd.DataFrame({c: [""] * len(frame) for c in OBSERVATION_COLUMNS})
        full["obs_id"] = [str(int(y)) for y in years]
        full["period_start"] = [f"{int(y):04d}-01" for y in years]
        full["period_end"] = [f"{int(y):04d}-12" for y in years]
        full["statement"] = "level"
        full["value"] = frame["value"].to_numpy()
        full["source_file"] = name
        frame = full
    else:
        unknown = [c for c in frame.columns if c not in OBSERVATION_COLUMNS]
        if unknown:
            raise ValueError(
                f"{name}: unknown column(s) {', '.join(map(repr, unknown))}; expected 'year,value' "
                f"or the columns of the full schema: {', '.join(OBSERVATION_COLUMNS)}"
            )
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"{name}: missing required column(s) {', '.join(map(repr, missing))}")
        for column in OBSERVATION_COLUMNS:
            if column not in frame.columns:
                frame[column] = ""
        frame = frame[list(OBSERVATION_COLUMNS)].copy()
    if len(frame) == 0:
        raise ValueError(f"{name}: no observations")
    frame["value"] = _numbers(frame, "value", where, required=True)
    frame["value_upper"] = _numbers(frame, "value_upper", where, required=False)
    ids = frame["obs_id"].where(frame["obs_id"] != "", [f"obs{i + 1}" for i in range(len(frame))])
    frame["obs_id"] = ids
    frame["where"] = where.to_numpy()
    return frame


@dataclass(frozen=True)
class Reconciled:
    """An annual series reconciled from observations, with every decision on record.

    ``table``: one row per year (value, log_sd, n_sources, how, ids). ``decisions``: one row per
    selected observation (used or not, the year it informs, the reason). ``observations``: the
    selected rows as read.
    """

    table: pd.DataFrame
    decisions: pd.DataFrame
    observations: pd.DataFrame
    label: str

    @property
    def series(self) -> pd.Series:
        """The annual values (index: year)."""
        return self.table["value"]

    @property
    def title(self) -> str:
        """What the series is, for a chart or a report: the reporter–partner pair when the
        observations name one (e.g. "Kazakhstan–Türkiye trade total"), else the label."""
        names = []
        for column in ("reporter", "partner"):
            values = self.observations[column].dropna().astype(str).str.strip() if column in self.observations else ()
            distinct = sorted(set(v for v in values if v))
            if len(distinct) != 1:
                return self.label
            names.append(distinct[0])
        return f"{'–'.join(names)} {self.label}".strip()

    def __repr__(self) -> str:
        years = list(self.table.index)
        used = int(self.decisions["used"].sum()) if "used" in self.decisions else len(self.decisions)
        span = f"{years[0]}-{years[-1]}" if years else "no years"
        last = f", last {format_money(float(self.table['value'].iloc[-1]))} in {years[-1]}" if years else ""
        return (f"Reconciled({self.label}: {len(years)} years, {span}{last}; {used} of {len(self.decisions)} "
                f"observations used; .table, .decisions)")

    def _repr_html_(self) -> str:
        import html

        return f"<b>{html.escape(repr(self))}</b>" + self.table.to_html(
            formatters={"value": format_money}, float_format=lambda v: f"{v:.3g}", na_rep="")

    def to_core(self) -> _core.AnnualSeries:
        return _core.AnnualSeries.from_levels(
            [int(y) for y in self.table.index], self.table["value"].tolist(), self.table["log_sd"].tolist()
        )


#: The additive components of each flow: exports + imports = total.
COMPONENTS = {"total": ("exports", "imports")}


def select_series(
    frame: pd.DataFrame, indicator: str, flow: str, commodity: str
) -> tuple[pd.DataFrame, list[_core.Observation]]:
    """The rows of one series (and of its additive components), and their core observations.

    An empty indicator or flow in the data means "not stated" and matches any selection; an
    empty commodity means all goods and matches only commodity="". Rows of a component flow
    (exports, imports for a total) are passed on marked as components.
    """
    parts = COMPONENTS.get(flow, ())
    keep = (
        frame["indicator"].isin([indicator, ""])
        & frame["flow"].isin([flow, "", *parts])
        & (frame["commodity"] == commodity)
    )
    selected = frame[keep.to_numpy()].reset_index(drop=True)
    if not selected["flow"].isin([flow, ""]).any():
        raise ValueError(
            f"no observations for indicator={indicator!r}, flow={flow!r}, commodity={commodity!r}"
        )
    observations = [
        _core.Observation(
            id=row.obs_id,
            where=row.where,
            source=row.source_file or row.said_by or row.where,
            statement=row.statement,
            period_start=row.period_start,
            period_end=row.period_end,
            published=row.published,
            value=float(row.value),
            value_upper=float(row.value_upper),
            component=row.flow if row.flow in parts else "",
        )
        for row in selected.itertuples(index=False)
    ]
    return selected, observations


def decisions_frame(selected: pd.DataFrame, observations, decisions) -> pd.DataFrame:
    """One row per observation: what was said, and what the model did with it."""
    return pd.DataFrame(
        {
            "obs_id": [d.id for d in decisions],
            "where": [d.where for d in decisions],
            "flow": selected["flow"].to_numpy(),
            "statement": selected["statement"].to_numpy(),
            "period": (selected["period_start"] + "/" + selected["period_end"]).str.strip("/").to_numpy(),
            "value": selected["value"].to_numpy(),
            "source": [o.source for o in observations],
            "used": [d.used for d in decisions],
            "year": pd.array([d.year for d in decisions], dtype="Int64"),
            "reason": [d.reason for d in decisions],
        }
    )


def reconcile(
    observations: ObservationSource | None = None,
    *,
    indicator: str = "trade",
    flow: str = "total",
    commodity: str = "",
    use_current_levels: bool = True,
    use_growth_statements: bool = True,
) -> Reconciled:
    """Select one series from the observations and reconcile it to annual values.

    The rule (C++ ``reconcile_annual``, documented in docs/guide/observations.md): full-year levels are averaged
    in logs per source, then across sources with equal weight, and the sources' spread is kept as
    ``log_sd``; a "current" level counts for the last full year before its date; growth
    statements give the level of an adjacent year that has none; partial years, multi-year totals,
    bounds, ranges and expectations are reported in ``decisions`` and kept out.

    Parameters
    ----------
    observations : path, DataFrame, pandas Series or None
        An observations file or frame (the schema of ``data/README.md``, or just ``year,value``),
        or a Series of values indexed by year. None: the bundled Kazakhstan–Türkiye data.
    indicator, flow, commodity : str
        Which series of the observations.
    use_current_levels, use_growth_statements : bool
        Whether "current" levels and growth statements may give a year's level.

    Returns
    -------
    Reconciled
        ``table`` (year, value, log_sd, n_sources, how), ``decisions`` (every observation: used
        or not, and why), ``observations`` (the selected rows as read) and ``title``.

    Raises
    ------
    ValueError
        A file or frame that does not follow the schema, naming the line, the column and the
        value; no observation of the chosen series.

    Examples
    --------
    >>> import tradetarget as tt
    >>> series = tt.reconcile()
    >>> decisions = series.decisions[["obs_id", "used", "reason"]]
    """
    from . import datasets

    if observations is None:
        observations = datasets.path("kazakhstan_turkiye.csv")
    frame = read_observations(observations)
    selected, core_observations = select_series(frame, indicator, flow, commodity)
    result = _core.reconcile_annual(core_observations, use_current_levels, use_growth_statements)
    table = pd.DataFrame(
        {
            "value": [y.value for y in result.years],
            "log_sd": [y.log_sd for y in result.years],
            "n_sources": [y.n_sources for y in result.years],
            "how": [y.how for y in result.years],
            "ids": [", ".join(y.ids) for y in result.years],
        },
        index=pd.Index([y.year for y in result.years], name="year"),
    )
    label = " ".join(x for x in (indicator, flow, commodity) if x)
    return Reconciled(
        table=table,
        decisions=decisions_frame(selected, core_observations, result.decisions),
        observations=selected,
        label=label,
    )


def read_series(path: Union[str, Path]) -> pd.Series:
    """A one-column CSV (values, in order), a ``year,value`` CSV, or an observations file (the full
    schema: reconciled to its annual total trade, ``tt.reconcile``), as a Series indexed by year (or
    by position 1..n for one column)."""
    file = existing_file(path)
    frame, lines = read_csv_strictly(file)
    frame.columns = [str(c).strip() for c in frame.columns]
    if set(REQUIRED_COLUMNS) <= set(frame.columns):
        return reconcile(file).series.rename_axis("year")
    if frame.shape[1] == 1 and not pd.isna(pd.to_numeric(without_digit_grouping(frame.columns[0]), errors="coerce")):
        # no header line: the first line is a value, not a column name (never drop it)
        frame = pd.concat([pd.DataFrame({frame.columns[0]: [frame.columns[0]]}), frame], ignore_index=True)
        lines = [1, *lines]
    frame.columns = [c.lower() for c in frame.columns]  # Year,Value as year,value
    if frame.shape[1] == 1:
        values, index = frame.iloc[:, 0], pd.RangeIndex(1, len(frame) + 1)
    elif list(frame.columns) == ["year", "value"]:
        values = frame["value"]
        years = pd.to_numeric(frame["year"], errors="coerce")
        if years.isna().any() or (years != years.round()).any():
            i = int(np.flatnonzero((years.isna() | (years != years.round())).to_numpy())[0])
            raise ValueError(f"line {lines[i]} of {file.name}: column 'year' is {frame['year'].iloc[i]!r}; a whole year is needed")
        outside = (years < 1000) | (years > 3000)
        if outside.any():
            i = int(np.flatnonzero(outside.to_numpy())[0])
            raise ValueError(f"line {lines[i]} of {file.name}: year {int(years.iloc[i])} is not a calendar year "
                             "(1000 to 3000; write 2019, not 19)")
        index = pd.Index(years.astype(int), name="year")
    else:
        raise ValueError(f"{file.name}: expected one column of values, the columns 'year,value' or an observations "
                         f"file (columns {', '.join(REQUIRED_COLUMNS)}, ...); got {list(frame.columns)}")
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().any():
        i = int(np.flatnonzero(numbers.isna().to_numpy())[0])
        raise ValueError(f"line {lines[i]} of {file.name}: {values.iloc[i]!r} is not a number")
    if len(numbers) == 0:
        raise ValueError(f"{file.name}: no values")
    return pd.Series(numbers.to_numpy(dtype=float), index=index)
