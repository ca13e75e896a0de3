"""Models of levels as R's forecast fits them: ETS, ARIMA and Theta; fit, select, forecast (computation in C++)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .models import check_levels
from .observations import to_year_series

__all__ = ["ETS_CLASSES", "ArimaFit", "auto_arima", "EtsFit", "ThetaFit", "arima", "ets", "parse_arima", "theta"]

#: The ETS classes of the C++ core (ets.hpp), by name.
ETS_CLASSES = tuple(_core.ets_classes())


def _normal_quantile(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


def _values(data: Union[pd.Series, Sequence[float]], model: str) -> tuple[list[float], pd.Index]:
    data = to_year_series(data)
    numbers = np.asarray(data.to_numpy() if isinstance(data, pd.Series) else list(data), dtype=float)
    bad = np.flatnonzero(~np.isfinite(numbers))
    if bad.size:
        where = data.index[bad[0]] if isinstance(data, pd.Series) else f"position {bad[0] + 1}"
        raise ValueError(f"{model}: the value for {where} is {numbers[bad[0]]}; every value must be a finite number")
    if isinstance(data, pd.Series):
        index = data.index
        if len(index) > 1 and pd.api.types.is_integer_dtype(index):
            steps = np.diff(index.to_numpy())
            if (steps <= 0).any():
                raise ValueError("the years must be increasing")
            _core.require_consecutive_years([int(y) for y in index], model)
        return [float(v) for v in data.to_numpy()], index
    values = [float(v) for v in data]
    return values, pd.RangeIndex(1, len(values) + 1)


@dataclass
class _AnalyticForecast:
    """Shared by models with analytic means and variances: the forecast table and the JSON."""

    core: _core.EtsModel | _core.ThetaModel | _core.ArimaModel = field(repr=False)
    index: pd.Index = field(repr=False)

    @property
    def model(self) -> str:
        return self.core.name

    @property
    def params(self) -> dict[str, float]:
        """Named as R's forecast names them."""
        return dict(self.core.params)

    @property
    def criteria(self) -> dict[str, float | None]:
        return {"loglik": self.core.loglik, "aic": self.core.aic, "aicc": self.core.aicc, "bic": self.core.bic}

    def forecast(self, horizon: int = 10, levels: Sequence[float] = (80, 95)) -> pd.DataFrame:
        """Point forecasts (means) and analytic normal intervals for each level."""
        levels = check_levels(levels)
        mean = np.asarray(self.core.mean(horizon))
        sd = np.sqrt(np.asarray(self.core.variance(horizon)))
        last = self.index[-1]
        index = pd.RangeIndex(int(last) + 1, int(last) + 1 + horizon, name=self.index.name or "step")
        out = pd.DataFrame({"mean": mean}, index=index)
        for level in levels:
            z = _normal_quantile(0.5 + level / 200)
            out[f"lower_{level:g}"] = mean - z * sd
            out[f"upper_{level:g}"] = mean + z * sd
        return out

    def __repr__(self) -> str:
        params = ", ".join(f"{k} {v:.4g}" for k, v in self.params.items())
        aicc = self.criteria["aicc"]
        years = f"{self.index[0]}-{self.index[-1]}" if len(self.index) else "no data"
        return (f"{type(self).__name__}({self.label} on {len(self.index)} values, {years}: {params}"
                + ("" if aicc is None else f"; AICc {aicc:.2f}") + ")")

    def summary_dict(self, horizon: int, levels: Sequence[float]) -> dict:
        fc = self.forecast(horizon, levels)
        return {
            "model": self.label,
            "params": self.params,
            **self.criteria,
            "sigma2": self.core.sigma2,
            "forecast": {
                "index": [int(i) for i in fc.index],
                "mean": fc["mean"].tolist(),
                "lower": {f"{lv:g}": fc[f"lower_{lv:g}"].tolist() for lv in levels},
                "upper": {f"{lv:g}": fc[f"upper_{lv:g}"].tolist() for lv in levels},
            },
        }


class EtsFit(_AnalyticForecast):
    """A fitted ETS model: the class, R-named parameters, information criteria, forecasts."""

    @property
    def label(self) -> str:
        return f"ETS({self.model[0]},{self.model[1:-1]},{self.model[-1]})"


class ThetaFit(_AnalyticForecast):
    """The Theta method (SES with drift), as R's forecast::thetaf."""

    model = "theta"
    label = "Theta"

    @property
    def params(self) -> dict[str, float]:
        return {"alpha": self.core.alpha, "drift": self.core.drift}

    @property
    def criteria(self) -> dict[str, float | None]:
        return {"loglik": None, "aic": None, "aicc": None, "bic": None}  # not a likelihood method


class ArimaFit(_AnalyticForecast):
    """ARIMA(p,d,q) with a constant (mean or drift), exact maximum likelihood, R-named parameters."""

    @property
    def label(self) -> str:
        return self.model


def parse_arima(name: str) -> tuple[int, int, int]:
    """'ARIMA(1,1,1)' -> (1, 1, 1)."""
    import re

    match = re.fullmatch(r"\s*ARIMA\s*\(\s*(\d)\s*,\s*(\d)\s*,\s*(\d)\s*\)\s*", name, flags=re.IGNORECASE)
    if not match:
        raise ValueError(f"{name!r} is not an ARIMA order; write e.g. ARIMA(1,1,1)")
    p, d, q = (int(g) for g in match.groups())
    return p, d, q


def auto_arima(data: Union[pd.Series, Sequence[float]]) -> ArimaFit:
    """Automatic ARIMA (Hyndman & Khandakar 2008): d by KPSS, stepwise search by AICc."""
    values, index = _values(data, "auto_arima")
    return ArimaFit(core=_core.auto_arima(values), index=index)


def arima(data: Union[pd.Series, Sequence[float]], order: tuple[int, int, int] = (0, 1, 1), constant: bool = True) -> ArimaFit:
    """ARIMA(p, d, q) with a constant (the mean when d = 0, the drift when d = 1; none for d = 2)."""
    values, index = _values(data, "arima")
    p, d, q = order
    return ArimaFit(core=_core.arima_fit(values, p, d, q, bool(constant) and d < 2), index=index)


def theta(data: Union[pd.Series, Sequence[float]]) -> ThetaFit:
    """The Theta method of Assimakopoulos & Nikolopoulos (2000) as SES with drift."""
    values, index = _values(data, "theta")
    return ThetaFit(core=_core.theta_fit(values), index=index)


def ets(data: Union[pd.Series, Sequence[float]], model: str = "auto") -> EtsFit:
    """Fit an ETS class (``ANN``, ``AAN``, ``AAdN``, ``MNN``, ``MAN``, ``MAdN``) or choose one by
    AICc (``auto``), as R's ``forecast::ets`` does, but with a clear error instead of a silent
    Holt–Winters fallback when the series is too short."""
    values, index = _values(data, "ets")
    if model in ("auto", "auto_ets"):
        core = _core.ets_select(values)
    else:
        core = _core.ets_fit(values, model)
    return EtsFit(core=core, index=index)
