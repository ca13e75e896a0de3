"""Policy scenarios as data: a TOML file (or the same as Python objects) of levers applied to
the baseline's sample paths (the arithmetic is in C++: ``scenario.hpp``).

A scenario file::

    [scenario]
    name = "34 categories for $1B, copper +5%"
    targets = ["10B", "15B"]
    by = [2030, 2035]
    decompose_year = 2030          # the year of the target-gap decomposition

    [[lever]]
    name = "new export programme"
    kind = "new_exports"           # new_exports | price | volume | import_growth | growth_uplift
    amount = 1e9                   # US$ a year once phased in
    start = 2026
    phase_in_years = 3
    uncertainty = 0.3              # log-sd of the effect (0: certain)

    [[lever]]
    name = "copper price"
    kind = "price"
    commodity = "Copper and cathodes"   # its share of trade comes from the export mix
    percent = { 2026 = 5, 2027 = 5 }    # % change in each year (compounding)

Errors name the line of the file: an unknown key, kind or commodity, a bad value, two
new-export levers for the same goods whose phase-ins overlap.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .arguments import INT_MAX, SEED_MAX, existing_file, one_or_many, whole
from .models import DEFAULT_BY, DEFAULT_SEED, Forecast
from .money import format_money, to_amount
from .targets import time_to_target

__all__ = ["Lever", "Scenario", "ScenarioResult", "load_scenario", "run_scenario"]

LEVER_KINDS = ("new_exports", "price", "volume", "import_growth", "growth_uplift")
_LEVER_KEYS = {"name", "kind", "amount", "start", "phase_in_years", "commodity", "share", "percent", "rate", "uncertainty"}
_SCENARIO_KEYS = {"name", "targets", "by", "decompose_year", "deadline", "n_paths", "seed", "horizon"}


@dataclass
class Lever:
    name: str
    kind: str
    amount: float = 0.0
    start: int = 0
    phase_in_years: int = 1
    commodity: str = ""
    share: Optional[float] = None
    percent: dict[int, float] = field(default_factory=dict)
    rate: float = 0.0
    uncertainty: float = 0.0
    line: int = 0  # where it is in the scenario file (0: made in Python)
    key_lines: dict[str, int] = field(default_factory=dict)  # the line of each key in the file

    def where(self, file: str = "", key: str = "") -> str:
        """'line 12 of scenario.toml: ' for a lever read from a file (the key's own line if known)."""
        line = self.key_lines.get(key, self.line)
        return f"line {line} of {file}: " if line and file else (f"line {line}: " if line else "")


@dataclass
class Scenario:
    name: str
    levers: list[Lever]
    targets: Sequence[float] = (10e9, 15e9)
    by: Sequence[int] = DEFAULT_BY
    decompose_year: int = 2030
    deadline: int = 2030
    n_paths: int = 20000
    seed: int = DEFAULT_SEED
    horizon: int = 15
    file: str = ""


def _lever_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if re.match(r"\s*\[\[\s*lever\s*\]\]", line)]


def _key_lines(text: str, start: int) -> dict[str, int]:
    """The line of each `key = ...` of the table that starts on line `start`, up to the next table."""
    found: dict[str, int] = {}
    lines = text.splitlines()
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if re.match(r"\s*\[", line):
            break
        match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=", line)
        if match:
            found.setdefault(match.group(1), number)
    return found


