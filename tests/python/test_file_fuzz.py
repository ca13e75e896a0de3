"""Any file a user may hand over (CSV for observations, series and panels; TOML for scenarios) is read
or refused with a ValueError/TypeError naming the problem: never another exception. Hypothesis drives
mutations of valid files and arbitrary text; derandomized, so CI sees the same inputs every run (the
C++ readers have their libFuzzer targets in tests/fuzz/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tradetarget as tt
from tradetarget.observations import read_observations, read_series
from tradetarget.scenario import load_scenario

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

ROOT = Path(__file__).resolve().parents[2]
OBSERVATIONS = (ROOT / "data" / "kazakhstan_turkiye.csv").read_text(encoding="utf-8")
YEAR_VALUE = "year,value\n2020,3.35e9\n2021,5.3e9\n2022,4.0e9\n2024,5.4e9\n"
SCENARIO = ROOT / "examples" / "scenario_15b.toml"
SCENARIO_TEXT = SCENARIO.read_text(encoding="utf-8")

# Pieces a hostile or careless file is made of: separators, quotes, numbers in every spelling, BOMs.
TOKENS = st.sampled_from([",", ";", "\t", "\n", "\r\n", '"', "'", " ", "", "year", "value", "Year", "2021", "2021.0",
                          "1e308", "-1", "0", "nan", "inf", "5,3", "5,300,000", "$5.3B", "\ufeff", "\x00", "é", "[",
                          "]", "=", "scenario", "lever", "targets", "by", "#", "'''", "10B"])


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (position, length to cut, insertion) edits, positions taken modulo the text's length."""
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut:]
    return text


EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.lists(TOKENS, max_size=3).map("".join)),
                 min_size=1, max_size=6)


def refused_or_read(read, path: Path) -> None:
    try:
        read(path)
    except (ValueError, TypeError) as exc:
        assert str(exc).strip(), "an error must say what is wrong"
    except UnicodeError:  # a UnicodeDecodeError is a ValueError; anything else is a bug
        raise


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return path


@FUZZ
@given(edits=EDITS)
def test_mutated_observation_files_are_read_or_refused(tmp_path_factory, edits) -> None:
    path = write(tmp_path_factory.mktemp("obs"), "obs.csv", mutate(OBSERVATIONS, edits))
    refused_or_read(read_observations, path)
    refused_or_read(tt.reconcile, path)


@FUZZ
@given(edits=EDITS)
def test_mutated_series_files_are_read_or_refused(tmp_path_factory, edits) -> None:
    path = write(tmp_path_factory.mktemp("series"), "series.csv", mutate(YEAR_VALUE, edits))
    try:
        series = read_series(path)
    except (ValueError, TypeError) as exc:
        assert str(exc).strip()
        return
    # what is read is usable: finite, positive numbers in a strictly increasing index
    assert isinstance(series, pd.Series) and len(series) > 0
    assert np.isfinite(series.to_numpy(dtype=float)).all()
    assert series.index.is_monotonic_increasing and series.index.is_unique


@FUZZ
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_arbitrary_text_as_a_series_file_is_read_or_refused(tmp_path_factory, text) -> None:
    refused_or_read(read_series, write(tmp_path_factory.mktemp("text"), "any.csv", text))


@FUZZ
@given(edits=EDITS)
def test_mutated_scenario_files_are_read_or_refused(tmp_path_factory, edits) -> None:
    refused_or_read(load_scenario, write(tmp_path_factory.mktemp("toml"), "s.toml", mutate(SCENARIO_TEXT, edits)))


@FUZZ
@given(edits=EDITS)
def test_mutated_panels_are_forecast_or_refused(tmp_path_factory, edits) -> None:
    rows = ["unique_id,year,value"] + [f"{u},{y},{100 * 1.05 ** (y - 2015) * (1 + i)}" for i, u in enumerate("ab")
                                       for y in range(2015, 2025)]
    path = write(tmp_path_factory.mktemp("panel"), "panel.csv", mutate("\n".join(rows) + "\n", edits))
    try:
        frame = pd.read_csv(path)
    except (ValueError, pd.errors.ParserError, UnicodeError):
        return  # pandas refuses it before tradetarget sees it
    try:
        result = tt.forecast_panel(frame, model="rw_drift", n_paths=20, horizon=2, progress=False, by=(2026,))
    except (ValueError, TypeError) as exc:
        assert str(exc).strip()
        return
    assert set(result["error"].map(type)) <= {str}
