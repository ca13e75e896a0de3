"""The tradetarget command."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradetarget.analysis import SCHEMA_FILE, SCHEMA_VERSION
from tradetarget.cli import main, parse_money

JSON_TARGET_KEYS = {
    "target", "model", "median_year", "p10_year", "p90_year", "prob_by", "point_cross_year",
    "required_growth", "historical_growth",
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_no_arguments_runs_the_main_job(capsys) -> None:
    code, out, _ = run(capsys, "--paths", "4000")
    assert code == 0
    for text in ("2024", "geometric mean of 3 sources", "partial year (2025-01 to 2025-05)", "$10B", "$15B",
                 "loglinear", "rw_drift", "P(<=2030)", "P(<=2035)", "needs/yr to 2030"):
        assert text in out, text


def test_json_contract(capsys) -> None:
    code, out, _ = run(capsys, "--json", "--paths", "4000", "--by", "2030", "--by", "2035", "--by", "2040",
                       "--model", "compare")
    assert code == 0
    doc = json.loads(out)
    assert len(doc["targets"]) == 10  # two targets x (the answer, three raw models and their combination)
    for entry in doc["targets"]:
        assert JSON_TARGET_KEYS <= set(entry)
        assert set(entry["prob_by"]) == {"2030", "2035", "2040"}
        assert entry["required_growth"]["deadline"] == 2030
        # the last year with evidence: the 2025 nowcast (the measurement model's paths start there)
        assert entry["required_growth"]["base_year"] == (2024 if entry["model"] == "measurement" else 2025)
        assert entry["historical_growth"]["from_year"] == 2020
        for key in ("median_year", "p10_year", "p90_year", "point_cross_year"):
            assert entry[key] is None or isinstance(entry[key], int)
    assert [o["year"] for o in doc["observations_used"]] == [2020, 2021, 2022, 2024]
    assert any(not d["used"] and "partial year" in d["reason"] for d in doc["decisions"])


def _validate(doc: dict) -> None:
    import jsonschema  # not importorskip: `make test` installs it, and a missing one must fail, not pass quietly
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)


def test_json_follows_its_schema_and_says_its_version(capsys) -> None:
    """The --json document carries schema_version and validates against the packaged JSON Schema,
    with the sensitivity table too; a renamed key fails here (issue 14)."""
    code, out, _ = run(capsys, "--json", "--paths", "2000", "--sensitivity")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == SCHEMA_VERSION == 1
    assert doc["sensitivity"]
    _validate(doc)
    doc["models"][0]["growth_rate"] = doc["models"][0].pop("growth")  # the unversioned name
    with pytest.raises(Exception, match="growth"):
        _validate(doc)


def test_same_seed_same_json(capsys) -> None:
    _, a, _ = run(capsys, "--json", "--paths", "3000", "--seed", "11")
    _, b, _ = run(capsys, "--json", "--paths", "3000", "--seed", "11")
    assert a == b


def test_own_file_targets_deadline_and_plot(capsys, tmp_path: Path) -> None:
    data = tmp_path / "mine.csv"
    data.write_text("year,value\n2018,2.0e9\n2019,2.3e9\n2020,2.2e9\n2021,2.8e9\n2022,3.1e9\n")
    png = tmp_path / "fan.png"
    code, out, _ = run(capsys, "--data", str(data), "--target", "5B", "--deadline", "2028",
                       "--model", "loglinear", "--paths", "3000", "--plot", str(png))
    assert code == 0
    assert "$5B" in out and "needs/yr to 2028" in out and "rw_drift" not in out
    assert png.stat().st_size > 20000 and png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "nope.csv", "--target", "1B"], "no such file"),
        (["--data", "x.csv"], "--target is needed with --data"),
        (["--target", "ten"], "is not an amount"),
        (["--target=-5B"], "a target must be finite and positive"),
        (["--target", "0"], "a target must be finite and positive"),
        (["--deadline", "2020"], "the deadline 2020 is not after the last observed year 2024"),
        (["--paths", "0"], "n_paths is 0"),
        (["--horizon", "3"], "needs a horizon of at least 11 years"),
        (["--model", "ets"], "invalid choice"),
    ],
)
def test_errors_are_one_clear_line(capsys, args: list[str], message: str) -> None:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_parse_money() -> None:
    assert parse_money("10B") == 10e9
    assert parse_money("$15b") == 15e9
    assert parse_money("500M") == 500e6
    assert parse_money("1.5e10") == 1.5e10
    assert parse_money("12,000,000") == 12e6
    assert parse_money("$5,300,000,000") == 5.3e9
    assert parse_money("10bn") == parse_money("10 billion") == parse_money("10 Bn") == 10e9
    assert parse_money("500mn") == parse_money("500 million") == 500e6
    assert parse_money("2 trillion") == 2e12
    for decimal_comma in ("5,3B", "10,5", "1,00B"):  # never 53B, 105 or 100B
        with pytest.raises(argparse.ArgumentTypeError, match="is not an amount"):
            parse_money(decimal_comma)


def test_console_script_and_help() -> None:
    exe = Path(sys.executable).with_name("tradetarget")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    for option in ("--data", "--target", "--deadline", "--by", "--json", "--plot", "--model", "--seed"):
        assert option in result.stdout
    module = subprocess.run([sys.executable, "-m", "tradetarget", "--version"], capture_output=True, text=True, check=True)
    assert module.stdout.startswith("tradetarget ")


def test_all_models_side_by_side(capsys) -> None:
    code, out, _ = run(capsys, "--model", "all", "--capacity", "20B", "--paths", "3000")
    assert code == 0
    for model in ("reference_rw", "loglinear", "rw_drift", "logistic", "gompertz", "local_linear_trend", "measurement",
                  "combination"):
        assert f"$10B  {model}" in out, model
    # On all the evidence (2020-2025, 2023 estimated and 2025 nowcast) every model has enough years;
    # on the reconciled full years alone (four) the local linear trend has not.
    code, out, _ = run(capsys, "--model", "all", "--capacity", "20B", "--paths", "3000", "--evidence", "reconciled")
    assert code == 0
    assert "local_linear_trend not fitted: " in out and "needs at least 5 observed years; got 4" in out


def _no_constants(name: str):
    raise ValueError(f"not strict JSON: {name}")


def test_json_is_strict_for_values_near_the_largest_double(tmp_path: Path, capsys) -> None:
    """No Infinity or NaN in --json, whatever the input (issue 16): such numbers become null."""
    data = tmp_path / "huge.csv"
    data.write_text("year,value\n2019,2e306\n2020,1e307\n2021,5e307\n2022,1e308\n")
    code, out, _ = run(capsys, "--data", str(data), "--target", "1.5e308", "--json", "--paths", "500",
                       "--model", "rw_drift", "--model", "measurement")
    assert code == 0
    doc = json.loads(out, parse_constant=_no_constants)
    assert doc["targets"]
    _validate(doc)


def test_a_reader_that_stops_early_ends_the_command_quietly() -> None:
    exe = Path(sys.executable).with_name("tradetarget")
    result = subprocess.run(f"'{exe}' --json --paths 500 | head -c 20", shell=True, capture_output=True, text=True)
    assert result.stdout.startswith("{") and result.stderr == ""


def test_panel_multiple_is_of_each_series_last_year_whatever_the_row_order(tmp_path: Path, capsys) -> None:
    """--multiple 2 doubles the value of each series' last year, also in a file that runs backwards (issue 16:
    the target came from the file's last row)."""
    rows = ["unique_id,year,value"] + [f"a,{y},{v}" for y, v in zip(range(2024, 2014, -1), np.linspace(471.6, 200, 10))]
    path = tmp_path / "descending.csv"
    path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out.csv"
    assert main(["panel", str(path), "--multiple", "2", "--by", "2030", "--paths", "200", "--no-progress",
                 "--model", "rw_drift", "--output", str(out)]) == 0
    capsys.readouterr()
    table = pd.read_csv(out)
    assert table.loc[0, "x2_target"] == pytest.approx(2 * 471.6)


