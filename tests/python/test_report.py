"""The HTML briefing (issue 15): self-contained, with the answer, the table, the chart and the evidence."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import tradetarget as tt
from tradetarget.cli import main


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.sources.append(value)

    def handle_data(self, data) -> None:
        self.text.append(data)


def test_the_briefing_is_self_contained_and_says_the_answer(tmp_path: Path) -> None:
    analysis = tt.analyze(n_paths=2000)
    html = analysis.report(tmp_path / "briefing.html")
    assert (tmp_path / "briefing.html").read_text(encoding="utf-8") == html
    page = _Collect()
    page.feed(html)
    # nothing is fetched when it is opened: the one image is inline
    assert page.sources and all(s.startswith("data:image/png;base64,") for s in page.sources)
    text = " ".join(page.text)
    answer = analysis.targets[analysis.targets["model"] == tt.DEFAULT_MODEL].set_index("target")
    p10 = answer.loc[10e9, "prob_by_2030"]
    assert f"the chance of $10B by 2030 is {p10:.0%}" in text
    assert "Track record of such statements" in text and "trade_2024_trend" in text
    assert "partial year (2025-01 to 2025-05)" in text  # what was not used, and why
    assert re.search(r"2025\s*\$5\.\d+B\s*\$4\.\d+B to \$5\.\d+B\s*1\s*nowcast", text)
    assert html.count("<tr>") >= 10 + 4


def test_the_report_command_writes_the_briefing(tmp_path: Path, capsys) -> None:
    out = tmp_path / "kz"
    assert main(["report", "--paths", "1000", "--report", str(out)]) == 0
    assert (tmp_path / "kz.html").is_file()
    assert f"briefing saved to {tmp_path / 'kz.html'}" in capsys.readouterr().out


def test_the_report_command_takes_an_output_file(tmp_path: Path, capsys) -> None:
    """`tradetarget report -o briefing.html` (the issue's spelling) is `--report briefing.html`."""
    for flag in (["-o", str(tmp_path / "a.html")], [f"--output={tmp_path / 'b.html'}"]):
        assert main(["report", "--paths", "200", *flag]) == 0
    assert (tmp_path / "a.html").is_file() and (tmp_path / "b.html").is_file()
    out = capsys.readouterr().out
    assert f"briefing saved to {tmp_path / 'a.html'}" in out and f"briefing saved to {tmp_path / 'b.html'}" in out


def test_a_briefing_with_a_scenario_shows_what_its_levers_change(tmp_path: Path, capsys) -> None:
    """`tradetarget report --scenario FILE.toml` (Python: report(..., scenario=tt.run_scenario(...))):
    the scenario's probabilities beside the baseline's, the decomposition and the waterfall, inline."""
    copper = tt.Lever(name="copper price", kind="price", commodity="Copper and cathodes", percent={2026: 20.0})
    analysis = tt.analyze(n_paths=1000)
    result = tt.run_scenario(tt.Scenario(name="copper +20%", levers=[copper]), baseline=analysis.forecasts[tt.DEFAULT_MODEL])
    # the baseline is the answer itself
    answer = analysis.targets[analysis.targets["model"] == tt.DEFAULT_MODEL]
    assert result.baseline["prob_by_2030"].tolist() == answer["prob_by_2030"].tolist()
    html = analysis.report(tmp_path / "s.html", scenario=result)
    page = _Collect()
    page.feed(html)
    text = " ".join(page.text)
    assert len(page.sources) == 2 and all(s.startswith("data:image/png;base64,") for s in page.sources)
    assert "Scenario: copper +20%" in text and "copper price" in text and "applied to the paths of reference_rw" in text
    base, new = result.baseline.iloc[0], result.result.iloc[0]
    assert f"{base['prob_by_2030']:.2f} → {new['prob_by_2030']:.2f}" in text
    copper_2030 = result.decomposition.set_index("step").loc["copper price", "value"]
    assert f"{copper_2030 / 1e9:+.2f}" in text
    import pytest

    with pytest.raises(TypeError, match="scenario must be a tradetarget.ScenarioResult"):
        tt.analyze(n_paths=200).report(scenario="examples/scenario_15b.toml")

    out = tmp_path / "briefing.html"
    example = Path(__file__).parents[2] / "examples" / "scenario_15b.toml"
    assert main(["report", "--paths", "500", "--scenario", str(example), "-o", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert "Scenario: 34 categories for $1B + more oil + copper" in written and "the paths of reference_rw" in written
    with pytest.raises(SystemExit):
        main(["--paths", "200", "--scenario", str(example)])
    assert "--scenario goes into the briefing" in capsys.readouterr().err