def load_scenario(path: Union[str, Path]) -> Scenario:
    """Reads and checks a scenario file (see the module docstring)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]

    file = existing_file(path)
    try:  # a byte-order mark, as some editors write, is not TOML but not the user's error either
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{file.name}: not UTF-8 text, as TOML must be ({exc.reason} at byte {exc.start}); "
                         "save it as UTF-8") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{file.name}: not valid TOML ({exc})") from None
    name = file.name
    head = doc.get("scenario", {})
    unknown = set(head) - _SCENARIO_KEYS
    if unknown:
        raise ValueError(f"{name}: unknown key {sorted(unknown)[0]!r} in [scenario]; known: {sorted(_SCENARIO_KEYS)}")
    extra = set(doc) - {"scenario", "lever"}
    if extra:
        raise ValueError(f"{name}: unknown table {sorted(extra)[0]!r}; a scenario has [scenario] and [[lever]] tables")
    lines = _lever_lines(text)
    levers = []
    for k, raw in enumerate(doc.get("lever", [])):
        line = lines[k] if k < len(lines) else 0
        unknown = set(raw) - _LEVER_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise ValueError(f"line {_key_lines(text, line).get(key, line)} of {name}: unknown key {key!r} in a lever; "
                             f"known: {sorted(_LEVER_KEYS)}")
        try:
            percent = {int(year): float(value) for year, value in dict(raw.get("percent", {})).items()}
            lever = Lever(name=str(raw.get("name", f"lever {k + 1}")), kind=str(raw.get("kind", "")),
                          amount=float(raw.get("amount", 0.0)), start=int(raw.get("start", 0)),
                          phase_in_years=int(raw.get("phase_in_years", 1)), commodity=str(raw.get("commodity", "")),
                          share=None if "share" not in raw else float(raw["share"]), percent=percent,
                          rate=float(raw.get("rate", 0.0)), uncertainty=float(raw.get("uncertainty", 0.0)), line=line,
                          key_lines=_key_lines(text, line) if line else {})
        except (TypeError, ValueError) as exc:
            raise ValueError(f"line {line} of {name}: a lever value has the wrong type ({exc})") from None
        levers.append(lever)
    try:  # one value or a list ("10B" or ["10B", "15B"]; 2030 or [2030, 2035]), whole numbers kept whole
        targets = list(dict.fromkeys(to_amount(t) for t in one_or_many(head.get("targets", ["10B", "15B"]))))
        if not targets:
            raise ValueError("targets: at least one target is needed")
        scenario = Scenario(
            name=str(head.get("name", file.stem)), levers=levers, targets=targets,
            by=[whole("a year of by", y) for y in one_or_many(head.get("by", DEFAULT_BY))],
            decompose_year=whole("decompose_year", head.get("decompose_year", 2030)),
            deadline=whole("deadline", head.get("deadline", 2030)),
            n_paths=whole("n_paths", head.get("n_paths", 20000), 1, INT_MAX),
            seed=whole("seed", head.get("seed", DEFAULT_SEED), 0, SEED_MAX),
            horizon=whole("horizon", head.get("horizon", 15), 1, 500, "years"), file=name)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: [scenario] {exc}") from None
    check_levers(scenario)
    return scenario


def check_levers(scenario: Scenario, shares: Optional[dict[str, float]] = None) -> None:
    """Kinds, commodities and overlapping phase-ins; errors name the lever's line."""
    def fail(lever: Lever, why: str, key: str = "") -> None:
        raise ValueError(f"{lever.where(scenario.file, key)}lever {lever.name!r}: {why}")

    for lever in scenario.levers:
        if lever.kind not in LEVER_KINDS:
            fail(lever, f"unknown kind {lever.kind!r}; expected one of {', '.join(LEVER_KINDS)}", "kind")
        if lever.kind in ("price", "volume") and not lever.commodity and lever.share is None:
            fail(lever, "a price or volume lever needs a commodity (or a share of trade)")
        if shares is not None and lever.kind in ("price", "volume") and lever.share is None and lever.commodity not in shares:
            fail(lever, f"commodity {lever.commodity!r} is not in the export mix ({', '.join(shares)})", "commodity")
        if lever.kind == "new_exports" and lever.start == 0:
            fail(lever, "a new-export lever needs a start year")
    programmes = [lv for lv in scenario.levers if lv.kind == "new_exports"]
    for i, a in enumerate(programmes):
        for b in programmes[i + 1:]:
            if a.commodity == b.commodity and a.start < b.start + b.phase_in_years and b.start < a.start + a.phase_in_years:
                fail(b, f"its phase-in ({b.start}-{b.start + b.phase_in_years - 1}) overlaps that of {a.name!r} "
                        f"(line {a.key_lines.get('start', a.line)}, {a.start}-{a.start + a.phase_in_years - 1}) for the same "
                        f"goods {(a.commodity or 'new exports')!r}; give them different commodities or phase-ins", "start")


