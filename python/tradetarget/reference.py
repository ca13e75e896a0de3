"""Reference classes: what series of one kind do, as the prior of the calibrated model.

On four to six annual points the reference class decides most of a time-to-target probability,
so it is explicit: learnt from a real panel by marginal likelihood (empirical Bayes, in the C++
core: ``reference_class.hpp`` gives the model and its references), saved as a small JSON file with
its provenance, printed with every answer, and chosen by the user.

The bundled one is learnt from the total trade (exports + imports, current US$) of the 182
countries of the Penn World Table 9.1, 1950-2017 (``data/pwt_trade.csv``; made by
``python -m tradetarget.reference`` from the repository root).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._version import __version__

__all__ = ["FORMAT", "FORMAT_VERSION", "MIN_SEGMENTS", "MIN_SERIES", "ReferenceClass", "bundled_reference"]

FORMAT = "tradetarget reference class"
# 2: drift_reset and window_years; optional keys "predictive" (false if absent) and
# "volatility_persistence" (1 if absent: the window's volatility carried forward, as before it existed)
FORMAT_VERSION = 2
#: The fewest series and segments a reference class is learnt from (see reference_class.hpp).
MIN_SERIES = int(_core.MIN_REFERENCE_SERIES)
MIN_SEGMENTS = int(_core.MIN_REFERENCE_SEGMENTS)
BUNDLED_FILE = "reference_pwt_trade.json"
#: Segment lengths a panel run pools over by default: 13 years where it can, down to 4 (see panel_reference).
DEFAULT_SEGMENT_YEARS, SHORTEST_SEGMENT = 13, 4

_HYPERPARAMETERS = ("drift_mean", "drift_sd", "variance_shape", "variance_scale", "drift_reset")
_COUNTS = ("segment_years", "window_years", "n_series", "n_segments", "first_year", "last_year")
_OPTIONAL = {"volatility_persistence": 1.0, "volatility_innovation": 0.0, "predictive": False, "log_likelihood": 0.0}  # key: value if absent


def _flat_panel(data: pd.DataFrame, id_col: str, year_col: str, value_col: str):
    missing = [c for c in (id_col, year_col, value_col) if c not in data.columns]
    if missing:
        raise ValueError(f"the panel has no column {missing[0]!r}; it has {list(data.columns)} "
                         f"(name the columns with id_col=, year_col=, value_col=)")
    years = pd.to_numeric(data[year_col], errors="coerce")
    values = pd.to_numeric(data[value_col], errors="coerce")
    for column, parsed in ((year_col, years), (value_col, values)):
        bad = parsed.isna() | ~np.isfinite(parsed.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            row = data.index[int(np.flatnonzero(bad.to_numpy())[0])]
            raise ValueError(f"row {row}: column {column!r} is {data[column].loc[row]!r}, not a finite number")
    frame = pd.DataFrame({"id": data[id_col].astype(str).to_numpy(), "year": years.to_numpy(),
                          "value": values.to_numpy()}).sort_values(["id", "year"], kind="stable")
    ids_per_row = frame["id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids_per_row[1:] != ids_per_row[:-1]]) if len(frame) else np.array([], int)
    ids = [str(i) for i in ids_per_row[starts]]
    offsets = np.r_[starts, len(frame)].astype(np.int64).tolist()
    return ids, offsets, frame["year"].astype(np.int64).tolist(), frame["value"].astype(float).tolist()


@dataclass(frozen=True)
class ReferenceClass:
    """A prior on a series' log drift and volatility, with where it comes from.

    ``drift_mean``/``drift_sd``: the normal prior on the log growth per year; ``variance_shape``/
    ``variance_scale``: the inverse-gamma prior on its variance; ``drift_reset``: the probability
    that the drift after the last observed year is a fresh draw from the class (growth rates
    regress to the mean; learnt by splitting each segment after ``window_years``);
    ``volatility_persistence``/``volatility_innovation``: the step of the log volatility after the
    last year, an AR(1) towards the class's mean (a calm spell or a jump in the window does not all
    last; 1 and 0: the window's volatility persists). ``name`` and ``source`` say what
    panel it was learnt from; ``segment_years`` the length of the segments; ``first_year``/
    ``last_year`` the period they cover.
    """

    core: _core.ReferenceClass = field(repr=False)
    name: str
    source: str = ""

    # -- learning, saving, loading
    @classmethod
    def from_panel(cls, data: pd.DataFrame, *, name: str = "user panel", source: str = "",
                   segment_years: int = 13, window_years: int = 5, period: Optional[tuple[int, int]] = None,
                   predictive: bool = True,
                   id_col: str = "unique_id", year_col: str = "year", value_col: str = "value") -> "ReferenceClass":
        """Learns a reference class from a long panel (one row per series and year, values > 0).

        Parameters
        ----------
        data : DataFrame
            One row per series and year (``id_col``, ``year_col``, ``value_col``). To restrict by
            kind of series, filter the rows first, e.g. ``df[df.flow == "exports"]``.
        name, source : str
            What the class is called, and where it comes from (default: the panel's columns, its
            size and years, and this version).
        segment_years : int
            Every run of this many consecutive years of a series is a segment (gaps end a run).
        window_years : int
            Where each segment is split to learn how much of a window's growth persists
            (``drift_reset``; 0: assume it all does).
        period : (first_year, last_year), optional
            Only segments within those years (growth in the 1970s is not growth in the 2010s).
        predictive : bool
            The drift's mean, spread and persistence and the volatility's step after the window
            maximise the score of each segment's years after its window given the window (what a
            forecast from a short window needs); False: the segments' likelihood alone, the
            window's volatility carried forward.
        id_col, year_col, value_col : str
            The columns' names.

        Returns
        -------
        ReferenceClass
            ``describe()`` says it in words; ``save(path)`` writes it with its provenance.

        Raises
        ------
        ValueError
            A panel with fewer than ``MIN_SERIES`` series or ``MIN_SEGMENTS`` segments (naming what
            it found), a missing column, a value <= 0.
        TypeError
            Data that is not a DataFrame.

        Examples
        --------
        >>> import tradetarget as tt
        >>> from tradetarget.reference import pwt_trade_panel
        >>> recent = tt.ReferenceClass.from_panel(pwt_trade_panel(), name="world trade since 1990", period=(1990, 2017),
        ...                                       predictive=False)   # the likelihood alone: quicker
        >>> text = recent.describe()
        """
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"the panel must be a pandas DataFrame; got {type(data).__name__}")
        core = _core.learn_reference_class(*_flat_panel(data, id_col, year_col, value_col),
                                           segment_years=int(segment_years), window_years=int(window_years),
                                           predictive=bool(predictive), **_period(period))
        if not source:
            source = (f"ReferenceClass.from_panel: column {value_col!r} of {core.n_series} series ({id_col!r}), "
                      f"{core.first_year}-{core.last_year}, tradetarget {__version__}")
        return cls(core=core, name=name, source=source)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION, "name": self.name,
                               "source": self.source, "made_by": f"tradetarget {__version__}"}
        out.update({k: getattr(self.core, k) for k in (*_HYPERPARAMETERS, *_OPTIONAL, *_COUNTS)})
        return out

    def save(self, path: Union[str, Path]) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Union[str, Path]) -> "ReferenceClass":
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"{path}: cannot read the reference class ({exc.strerror})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not a reference class file (line {exc.lineno}: {exc.msg})") from None
        return cls.from_dict(data, origin=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "the reference class") -> "ReferenceClass":
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{origin}: not a reference class file (no \"format\": \"{FORMAT}\")")
        if data.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{origin}: reference class format version {data.get('format_version')!r}; "
                             f"this tradetarget reads version {FORMAT_VERSION}")
        missing = [k for k in _HYPERPARAMETERS if not isinstance(data.get(k), (int, float))]
        if missing:
            raise ValueError(f"{origin}: key {missing[0]!r} is missing or not a number")
        wrong = [k for k in _OPTIONAL if k in data and not isinstance(data[k], (int, float))]
        if wrong:
            raise ValueError(f"{origin}: key {wrong[0]!r} is {data[wrong[0]]!r}, not a number")
        core = _core.ReferenceClass(**{k: float(data[k]) for k in _HYPERPARAMETERS},
                                    **{k: int(data.get(k, 0)) for k in _COUNTS},
                                    **{k: type(absent)(data.get(k, absent)) for k, absent in _OPTIONAL.items()})
        return cls(core=core, name=str(data.get("name", "")), source=str(data.get("source", "")))

    # -- what it says
    def __getattr__(self, item: str) -> Any:
        if item in (*_HYPERPARAMETERS, *_OPTIONAL, *_COUNTS, "median_sigma"):
            return getattr(self.core, item)
        raise AttributeError(item)

    @property
    def growth(self) -> float:
        """The reference class's typical annual growth, exp(drift_mean) - 1."""
        return math.expm1(self.core.drift_mean)

    def describe(self) -> str:
        period = f", {self.core.first_year}-{self.core.last_year}" if self.core.first_year else ""
        return (f"{self.name}{period}: typical growth {self.growth:+.1%}/yr (log drift sd {self.core.drift_sd:.3f} "
                f"across series), typical volatility {self.core.median_sigma:.3f} in logs, a growth rate persists "
                f"beyond its window with probability {1 - self.core.drift_reset:.2f}{self._volatility_step()}; learnt from "
                f"{self.core.n_segments:,} segments of {self.core.segment_years} years of {self.core.n_series} series")

    def _volatility_step(self) -> str:
        rho, innovation = self.core.volatility_persistence, self.core.volatility_innovation
        if rho == 1.0 and innovation == 0.0:
            return ", a window's volatility persists"
        return (f", a window's log volatility moves towards the class's, keeping {rho:.0%} of the distance "
                f"(innovation sd {innovation:.2f})")

    def __repr__(self) -> str:
        return f"ReferenceClass({self.describe()})"


