"""The measurement model: every statement, as made, tied to one latent annual series.

All computation is in the C++ core (core/include/tradetarget/measurement.hpp documents the
equations); this module converts to and from pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from . import _core
from .models import DEFAULT_SEED, Forecast, check_levels
from .observations import ObservationSource, decisions_frame, read_observations, select_series

__all__ = ["Measured", "measure"]

Z80 = 1.2815515655446004  # standard normal 90% quantile


@dataclass
class Measured:
    """The measurement model fitted to one series.

    ``table``: every year from the first to the last one mentioned (gaps included): the posterior
    median level, log sd, 80% interval, how many measurements refer to it and whether it is
    ``observed``, ``estimated`` (no figure at all) or a ``nowcast`` (partial year).
    ``residuals``: each measurement's standardised residual ("which figure is out of line").
    ``biases``: each source's estimated bias in logs (shrunk towards zero).
    """

    core: _core.MeasurementModel = field(repr=False)
    table: pd.DataFrame
    decisions: pd.DataFrame
    residuals: pd.DataFrame
    biases: pd.DataFrame
    label: str

    def __repr__(self) -> str:
        years = list(self.table.index)
        kinds = self.table["kind"].value_counts().to_dict()
        return (f"Measured({self.label}: {years[0]}-{years[-1]}, " + ", ".join(f"{n} {k}" for k, n in kinds.items())
                + f"; {len(self.residuals)} statements; .table, .residuals, .biases)")

    @property
    def nowcast(self) -> pd.Series | None:
        """The row of the nowcast year (e.g. full-year 2025 from January–May), if any."""
        rows = self.table[self.table["kind"] == "nowcast"]
        return None if rows.empty else rows.iloc[0]

    def evidence(self) -> pd.DataFrame:
        """The latent series as the other models' data: every year's posterior median and log sd,
        the nowcast year included, so that a partial year and conflicting reports reach every model."""
        return self.table[["value", "log_sd"]].rename_axis("year").reset_index()

    @property
    def drift(self) -> tuple[float, float]:
        """Posterior mean and sd of the log growth per year."""
        return self.core.drift_mean, self.core.drift_sd

    def forecast(
        self, horizon: int = 30, n_paths: int = 20000, seed: int = DEFAULT_SEED, levels: Sequence[float] = (80, 95)
    ) -> Forecast:
        """Sample paths from the year after the last full year (the nowcast year first)."""
        levels = check_levels(levels)
        paths = self.core.simulate(horizon=horizon, n_paths=n_paths, seed=seed)
        return Forecast(
            model="measurement",
            paths=paths,
            observed=self.core.observed_series(),
            point_log=np.asarray(self.core.point_log(horizon)),
            log_growth=self.core.drift_mean,
            levels=levels,
            seed=seed,
        )


def measure(
    observations: ObservationSource | None = None,
    *,
    indicator: str = "trade",
    flow: str = "total",
    commodity: str = "",
    sigma_slope: float = 0.0,
    partial_share_sd: float = 0.10,
    approx_multiplier: float = 2.0,
    bias_prior_sd: float = 0.10,
    grid_points: int = 25,
) -> Measured:
    """Fit the measurement model to one series of the observations: every statement tied to one
    latent annual series (a random walk with drift in logs) by a Kalman filter and smoother.
    Partial years, growth statements, ranges, approximate and "current" levels and exports +
    imports all enter through their own measurement equation.

    Parameters
    ----------
    observations : path, DataFrame or None
        An observations file or frame (``data/README.md``). None: the bundled Kazakhstan–Türkiye
        data.
    indicator, flow, commodity : str
        Which series of the observations.
    sigma_slope : float
        The drift's own random walk (0: one drift).
    partial_share_sd : float
        The sd in logs of a partial year's share of its full year, beyond its share of months.
    approx_multiplier : float
        How much less precise an approximate figure ("about $5B") is than a stated one.
    bias_prior_sd : float
        The prior sd in logs of each source's bias.
    grid_points : int
        Points per axis of the grid the two variances are integrated over.

    Returns
    -------
    Measured
        ``table`` (every year: value, 80% interval, how many figures, observed / estimated /
        nowcast), ``residuals`` (each statement's standardised residual: ``|r| > 2`` is out of line),
        ``biases`` and ``nowcast``.

    Raises
    ------
    ValueError
        Bad observations (naming the line and column), or none of the chosen series.

    Examples
    --------
    >>> import tradetarget as tt
    >>> measured = tt.measure()
    >>> out_of_line = measured.residuals.query("abs(standardized) > 2")
    """
    from . import datasets

    if observations is None:
        observations = datasets.path("kazakhstan_turkiye.csv")
    frame = read_observations(observations)
    selected, core_observations = select_series(frame, indicator, flow, commodity)
    model = _core.MeasurementModel(
        core_observations,
        sigma_slope=sigma_slope,
        partial_share_sd=partial_share_sd,
        approx_multiplier=approx_multiplier,
        bias_prior_sd=bias_prior_sd,
        grid_points=grid_points,
    )
    years = model.years
    last_full = model.last_full_year
    log_mean = np.array([y.log_mean for y in years])
    log_sd = np.array([y.log_sd for y in years])
    counts = [y.n_observations for y in years]
    table = pd.DataFrame(
        {
            "value": np.exp(log_mean),
            "log_sd": log_sd,
            "lower_80": np.exp(log_mean - Z80 * log_sd),
            "upper_80": np.exp(log_mean + Z80 * log_sd),
            "n_observations": counts,
            "kind": [
                "nowcast" if y.year > last_full else ("observed" if n else "estimated")
                for y, n in zip(years, counts)
            ],
        },
        index=pd.Index([y.year for y in years], name="year"),
    )
    source_of = {o.id: o.source for o in core_observations}
    residuals = pd.DataFrame(
        {
            "obs_id": [r.id for r in model.residuals],
            # a sum of components is named "exports_id+imports_id": one source said both
            "source": [source_of.get(r.id.split("+")[0], "") for r in model.residuals],
            "where": [r.where for r in model.residuals],
            "year": [r.year for r in model.residuals],
            "observed_log": [r.observed for r in model.residuals],
            "fitted_log": [r.fitted for r in model.residuals],
            "standardized": [r.standardized for r in model.residuals],
        }
    )
    biases = pd.DataFrame(
        {"source": [b.source for b in model.biases], "bias_log": [b.mean for b in model.biases],
         "sd": [b.sd for b in model.biases]}
    )
    label = " ".join(x for x in (indicator, flow, commodity) if x)
    return Measured(
        core=model,
        table=table,
        decisions=decisions_frame(selected, core_observations, model.decisions),
        residuals=residuals,
        biases=biases,
        label=label,
    )