@dataclass
class ScenarioResult:
    scenario: Scenario
    baseline: pd.DataFrame          # time-to-target of the baseline
    result: pd.DataFrame            # time-to-target of the scenario
    decomposition: pd.DataFrame     # $ each lever adds by decompose_year (point forecast), gaps
    paths: _core.ScenarioPaths = field(repr=False)
    baseline_model: str = "measurement"  # the model whose paths the levers act on

    def summary(self) -> str:
        s = self.scenario
        by = [c for c in self.result.columns if c.startswith("prob_by_")]
        lines = [f"Scenario: {s.name}  ({len(s.levers)} lever(s), {s.n_paths} paths, seed {s.seed})"]
        for (_, base), (_, new) in zip(self.baseline.iterrows(), self.result.iterrows()):
            lines.append(f"  {format_money(new['target'])}: median year {_year(base['median_year'])} -> {_year(new['median_year'])}; "
                         + "; ".join(f"P(by {c[8:]}) {base[c]:.2f} -> {new[c]:.2f}" for c in by))
        lines.append(f"  Target-gap decomposition, {s.decompose_year} (on the baseline's point forecast, effects at their mean; US$ B):")
        for _, row in self.decomposition.iterrows():
            lines.append(f"    {row['step']:<34} {row['value'] / 1e9:>8.3f}")
        return "\n".join(lines)

    def plot_waterfall(self, path: Optional[str] = None, target: Optional[float] = None):
        """Baseline, each lever's contribution and the scenario by decompose_year, as a waterfall."""
        import matplotlib

        if path:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        d = self.decomposition[self.decomposition["kind"] != "gap"].reset_index(drop=True)
        fig, ax = plt.subplots(figsize=(8, 4.5))
        running = 0.0
        for i, row in d.iterrows():
            value = row["value"] / 1e9
            if row["kind"] in ("baseline", "scenario"):
                ax.bar(i, value, color="#4c72b0" if row["kind"] == "baseline" else "#2f4b7c")
                running = value
            else:
                ax.bar(i, value, bottom=running, color="#55a868" if value >= 0 else "#c44e52")
                running += value
        for t in ([target] if target else self.scenario.targets):
            ax.axhline(t / 1e9, ls="--", color="grey", lw=1)
            ax.text(len(d) - 0.5, t / 1e9, f" {format_money(t)} target", va="bottom", ha="right", color="grey")
        ax.set_xticks(range(len(d)), d["step"], rotation=20, ha="right")
        ax.set_ylabel(f"trade in {self.scenario.decompose_year}, US$ B (on the point forecast)")
        ax.set_title(f"{self.scenario.name}: what each lever adds by {self.scenario.decompose_year}")
        fig.tight_layout()
        if path:
            fig.savefig(path, dpi=120)
            plt.close(fig)
        return fig


def _year(value) -> str:
    return "not reached" if pd.isna(value) else str(int(value))