def _period(period: Optional[tuple[int, int]]) -> dict[str, int]:
    if period is None:
        return {}
    try:
        first, last = (int(p) for p in period)
    except (TypeError, ValueError):
        raise TypeError(f"period must be (first_year, last_year); got {period!r}") from None
    return {"first_year": first, "last_year": last}


@functools.lru_cache(maxsize=None)  # read once: the object is frozen, so sharing it is safe
def bundled_reference() -> ReferenceClass:
    """The bundled reference class: total trade of 182 countries, Penn World Table 9.1."""
    text = resources.files("tradetarget").joinpath("data", BUNDLED_FILE).read_text(encoding="utf-8")
    return ReferenceClass.from_dict(json.loads(text), origin=f"bundled {BUNDLED_FILE}")


def panel_reference(ids, offsets, years, values) -> ReferenceClass:
    """The reference class a panel run uses by default: pooled over the panel's own series when it
    holds at least MIN_SERIES series with MIN_SEGMENTS segments (below that the hyperparameters are
    poorly determined), otherwise the bundled one.

    Segments are 13 years long where the panel has enough of them (a 5-year window and the 8 years
    a forecast reaches), else the longest length down to SHORTEST_SEGMENT that has enough: a panel
    of short series (e.g. many 5-year windows) still says more about itself than world trade does.
    On M3 yearly given as its 3,781 five-year windows, pooling over them scores Brier skill +0.15
    against the base rate where the bundled class scores -0.61; on PWT's 2,656 windows +0.006
    against +0.008 (benchmarks/results/calibration.md, rows "pooled over the windows alone")."""
    # Only series the models can fit (years increasing, values finite and positive) are pooled;
    # the others are reported as errors by the panel run itself.
    years, values = np.asarray(years, dtype=np.int64), np.asarray(values, dtype=float)
    keep_ids, keep_offsets, keep_rows = [], [0], []
    for i, name in enumerate(ids):
        rows = np.arange(offsets[i], offsets[i + 1])
        y, v = years[rows], values[rows]
        if len(rows) and np.all(np.diff(y) > 0) and np.all(np.isfinite(v)) and np.all(v > 0):
            keep_ids.append(name)
            keep_rows.append(rows)
            keep_offsets.append(keep_offsets[-1] + len(rows))
    rows = np.concatenate(keep_rows) if keep_rows else np.array([], dtype=np.int64)
    flat = (keep_ids, keep_offsets, years[rows].tolist(), values[rows].tolist())
    for length in range(DEFAULT_SEGMENT_YEARS, SHORTEST_SEGMENT - 1, -1):
        n_series, n_segments = _core.count_segments(*flat, segment_years=length)
        if n_series >= MIN_SERIES and n_segments >= MIN_SEGMENTS:
            # each segment's first ceil(L/2) years, at most 5, play the window; the rest the future
            core = _core.learn_reference_class(*flat, segment_years=length, window_years=min(5, (length + 1) // 2))
            return ReferenceClass(core=core, name="this panel, pooled", source=f"{len(ids)} series of the panel")
    return bundled_reference()


def _track_record_file() -> Optional[dict]:
    """data/calibration_track_record.json (written by benchmarks/calibration.py); None when absent."""
    try:
        text = resources.files("tradetarget").joinpath("data", "calibration_track_record.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return json.loads(text)


def track_record():
    """A function p -> a sentence: how often statements near p came true in the calibration
    benchmark (data/calibration_track_record.json, written by benchmarks/calibration.py); None
    when the file is absent."""
    record = _track_record_file()
    if record is None:
        return None
    data = record["data"]

    def sentence(p: float) -> str:
        decile = min(int(p * 10), 9)
        parts = []
        for name, record in data.items():
            cell = next((d for d in record["deciles"] if d["decile"] == decile), None)
            if cell:
                parts.append(f"on {name} ({record['windows']:,} windows), events given {decile * 10}-{decile * 10 + 10}% "
                             f"happened {cell['observed']:.0%} of the time (n = {cell['n']:,})")
        return "; ".join(parts)

    return sentence


def model_track_record() -> dict[str, dict[str, dict]]:
    """Every benchmarked model's record on 5-year windows, by model and data set: Brier skill
    against the base rate, reliability, 80% coverage and the coverage of bands wider than a
    factor of 5 (benchmarks/calibration.py); empty when the file is absent."""
    record = _track_record_file()
    return {} if record is None else record.get("models", {})


def pwt_trade_panel(data_dir: Optional[Path] = None) -> pd.DataFrame:
    """The Penn World Table 9.1 trade panel as unique_id (ISO code), year, value (US$, exports + imports)."""
    if data_dir is None:
        text = resources.files("tradetarget").joinpath("data", "pwt_trade.csv")
        with resources.as_file(text) as path:
            raw = pd.read_csv(path)
    else:
        raw = pd.read_csv(Path(data_dir) / "pwt_trade.csv")
    return pd.DataFrame({"unique_id": raw["isocode"], "country": raw["country"], "year": raw["year"],
                         "value": (raw["exports_musd"] + raw["imports_musd"]) * 1e6})


def learn_bundled(data_dir: Path) -> ReferenceClass:
    return ReferenceClass.from_panel(
        pwt_trade_panel(data_dir), name="world trade (Penn World Table 9.1)",
        source="total trade, exports + imports in current US$, of 182 countries, 1950-2017: "
               "Feenstra, Inklaar & Timmer (2015), PWT 9.1, CC BY 4.0 (data/pwt_trade.csv)")


if __name__ == "__main__":  # python -m tradetarget.reference: remakes the bundled file from data/
    root = Path.cwd() / "data"
    reference = learn_bundled(root)
    reference.save(root / BUNDLED_FILE)
    print(f"{root / BUNDLED_FILE}: {reference.describe()}")
