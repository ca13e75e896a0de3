"""tradetarget: when does a trade series reach its target, how likely by a given year, and why.

Data flows one way::

    observations -> reconcile() -> fit() -> Fit.forecast() -> time_to_target() -> tables / plots

``analyze()`` runs the whole chain for several models at once; the ``tradetarget`` command runs it
on the bundled Kazakhstan–Türkiye data.
"""

from __future__ import annotations

from . import datasets
from ._version import __version__
from .analysis import ANALYSIS_MODELS, AVAILABLE_MODELS, COMPARISON_MODELS, Analysis, analyze
from .comtrade import read_comtrade
from .ensemble import learn_ensemble
from .evaluate import evaluate
from .level_models import ETS_CLASSES, arima, auto_arima, ets, theta
from .hierarchy import forecast_hierarchy, one_step_errors, reconcile_paths, summing_matrix
from .measurement import Measured, measure
from .mix import Mix, export_mix, mix_change
from .models import DEFAULT_BY, DEFAULT_MODEL, DEFAULT_SEED, MODELS, Fit, Forecast, fit
from .money import format_money, parse_money
from .observations import Reconciled, read_observations, reconcile
from .panel import PANEL_MODELS, forecast_panel, long_forecasts
from .reference import ReferenceClass, bundled_reference
from .report import report
from .scenario import Lever, Scenario, load_scenario, run_scenario
from .sensitivity import sensitivity
from .targets import first_passage_table, required_growth, time_to_target

__all__ = [
    "ANALYSIS_MODELS",
    "DEFAULT_BY",
    "DEFAULT_MODEL",
    "DEFAULT_SEED",
    "format_money",
    "parse_money",
    "report",
    "ReferenceClass",
    "bundled_reference",
    "learn_ensemble",
    "AVAILABLE_MODELS",
    "COMPARISON_MODELS",
    "ETS_CLASSES",
    "MODELS",
    "PANEL_MODELS",
    "Lever",
    "Measured",
    "Mix",
    "Scenario",
    "Analysis",
    "Fit",
    "Forecast",
    "Reconciled",
    "__version__",
    "analyze",
    "arima",
    "auto_arima",
    "datasets",
    "ets",
    "export_mix",
    "load_scenario",
    "mix_change",
    "one_step_errors",
    "reconcile_paths",
    "run_scenario",
    "summing_matrix",
    "evaluate",
    "first_passage_table",
    "forecast_hierarchy",
    "fit",
    "forecast_panel",
    "long_forecasts",
    "measure",
    "read_comtrade",
    "read_observations",
    "reconcile",
    "required_growth",
    "sensitivity",
    "theta",
    "time_to_target",
]
