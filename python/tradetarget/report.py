"""A self-contained HTML briefing of one analysis: the answer in a paragraph, the table, the chart
(inline PNG), the evidence and, when a scenario is given, what its levers change with the
waterfall of the target gap, with nothing fetched at view time (Jinja2 template in templates/)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Optional, TYPE_CHECKING, Union

import pandas as pd

from ._version import __version__

#: The browsers that print a briefing to PDF (headless), first found first.
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
from .models import DEFAULT_MODEL, MODEL_LABELS
from .money import format_money

if TYPE_CHECKING:
    from .analysis import Analysis
    from .scenario import ScenarioResult

__all__ = ["report"]

TEMPLATE = "report.html.j2"


def _year(value) -> str:
    return "not reached" if value is None or pd.isna(value) else str(int(value))


def _answer(analysis: "Analysis") -> str:
    deadline = analysis.settings["prob_by"][0]
    rows = analysis.targets[analysis.targets["model"] == DEFAULT_MODEL]
    if rows.empty:
        rows = analysis.targets[analysis.targets["model"] == analysis.targets["model"].iloc[0]]
    parts = []
    for r in rows.itertuples():
        if not pd.isna(r.already_reached_year):
            parts.append(f"{format_money(r.target)} was already reached in {int(r.already_reached_year)}")
            continue
        parts.append(f"the chance of {format_money(r.target)} by {deadline} is {getattr(r, f'prob_by_{deadline}'):.0%} "
                     f"(median year {_year(r.median_year)}, 80% between {_year(r.p10_year)} and {_year(r.p90_year)}; "
                     f"it needs {r.required_growth:+.1%} a year from {r.base_year}"
                     + ("" if pd.isna(r.historical_growth) else
                        f" against {r.historical_growth:+.1%} in {r.historical_from}-{r.base_year}") + ")")
    model = rows["model"].iloc[0]
    return (f"At the pace of the evidence, {'; '.join(parts)}. These are the calibrated model's figures ({model}: "
            f"{MODEL_LABELS.get(model, model)}).")


def _png(draw) -> str:
    """A figure drawn by ``draw()``, as base64 PNG for an inline image."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    figure = draw()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(analysis: "Analysis") -> dict:
    by = analysis.settings["prob_by"]
    header = ["target", "model", "median year", "80% interval", *(f"P(by {y})" for y in by), "needs a year", "past a year"]
    rows = []
    for r in analysis.targets.itertuples():
        interval = ("already reached " + str(int(r.already_reached_year)) if not pd.isna(r.already_reached_year)
                    else f"{_year(r.p10_year)} to {_year(r.p90_year)}")
        rows.append([format_money(r.target), r.model, _year(r.median_year), interval,
                     *(f"{getattr(r, f'prob_by_{y}'):.2f}" for y in by), f"{r.required_growth:+.1%}",
                     "" if pd.isna(r.historical_growth) else f"{r.historical_growth:+.1%}"])
    return {"header": header, "rows": rows}


def _scenario(result: Optional["ScenarioResult"]) -> Optional[dict]:
    """The scenario section: baseline against scenario per target, the decomposition, the waterfall."""
    if result is None:
        return None
    from .scenario import ScenarioResult

    if not isinstance(result, ScenarioResult):
        raise TypeError(f"scenario must be a tradetarget.ScenarioResult (tt.run_scenario); got {type(result).__name__}")
    by = [c[len("prob_by_"):] for c in result.result.columns if c.startswith("prob_by_")]
    rows = []
    for (_, base), (_, new) in zip(result.baseline.iterrows(), result.result.iterrows()):
        rows.append([format_money(new["target"]), f"{_year(base['median_year'])} → {_year(new['median_year'])}",
                     *(f"{base[f'prob_by_{y}']:.2f} → {new[f'prob_by_{y}']:.2f}" for y in by)])
    steps = [[row.step, f"{row.value / 1e9:+.2f}" if row.kind not in ("baseline", "scenario") else f"{row.value / 1e9:.2f}"]
             for row in result.decomposition.itertuples()]
    s = result.scenario
    return {"name": s.name, "levers": [lever.name for lever in s.levers], "year": s.decompose_year,
            "baseline": result.baseline_model,
            "header": ["target", "median year", *(f"P(by {y})" for y in by)], "rows": rows, "steps": steps,
            "chart": _png(result.plot_waterfall)}