def test_panel_warns_when_a_target_is_in_other_units_than_every_series(tmp_path: Path, capsys) -> None:
    """Issue 16: data in millions and --target 1B gave P = 0 everywhere with no word about units."""
    rows = ["unique_id,year,value"] + [f"{u},{y},{v * 1.05 ** (y - 2015)}" for u, v in (("a", 2.0), ("b", 5.0))
                                       for y in range(2015, 2025)]
    path = tmp_path / "millions.csv"
    path.write_text("\n".join(rows) + "\n")
    assert main(["panel", str(path), "--target", "1B", "--target", "20", "--by", "2030", "--paths", "200",
                 "--no-progress", "--model", "rw_drift"]) == 0
    out = capsys.readouterr().out
    assert ("Note: the target $1B is outside 1/100 to 100 times every series' last value ($3.1 to $7.76): "
            "are the data and the target in the same units?") in out
    assert "the target $20 " not in out  # in range for both series


def test_ctrl_c_ends_a_long_panel_run_quickly_and_quietly(tmp_path: Path) -> None:
    """SIGINT reaches a panel run without a progress bar (issue 16: it was checked only in the bar's
    callback): the command ends within seconds, says so in one line, exit status 130."""
    import signal
    import time

    rows = ["unique_id,year,value"] + [f"s{i},{2000 + t},{100 * 1.05 ** t * (1 + 0.01 * (i % 7))}"
                                       for i in range(4000) for t in range(25)]
    data = tmp_path / "many.csv"
    data.write_text("\n".join(rows) + "\n")
    exe = Path(sys.executable).with_name("tradetarget")
    child = subprocess.Popen([str(exe), "panel", str(data), "--model", "auto_arima", "--paths", "200", "--target", "200",
                              "--threads", "1", "--no-progress", "--output", str(tmp_path / "out.csv")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             # as a terminal would start it: a runner that started us in the background
                             # (`cmd &` in a script) ignores SIGINT, and an ignored signal survives exec
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(6)  # reading the file and starting the fits
    assert child.poll() is None, "the run ended before the signal: make the panel larger"
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert time.monotonic() - sent < 5
    assert child.returncode == 130
    assert err.strip().splitlines() == ["tradetarget panel: interrupted"]


def test_a_headerless_file_keeps_its_first_value_and_headers_ignore_case(tmp_path: Path, capsys) -> None:
    """Issue 16: a one-column file without a header lost its first value to the header; Year,Value was refused."""
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("3.1\n3.4\n3.9\n4.4\n5.1\n5.6\n")
    assert main(["fit", str(headerless), "--model", "ANN", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["forecast"]["index"][0] == 7  # six values, positions 1..6
    upper = tmp_path / "upper.csv"
    upper.write_text("Year,Value\n2019,3.1\n2020,3.4\n2021,3.9\n2022,4.4\n2023,5.1\n2024,5.6\n")
    assert main(["fit", str(upper), "--model", "ANN", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["forecast"]["index"][0] == 2025


def test_plot_path_is_checked_before_the_run_and_named_as_written(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:  # argparse's usage error, before any work
        main(["--plot", str(tmp_path / "no_such_dir" / "fan.png"), "--paths", "200"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "argument --plot: no folder" in err and "no_such_dir" in err
    code, out, _ = run(capsys, "--plot", str(tmp_path / "fan"), "--paths", "500", "--model", "rw_drift")
    assert code == 0 and (tmp_path / "fan.png").is_file()
    assert f"plot saved to {tmp_path / 'fan.png'}" in out


def test_a_repeated_target_is_one_row_per_model(capsys) -> None:
    code, out, _ = run(capsys, "--json", "--paths", "500", "--model", "rw_drift", "--target", "10B", "--target", "1e10",
                       "--data", str(Path(__file__).resolve().parents[2] / "data" / "kazakhstan_turkiye.csv"))
    assert code == 0
    assert [t["target"] for t in json.loads(out)["targets"]] == [1e10]


def test_panel_refuses_an_empty_file_an_unwritable_output_and_a_panel_nothing_fits(tmp_path: Path, capsys) -> None:
    """Issue 16: a header-only file and an all-failing panel exited 0; --output into a missing folder failed
    only after the whole run."""
    empty = tmp_path / "empty.csv"
    empty.write_text("unique_id,year,value\n")
    assert main(["panel", str(empty), "--no-progress"]) == 2
    assert "no rows below the header" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text("unique_id,year,value\n" + "".join(f"a,{2015 + t},{10 + t}\n" for t in range(8)))
    assert main(["panel", str(good), "--no-progress", "--output", str(tmp_path / "missing" / "out.csv")]) == 2
    assert "--output: no folder" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    short.write_text("unique_id,year,value\na,2020,1\nb,2021,2\n")
    assert main(["panel", str(short), "--no-progress", "--model", "rw_drift"]) == 2
    err = capsys.readouterr().err
    assert "no series could be fitted with rw_drift (the first: a:" in err and len(err.strip().splitlines()) == 1


def test_fit_wants_calendar_years_where_they_matter(tmp_path: Path, capsys) -> None:
    """Issue 16 (new-user review): two-digit years were accepted and labelled '24'; a one-column file with a
    growth model blamed 'year 1'."""
    two = tmp_path / "two.csv"
    two.write_text("year,value\n19,1\n20,2\n21,3\n22,4\n23,5\n")
    assert main(["fit", str(two)]) == 2
    assert "line 2 of two.csv: year 19 is not a calendar year (1000 to 3000; write 2019, not 19)" in capsys.readouterr().err
    assert main(["--data", str(two), "--target", "10"]) == 2
    assert "line 2 of two.csv: year 19 is not a calendar year" in capsys.readouterr().err
    one = tmp_path / "one.csv"
    one.write_text("value\n1\n2\n3\n4\n5\n6\n")
    assert main(["fit", str(one), "--model", "reference_rw"]) == 2
    assert "reference_rw models calendar years and" in capsys.readouterr().err


def test_usage_errors_are_one_line_too(capsys) -> None:
    """argparse's own errors (a bad choice, a bad amount) follow the contract: one line, exit 2."""
    for args in (["--model", "rwdrift"], ["--target", "10 apples"], ["fit", "x.csv", "--horizon", "ten"]):
        with pytest.raises(SystemExit) as stopped:
            main(args)
        err = capsys.readouterr().err
        assert stopped.value.code == 2 and len(err.strip().splitlines()) == 1 and "error:" in err and "--help" in err


def test_drift_is_refused_where_it_means_nothing(tmp_path: Path, capsys) -> None:
    data = tmp_path / "s.csv"
    data.write_text("year,value\n" + "".join(f"{2010 + t},{10 + t}\n" for t in range(10)))
    assert main(["fit", str(data), "--model", "ANN", "--drift"]) == 2
    assert "--drift is for an ARIMA(p,d,q) order; ANN has no such option" in capsys.readouterr().err
