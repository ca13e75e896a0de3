"""The UN Comtrade reader (fixture: tests/fixtures/make_comtrade_sample.py, synthetic values in
Comtrade Plus's schema) and the panel run on what it reads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradetarget.comtrade import read_comtrade
from tradetarget.panel import forecast_panel

SAMPLE = Path(__file__).parents[1] / "fixtures" / "comtrade_plus_sample.csv"


def test_comtrade_plus_file_becomes_a_panel() -> None:
    panel = read_comtrade(SAMPLE)
    assert list(panel.columns) == ["unique_id", "reporter", "partner", "flow", "commodity", "year", "value"]
    assert panel["unique_id"].nunique() == 10 and len(panel) == 80  # the motCode 2100 row is dropped
    raw = pd.read_csv(SAMPLE, dtype=str)
    totals = raw[raw["motCode"] == "0"]
    expected = totals.loc[(totals.flowCode == "X") & (totals.cmdCode == "74") & (totals.refYear == "2021"), "primaryValue"]
    got = panel.loc[(panel.unique_id == "KAZ-TUR-X-74") & (panel.year == 2021), "value"]
    assert got.item() == float(expected.item())
    assert read_comtrade(SAMPLE, flows=["M"])["flow"].unique().tolist() == ["M"]

    result = forecast_panel(panel, model="rw_drift", targets={"double": 2 * panel.groupby("unique_id")["value"].last()},
                            by=(2030,), n_paths=2000, progress=False)
    assert (result["error"] == "").all()
    assert {"reporter", "partner", "flow", "commodity"} <= set(result.columns)
    assert result["double_prob_by_2030"].between(0, 1).all()


def test_legacy_schema(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.csv"
    legacy.write_text("Classification,Year,Period,Period Desc.,Trade Flow Code,Trade Flow,Reporter Code,Reporter,"
                      "Reporter ISO,Partner Code,Partner,Partner ISO,Commodity Code,Commodity,Trade Value (US$)\n"
                      "H4,2016,2016,2016,2,Export,398,Kazakhstan,KAZ,792,Turkey,TUR,74,Copper,1000\n"
                      "H4,2017,2017,2017,2,Export,398,Kazakhstan,KAZ,792,Turkey,TUR,74,Copper,1200\n"
                      "H4,2017,2017,2017,1,Import,398,Kazakhstan,KAZ,792,Turkey,TUR,74,Copper,50\n")
    panel = read_comtrade(legacy)
    assert panel["unique_id"].tolist() == ["KAZ-TUR-M-74", "KAZ-TUR-X-74", "KAZ-TUR-X-74"]
    assert panel["value"].tolist() == [50.0, 1000.0, 1200.0]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace(",A,20190101", ",M,20190101", 1), "line 4 of bad.csv: freqCode is 'M'"),
        (lambda t: t.replace("primaryValue", "value", 1), "needs the column 'primaryValue'"),
        (lambda t: t.replace("1831428200.39", "-5", 1), "line 2 of bad.csv: the value '-5' is not a non-negative"),
        (lambda t: t.replace("1831428200.39", "n/a", 1), "line 2 of bad.csv: the value 'n/a'"),
        (lambda t: t.replace(",2018,52,2018,", ",2017,52,2017,", 1), "lines 2, 3 of bad.csv: KAZ-TUR-X-TOTAL is reported more than once for 2017"),
        (lambda t: "a,b\n1,2\n", "not a UN Comtrade file"),
    ],
)
def test_bad_comtrade_files_name_the_line(tmp_path: Path, edit, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(edit(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_comtrade(bad)


def test_panel_command_on_a_comtrade_file(tmp_path: Path, capsys) -> None:
    from tradetarget.cli import main

    out = tmp_path / "panel.csv"
    assert main(["panel", str(SAMPLE), "--comtrade", "--flow", "X", "--multiple", "2", "--target", "1B", "--by", "2030",
                 "--paths", "500", "--no-progress", "--output", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.out.startswith("5 series, 5 fitted (reference_rw), 0 not fitted") and printed.err == ""
    table = pd.read_csv(out)
    assert len(table) == 5 and {"x2_prob_by_2030", "$1B_prob_by_2030", "point_h10"} <= set(table.columns)
    assert main(["panel", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["panel", str(SAMPLE)]) == 2  # a Comtrade file without --comtrade has no unique_id column
    assert "no column 'unique_id'" in capsys.readouterr().err


def test_a_flow_the_file_does_not_hold_is_an_error_not_an_empty_run(capsys) -> None:
    """Issue 16: `--flow Z` ran on 0 series and exited 0."""
    from tradetarget.cli import main

    assert main(["panel", str(SAMPLE), "--comtrade", "--flow", "Z", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "no rows with flow Z" in err and len(err.strip().splitlines()) == 1


def test_ids_that_differ_only_in_type_are_not_merged() -> None:
    """Issue 16: ids 1 (a number) and "1" (text) were silently one series."""
    import pandas as pd
    import pytest

    import tradetarget as tt

    frame = pd.DataFrame({"unique_id": [1, 1, 1, "1", "1", "1"], "year": [2020, 2021, 2022] * 2,
                          "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    with pytest.raises(ValueError, match="column 'unique_id': the ids 1, '1' are different values written the same way"):
        tt.forecast_panel(frame, model="rw_drift", progress=False)