def _summary_block(summary: list[str], first: str) -> list[str]:
    """The lines of the text summary's paragraph that starts with `first`, up to its blank line."""
    start = next((i for i, line in enumerate(summary) if line.startswith(first)), None)
    if start is None:
        return []
    end = next((i for i in range(start, len(summary)) if not summary[i].strip()), len(summary))
    return summary[start:end]


def report(analysis: "Analysis", path: Union[str, Path, None] = None, title: Optional[str] = None,
           scenario: Optional["ScenarioResult"] = None) -> str:
    """The briefing as one HTML document (returned, and written to ``path`` if given); with a
    ``scenario`` (``tt.run_scenario``), a section on what its levers change and the waterfall of
    the target gap."""
    import jinja2

    environment = jinja2.Environment(loader=jinja2.PackageLoader("tradetarget", "templates"),
                                     autoescape=jinja2.select_autoescape(["html", "j2"]))
    r = analysis.reconciled
    observations = [{"year": int(year), "value": format_money(float(row.value)),
                     "log_sd": "" if row.log_sd == 0 else f"{row.log_sd:.3f}", "n_sources": int(row.n_sources),
                     "how": row.how} for year, row in r.table.iterrows()]
    residuals, latent = [], []
    if analysis.measured is not None:
        latent = [{"year": int(year), "value": format_money(float(row.value)),
                   "interval": f"{format_money(float(row.lower_80))} to {format_money(float(row.upper_80))}",
                   "n": int(row.n_observations), "kind": row.kind} for year, row in analysis.measured.table.iterrows()]
        residuals = [{"obs_id": x.obs_id, "year": int(x.year), "standardized": f"{x.standardized:+.2f}",
                      "out": abs(x.standardized) > 2, "source": x.source} for x in analysis.measured.residuals.itertuples()]
    not_used = [{"obs_id": d.obs_id, "where": d.where, "reason": d.reason} for d in r.decisions.itertuples() if not d.used]
    summary = analysis.summary().splitlines()
    block = _summary_block(summary, "Reference class of")
    reference: list[str] = []
    if block:
        reference = [" ".join(s.strip() for s in block[:2])]
        for line in (x.strip() for x in block[2:] if x.startswith("  ")):
            if reference[-1].endswith(";"):  # a sentence the text report wrapped
                reference[-1] += " " + line
            else:
                reference.append(line)
    block = _summary_block(summary, "Raw models")  # each model's record: a fixed-width table
    record = {"intro": " ".join(x.strip() for x in block if not x.startswith("  ")),
              "table": "\n".join(x[2:] for x in block if x.startswith("  "))} if block else None
    s = analysis.settings
    html = environment.get_template(TEMPLATE).render(
        title=f"{title or r.title}: when does it reach {', '.join(format_money(t) for t in sorted(set(analysis.targets['target'])))}?",
        data=s["data"], version=__version__, n_paths=f"{s['n_paths']:,}", seed=s["seed"], answer=_answer(analysis),
        reference=reference, record=record, table=_table(analysis), chart=_png(analysis.plot), scenario=_scenario(scenario),
        observations=observations,
        residuals=residuals, latent=latent, not_used=not_used,
        method=(f"Every model is fitted to {s['evidence']}; paths carry innovation, parameter and source uncertainty. "
                f"The calibrated model's probabilities are checked against outcomes in benchmarks/calibration.py."))
    if path is not None:
        write(html, path)
    return html


def write(html: str, path: Union[str, Path]) -> None:
    """The briefing to ``path``: HTML, or a PDF printed by headless Chromium for a ``.pdf`` path
    (ValueError when no Chromium is installed, saying so)."""
    import shutil
    import subprocess
    import tempfile

    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path.write_text(html, encoding="utf-8")
        return
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        raise ValueError(f"{path.name}: a PDF is printed by Chromium ({' or '.join(BROWSERS)}), and none is "
                         "installed; write the briefing as .html (any browser prints it)")
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "briefing.html"
        page.write_text(html, encoding="utf-8")
        done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={scratch}/profile",
                               "--no-pdf-header-footer", f"--print-to-pdf={path.resolve()}", page.as_uri()],
                              capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not path.is_file():
        raise ValueError(f"{path.name}: Chromium could not print the briefing (exit {done.returncode}): "
                         f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'no message'}")
