"""The charts against committed baselines (pytest-mpl, tests/python/baseline/), and what a reader
must find on them. After an intended change of a chart, write the baselines again:
    .venv/bin/python -m pytest tests/python/test_charts.py --mpl-generate-path=tests/python/baseline
and look at them before committing."""

from __future__ import annotations

import pandas as pd
import pytest

import tradetarget as tt
from tradetarget.plotting import plot_analysis

# Text is rendered but its pixels differ little between font builds; a changed line, band or
# annotation moves far more than this (root-mean-square difference, 0-255).
TOLERANCE = 3


def _texts(fig) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts + [ax.title]) + fig._suptitle.get_text()


@pytest.mark.mpl_image_compare(baseline_dir="baseline", style="default", filename="answer.png", tolerance=TOLERANCE, savefig_kwargs={"dpi": 60})
def test_the_main_chart(bundled_analysis):
    fig = plot_analysis(bundled_analysis)
    text = _texts(fig)
    assert "deadline 2030" in text and "Kazakhstan" in text
    p10 = float(bundled_analysis.first_passage[tt.DEFAULT_MODEL].loc[2030, 10e9])
    assert f"P($10B by 2030) = {p10:.2f}" in text  # the headline, annotated
    return fig


@pytest.mark.mpl_image_compare(baseline_dir="baseline", style="default", filename="compare.png", tolerance=TOLERANCE, savefig_kwargs={"dpi": 60})
def test_the_comparison_chart_draws_every_model(compared_analysis):
    fig = plot_analysis(compared_analysis)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    for name in compared_analysis.forecasts:  # the combination too, however many models there are
        assert f"{name}: median path" in labels, name
    return fig


@pytest.mark.mpl_image_compare(baseline_dir="baseline", style="default", filename="own_data.png", tolerance=TOLERANCE, savefig_kwargs={"dpi": 60})
def test_a_chart_of_the_users_own_series():
    data = pd.DataFrame({"year": range(2016, 2025), "value": [1.1e9, 1.3e9, 1.2e9, 1.5e9, 1.4e9, 1.8e9, 2.0e9, 1.9e9, 2.3e9]})
    fig = plot_analysis(tt.analyze(data, targets=[3e9, 4e9], n_paths=4000))
    assert "deadline 2030" in _texts(fig)
    return fig
