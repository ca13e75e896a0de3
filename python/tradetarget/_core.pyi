"""Type stubs for the compiled core (python/src/*.cpp)."""

from typing import Callable, Optional, Sequence

import numpy as np
import numpy.typing as npt

def version() -> str: ...

class Observation:
    def __init__(
        self,
        id: str,
        where: str,
        source: str,
        statement: str,
        period_start: str,
        period_end: str,
        published: str,
        value: float,
        value_upper: float = ...,
        component: str = "",
    ) -> None: ...
    id: str
    where: str
    source: str
    statement: str
    published: str
    value: float
    component: str
    is_full_year: bool

class YearEstimate:
    year: int
    value: float
    log_sd: float
    n_sources: int
    how: str
    ids: list[str]

class Decision:
    id: str
    where: str
    used: bool
    year: Optional[int]
    reason: str

class ReconciledSeries:
    years: list[YearEstimate]
    decisions: list[Decision]

def reconcile_annual(
    observations: Sequence[Observation], use_current_levels: bool = True, use_growth_statements: bool = True
) -> ReconciledSeries: ...

class AnnualSeries:
    @staticmethod
    def from_levels(years: Sequence[int], levels: Sequence[float], log_sd: Sequence[float] = ...) -> AnnualSeries: ...
    @staticmethod
    def from_reconciled(series: ReconciledSeries) -> AnnualSeries: ...
    years: list[int]
    log_level: npt.NDArray[np.float64]
    log_sd: npt.NDArray[np.float64]

class GrowthModel:
    name: str
    growth_rate: float
    growth_rate_se: float
    params: list[tuple[str, float]]
    df: float
    last_year: int
    last_log_level: float
    def mean_log(self, year: int) -> float: ...
    def predictive_scale(self, year: int) -> float: ...
    def quantile_log(self, year: int, p: float) -> float: ...

class LogLinearTrend(GrowthModel): ...

class LevelForecastModel(GrowthModel):
    method: str
    posterior_ess: float

class RandomWalkDrift(GrowthModel):
    drift: float
    sigma: float
    span: float

class ModelInfo:
    name: str
    family: str
    label: str
    minimum_years: int
    gaps_allowed: bool
    takes_capacity: bool
    needs_reference: bool
    evaluable: bool

def model_registry() -> list[ModelInfo]: ...

class ReferenceClass:
    drift_mean: float
    drift_sd: float
    variance_shape: float
    variance_scale: float
    drift_reset: float
    segment_years: int
    window_years: int
    n_series: int
    n_segments: int
    first_year: int
    last_year: int
    log_likelihood: float
    median_sigma: float
    def __init__(
        self, drift_mean: float, drift_sd: float, variance_shape: float, variance_scale: float,
        drift_reset: float = 0.0, segment_years: int = 0, window_years: int = 0, n_series: int = 0,
        n_segments: int = 0, first_year: int = 0, last_year: int = 0, log_likelihood: float = 0.0,
    ) -> None: ...

def learn_reference_class(
    ids: list[str], offsets: list[int], years: list[int], values: list[float], segment_years: int = 13,
    window_years: int = 5, first_year: int = ..., last_year: int = ..., min_series: int = 20, min_segments: int = 200,
) -> ReferenceClass: ...
def count_segments(
    ids: list[str], offsets: list[int], years: list[int], values: list[float], segment_years: int = 13,
    first_year: int = ..., last_year: int = ...,
) -> tuple[int, int]: ...

MIN_REFERENCE_SERIES: int
MIN_REFERENCE_SEGMENTS: int

class ReferenceRandomWalk(GrowthModel):
    own_drift: float
    own_weight: float
    drift_sd: float
    sigma: float
    log_marginal: float

def fit_model(
    model: str, series: AnnualSeries, capacity: float = ..., parameter_uncertainty: bool = True,
    reference: ReferenceClass | None = None,
) -> GrowthModel: ...
def minimum_years(model: str) -> int: ...
def compound_growth(value0: float, year0: int, value1: float, year1: int) -> float: ...

class SamplePaths:
    model: str
    first_year: int
    last_year: int
    log_level: npt.NDArray[np.float64]

def simulate_paths(
    model: str,
    series: AnnualSeries,
    horizon: int = 30,
    n_paths: int = 20000,
    seed: int = 20250729,
    source_uncertainty: bool = True,
    paths_per_refit: int = 10,
    capacity: float = ...,
    parameter_uncertainty: bool = True,
    reference: ReferenceClass | None = None,
) -> SamplePaths: ...
def path_quantiles(paths: SamplePaths, probabilities: Sequence[float]) -> npt.NDArray[np.float64]: ...

class FirstPassage:
    target: float
    first_year: int
    last_year: int
    cdf: npt.NDArray[np.float64]
    observed_year: Optional[int]
    def probability_by(self, year: int) -> float: ...
    def quantile_year(self, p: float) -> Optional[int]: ...

def first_passage(paths: SamplePaths, target: float, observed: AnnualSeries) -> FirstPassage: ...
def required_growth(base_value: float, base_year: int, target: float, deadline: int) -> float: ...