def run_scenario(scenario: Union[Scenario, str, Path], observations=None, baseline: Optional[Forecast] = None) -> ScenarioResult:
    """A scenario (levers on commodities, imports or the total) against the baseline forecast.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A ``Scenario`` of ``Lever``s, or a TOML scenario file (``tt.load_scenario`` reads it;
        errors name the file, line and key).
    observations : None, str or pandas.DataFrame
        The observations the shares and the baseline come from (default: the bundled data).
        Commodity shares of trade come from the latest export mix; the import share from the
        latest full year that states imports and total trade.
    baseline : Forecast, optional
        The forecast the levers act on (default: the measurement model of the observations,
        with the scenario's horizon, paths and seed).

    Returns
    -------
    ScenarioResult
        ``baseline`` and ``result`` (time to target without and with the levers, one row per
        target), ``decomposition`` (the dollars each lever adds by ``decompose_year`` on the point
        forecast, and the gaps to the targets), ``paths`` and ``summary()``.

    Raises
    ------
    ValueError
        A lever on a commodity the export mix does not list, a lever kind that is not known, a
        ``decompose_year`` outside the paths, a scenario file that cannot be read (file, line, key).

    Examples
    --------
    >>> import tradetarget as tt
    >>> copper = tt.Lever(name="copper price", kind="price", commodity="Copper and cathodes", percent={2026: 20.0})
    >>> result = tt.run_scenario(tt.Scenario(name="copper +20%", levers=[copper], n_paths=2000))
    >>> result.baseline["prob_by_2030"].tolist(), result.result["prob_by_2030"].tolist()
    ([0.51, 0.3585], [0.532, 0.3815])
    >>> round(float(result.decomposition.set_index("step").loc["copper price", "value"]) / 1e9, 2)   # $B by 2030
    0.52
    """
    from .measurement import measure
    from .mix import export_mix

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    mixes = export_mix(observations)
    shares = {row["commodity"]: row["share_of_trade"] for _, row in mixes[-1].table.iterrows() if row["commodity"] != "unlisted remainder"}
    check_levers(scenario, shares)
    if baseline is None:
        baseline = measure(observations).forecast(horizon=scenario.horizon, n_paths=scenario.n_paths, seed=scenario.seed)
    first_year = baseline.paths.first_year
    if not first_year <= scenario.decompose_year <= baseline.paths.last_year:
        raise ValueError(f"decompose_year {scenario.decompose_year} is outside the paths ({first_year}-{baseline.paths.last_year})")
    import_share = None
    core_levers = []
    for lever in scenario.levers:
        share = lever.share
        if share is None and lever.kind in ("price", "volume"):
            share = shares[lever.commodity]
        if share is None and lever.kind == "import_growth":
            import_share = import_share if import_share is not None else _import_share(observations)
            share = import_share
        try:
            core_levers.append(_core.Lever(lever.name, lever.kind, amount=lever.amount, start_year=lever.start,
                                           phase_years=lever.phase_in_years, share=1.0 if share is None else share,
                                           percent_by_year=sorted(lever.percent.items()), rate=lever.rate,
                                           uncertainty=lever.uncertainty))
            _core.apply_levers(np.ones((1, 1)), first_year, core_levers[-1:], 0)  # checks this lever's values
        except ValueError as exc:
            # The C++ message names the value ("lever 'x': share must ..."): point at its line.
            words = str(exc).split("': ", 1)[-1].split()
            key = "percent" if "change" in str(exc) else (words[0] if words and words[0] in _LEVER_KEYS else "")
            raise ValueError(f"{lever.where(scenario.file, key)}{exc}") from None
    paths = _core.apply_levers(np.exp(baseline.paths.log_level), first_year, core_levers, scenario.seed)
    # The scenario's point forecast and the decomposition are taken on the baseline's point
    # forecast (its predictive median path) with each effect at its mean (multiplier 1): the
    # mean over paths is dominated by the far right tail on short series, and medians of the
    # contributions would not add up. This adds up exactly, by construction, and all-zero
    # levers give back the baseline's point forecast.
    point_path = np.exp(baseline.point_log)[None, :]
    central_levers = [_core.Lever(lv.name, lv.kind, amount=lv.amount, start_year=lv.start, phase_years=lv.phase_in_years,
                                  share=c.share, percent_by_year=sorted(lv.percent.items()), rate=lv.rate)
                      for lv, c in zip(scenario.levers, core_levers)]
    central = _core.apply_levers(point_path, first_year, central_levers, scenario.seed)
    scenario_forecast = Forecast(model="scenario", paths=paths.total_paths(), observed=baseline.observed,
                                 point_log=np.log(np.maximum(central.total[0], 1e-300)), log_growth=baseline.log_growth,
                                 levels=baseline.levels, seed=scenario.seed)
    base_table = time_to_target(baseline, scenario.targets, by=scenario.by, deadline=scenario.deadline)
    new_table = time_to_target(scenario_forecast, scenario.targets, by=scenario.by, deadline=scenario.deadline)
    k = scenario.decompose_year - first_year
    steps = [dict(step="baseline (point forecast)", kind="baseline", value=float(point_path[0, k]))]
    steps += [dict(step=lv.name, kind=lv.kind, value=float(c[0, k])) for lv, c in zip(scenario.levers, central.contributions)]
    steps.append(dict(step="scenario", kind="scenario", value=float(central.total[0, k])))
    for target in scenario.targets:
        steps.append(dict(step=f"gap to {format_money(target)}", kind="gap", value=float(target - central.total[0, k])))
    return ScenarioResult(scenario, base_table, new_table, pd.DataFrame(steps), paths, baseline_model=baseline.model)


def _import_share(observations) -> float:
    from . import datasets
    from .mix import latest_share_of_trade
    from .observations import read_observations

    obs = read_observations(observations if observations is not None else datasets.path("kazakhstan_turkiye.csv"))
    try:
        return latest_share_of_trade(obs, "imports")[0]
    except ValueError as exc:
        raise ValueError(f"{exc}; give the import_growth lever a share") from None
