"""Reading observations and the default annual rule, through the public API."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import tradetarget as tt

HEADER = "obs_id,period_start,period_end,statement,value,source_file\n"


def write(tmp_path: Path, text: str, name: str = "obs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_year_value_file(tmp_path: Path) -> None:
    path = write(tmp_path, "year,value\n2019,100\n2020,110\n2021,125\n")
    r = tt.reconcile(path)
    assert list(r.table.index) == [2019, 2020, 2021]
    assert r.series.tolist() == pytest.approx([100, 110, 125])
    assert (r.table["log_sd"] == 0).all()
    assert r.decisions["used"].all()


def test_full_schema_combines_sources_and_reports_decisions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "a,2021-01,2021-12,level,5300000000,one.txt\n"
        + "g,2021-01,2021-12,growth,0.58,one.txt\n"
        + "b,2022-01,2022-12,level,4000000000,two.txt\n"
        + "c,2024-01,2024-12,level,6300000000,two.txt\n"
        + "d,2024-01,2024-12,approx_level,5000000000,three.txt\n"
        + "p,2025-01,2025-05,level,1900000000,three.txt\n",
    )
    r = tt.reconcile(path)
    assert list(r.table.index) == [2020, 2021, 2022, 2024]
    assert r.table.loc[2020, "value"] == pytest.approx(5.3e9 / 1.58)
    assert r.table.loc[2024, "value"] == pytest.approx(math.sqrt(6.3e9 * 5.0e9))
    assert r.table.loc[2024, "log_sd"] == pytest.approx(abs(math.log(6.3 / 5.0)) / math.sqrt(2))
    partial = r.decisions.set_index("obs_id").loc["p"]
    assert not partial["used"]
    assert "partial year (2025-01 to 2025-05)" in partial["reason"]
    assert partial["where"] == "line 7 of obs.csv"


def test_dataframe_input_names_rows(kz_series: pd.Series) -> None:
    frame = pd.DataFrame({"year": [2020, 2021, 2022], "value": [1.0, "x", 3.0]})
    with pytest.raises(ValueError, match="row 1: column 'value' is 'x'; a number is needed"):
        tt.reconcile(frame)
    r = tt.reconcile(kz_series)
    assert list(r.table.index) == [2020, 2021, 2022, 2024]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year,value\n2020,100\n2021,abc\n", "line 3 of obs.csv: column 'value' is 'abc'; a number is needed"),
        ("year,value\n2020,100\n2021,\n", "line 3 of obs.csv: column 'value' is 'empty'"),
        ("year,value\n2020,100\n2021,-5\n", "line 3 of obs.csv: column 'value' is -5; levels must be positive"),
        ("year,value\n2020,100\n2021,0\n", "line 3 of obs.csv: column 'value' is 0"),
        ("year,value\n2020,100\n2021,nan\n", "line 3 of obs.csv: column 'value' is 'nan'; a number is needed"),
        ("year,value\n2020,100\n2021,inf\n", "line 3 of obs.csv: column 'value' is inf; a finite number"),
        ("year,value\n2020,100\n2020.5,5\n", "line 3 of obs.csv: column 'year' is 2020.5"),
        ("year,value,colour\n2020,1,red\n", "exactly the columns 'year,value'; got 'year', 'value', 'colour'"),
        ("obs_id,value,colour\n2020,1,red\n", "unknown column\\(s\\) 'colour'"),
        ("period_start,value\n2020-01,1\n", "missing required column\\(s\\) 'period_end', 'statement'"),
        ("year,value\n2020,100\n", "only 1 usable year"),
        ("year,value\n", "no observations"),
        ("", "not a readable CSV file \\(no header line\\)"),
        (HEADER + "a,2021-01,2021-12,level,5,x\nb,2022-14,2022-12,level,6,x\n", "line 3 of obs.csv: column 'period_start' is '2022-14'"),
        (HEADER + "a,2021-01,2021-12,level,5,x\nb,2023-01,2022-12,level,6,x\n", "line 3 of obs.csv: the period ends"),
        (HEADER + "a,2021-01,2021-12,range,5,x\n", "line 2 of obs.csv: column 'value_upper'"),
        (HEADER + "a,2021-01,2021-12,growth,-1.2,x\n", "above -1"),
        (HEADER + "a,2021-01,2021-12,about,5,x\n", "column 'statement' is 'about'"),
    ],
)
def test_bad_files_name_the_line_column_and_value(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        tt.reconcile(write(tmp_path, text))


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("year,value\n2020,1\n2021,2\n2022,3\n# Türkiye\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        tt.reconcile(path)
    with pytest.raises(ValueError, match="no such file"):
        tt.reconcile(tmp_path / "missing.csv")


def test_bundled_data_records_what_was_said() -> None:
    obs = tt.datasets.kazakhstan_turkiye()
    required = {"obs_id", "statement", "value", "period_start", "period_end", "source_file", "quote"}
    assert required <= set(obs.columns)
    assert obs["obs_id"].is_unique
    trade = obs[(obs["indicator"] == "trade") & (obs["flow"] == "total") & (obs["commodity"] == "")]
    values_2024 = sorted(float(v) for v in trade[trade["period_start"] == "2024-01"]["value"])
    assert 6.3e9 in values_2024 and 5.0e9 in values_2024  # reported twice, differently: both kept
    assert ((trade["period_start"] == "2025-01") & (trade["period_end"] == "2025-05")).any()
    targets = tt.datasets.kazakhstan_turkiye_targets()
    assert {10e9, 15e9} <= set(targets["value"])


SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source articles (../shared/seeds) are not beside this checkout")
@pytest.mark.parametrize("frame", ["observations", "targets"])
def test_every_quote_is_verbatim_in_its_article(frame: str) -> None:
    data = tt.datasets.kazakhstan_turkiye() if frame == "observations" else tt.datasets.kazakhstan_turkiye_targets()
    assert len(data) > 5
    for row in data.itertuples():
        assert row.quote in (SEEDS / row.source_file).read_text(encoding="utf-8"), row


def test_bundled_reconciliation() -> None:
    r = tt.reconcile()
    assert list(r.table.index) == [2020, 2021, 2022, 2024]
    assert r.table.loc[2021, "value"] == pytest.approx(5.3e9)
    assert r.table.loc[2020, "value"] == pytest.approx(5.3e9 / 1.58)
    assert r.table.loc[2022, "value"] == pytest.approx(4.0e9)
    # 2024: $6.3B in one article, $5B in two others -> geometric mean, spread kept.
    assert 5.0e9 < r.table.loc[2024, "value"] < 6.3e9
    assert r.table.loc[2024, "log_sd"] > 0.1
    assert r.table.loc[2024, "n_sources"] == 3
    unused = r.decisions[~r.decisions["used"]]
    assert unused["reason"].str.contains("partial year").any()


def test_reconciled_reads_in_a_notebook() -> None:
    """One line in a terminal, the line and the yearly table (money as $B) in Jupyter."""
    r = tt.reconcile()
    assert repr(r) == ("Reconciled(trade total: 4 years, 2020-2024, last $5.4B in 2024; "
                       f"{int(r.decisions['used'].sum())} of {len(r.decisions)} observations used; .table, .decisions)")
    page = r._repr_html_()
    assert page.startswith("<b>Reconciled(trade total: 4 years")
    assert "<table" in page and "$5.3B" in page and "2022" in page