class TargetSummary:
    target: float
    observed_year: Optional[int]
    median_year: Optional[int]
    p10_year: Optional[int]
    p90_year: Optional[int]
    point_cross_year: Optional[int]
    prob_by: list[tuple[int, float]]
    deadline: int
    base_year: int
    base_value: float
    required_growth: float
    historical_growth: float
    historical_from: int
    model_growth: float
    horizon_end: int

def summarize_target(
    passage: FirstPassage,
    point_log: npt.ArrayLike,
    model_growth: float,
    observed: AnnualSeries,
    prob_years: Sequence[int],
    deadline: int,
) -> TargetSummary: ...
def brownian_first_passage_cdf(t: float, distance: float, mu: float, sigma: float) -> float: ...
def annual_first_passage_cdf(
    horizon: int, distance: float, mu: float, sigma: float, grid_step: float = 0.1
) -> npt.NDArray[np.float64]: ...
def random_walk_first_passage(
    model: GrowthModel, target_log: float, horizon: int, monitoring: str = "annual"
) -> npt.NDArray[np.float64]: ...

class LatentYear:
    year: int
    log_mean: float
    log_sd: float
    n_observations: int

class ObservationResidual:
    id: str
    where: str
    year: int
    observed: float
    fitted: float
    standardized: float

class SourceBias:
    source: str
    mean: float
    sd: float

class MeasurementRow:
    id: str
    year: int
    how: str

class MeasurementModel:
    def __init__(
        self,
        observations: Sequence[Observation],
        sigma_slope: float = 0.0,
        partial_share_sd: float = 0.1,
        approx_multiplier: float = 2.0,
        bias_prior_sd: float = 0.1,
        grid_points: int = 25,
    ) -> None: ...
    rows: list[MeasurementRow]
    decisions: list[Decision]
    years: list[LatentYear]
    residuals: list[ObservationResidual]
    biases: list[SourceBias]
    last_full_year: int
    sigma_level_mean: float
    sigma_obs_mean: float
    drift_mean: float
    drift_sd: float
    def observed_series(self) -> AnnualSeries: ...
    def point_log(self, horizon: int) -> npt.NDArray[np.float64]: ...
    def simulate(self, horizon: int = 30, n_paths: int = 20000, seed: int = 20250729) -> SamplePaths: ...

def local_linear_trend(
    y: npt.ArrayLike, sigma_irregular: float, sigma_level: float, sigma_slope: float, burn: int = 2, kappa: float = 1e6
) -> tuple[float, npt.NDArray[np.float64]]: ...

class PanelResult:
    id: str
    error: str
    method: str
    growth_rate: float
    first_year: int
    point: npt.NDArray[np.float64]
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    targets: list[TargetSummary]
    paths: npt.NDArray[np.float64] | None

def series_seed(seed: int, id: str) -> int: ...
def fit_panel(
    ids: list[str], offsets: npt.NDArray[np.int64], years: npt.NDArray[np.int64], values: npt.NDArray[np.float64],
    targets: npt.NDArray[np.float64], model: str, capacity: float, horizon: int, levels: list[float],
    prob_years: list[int], n_paths: int, keep_paths: bool, seed: int, threads: int,
    progress: Callable[[int], None] | None, parameter_uncertainty: bool = True,
    reference: ReferenceClass | None = None,
) -> list[PanelResult]: ...

class MixItem:
    def __init__(self, name: str, value: float, primary: bool | None = None) -> None: ...

class MixLine:
    name: str
    value: float
    share_of_exports: float
    share_of_trade: float
    remainder: bool

class MixSummary:
    lines: list[MixLine]
    exports_total: float
    exports_known: bool
    listed_total: float
    remainder: float
    hhi: float
    hhi_upper: float
    hhi_normalised: float
    top_k: list[tuple[int, float]]
    primary_share: float
    unclassified_share: float

def summarize_mix(items: list[MixItem], exports_total: float = ..., trade_total: float = ...) -> MixSummary: ...
def reconciliation_matrix(
    summing: npt.NDArray[np.float64], method: str, proportions: npt.NDArray[np.float64] = ...,
    residuals: npt.NDArray[np.float64] = ...,
) -> npt.NDArray[np.float64]: ...
def shrinkage_intensity(residuals: npt.NDArray[np.float64]) -> float: ...
def shrunk_covariance(residuals: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
def reconcile_paths(
    base: list[npt.NDArray[np.float64]], summing: npt.NDArray[np.float64], g: npt.NDArray[np.float64]
) -> list[npt.NDArray[np.float64]]: ...

class Lever:
    name: str
    share: float
    def __init__(
        self, name: str, kind: str, amount: float = 0.0, start_year: int = 0, phase_years: int = 1, share: float = 1.0,
        percent_by_year: list[tuple[int, float]] = ..., rate: float = 0.0, uncertainty: float = 0.0,
    ) -> None: ...

class ScenarioPaths:
    first_year: int
    total: npt.NDArray[np.float64]
    contributions: list[npt.NDArray[np.float64]]
    def total_paths(self) -> SamplePaths: ...

def paths_from_levels(first_year: int, levels: npt.NDArray[np.float64]) -> SamplePaths: ...
def apply_levers(baseline: npt.NDArray[np.float64], first_year: int, levers: list[Lever], seed: int) -> ScenarioPaths: ...
