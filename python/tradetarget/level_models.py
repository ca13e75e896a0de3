"""Shortcuts to the models of levels as R's forecast names them: ``ets``, ``arima``, ``auto_arima``,
``theta``. Each is ``tt.fit`` with that model and returns the same ``Fit``: ``.intervals()`` gives R
forecast()'s numbers (to 1e-10 for ETS) for the additive models wherever R's normal forecast puts next
to no mass at or below zero, and there the normal truncated at zero; the ETS classes with
multiplicative errors keep R's point forecast with the lognormal's bounds (``positive=False``: R's
numbers everywhere); ``.forecast()`` the paths the target engine works on."""

from __future__ import annotations

from typing import Sequence

from . import _core
from .models import Fit, SeriesLike, fit, parse_arima

__all__ = ["ETS_CLASSES", "arima", "auto_arima", "ets", "parse_arima", "theta"]

#: The ETS classes of the C++ core (ets.hpp), by name.
ETS_CLASSES = tuple(_core.ets_classes())


def ets(data: SeriesLike, model: str = "auto", positive: bool | None = None, box_cox: float | str | None = None,
        biasadj: bool | None = None) -> Fit:
    """An ETS class (``ANN``, ``AAN``, ``AAdN``, ``MNN``, ``MAN``, ``MAdN``), or the one with the smallest
    AICc (``auto``), as R's ``forecast::ets`` fits them, but with a clear error instead of a silent
    Holt–Winters fallback when the series is too short. ``box_cox``: a Box-Cox lambda or 'auto'
    (Guerrero's), as R's ``ets(lambda =)`` (see ``tt.fit``)."""
    transform = dict(positive=positive, box_cox=box_cox, biasadj=biasadj)
    if model in ("auto", "auto_ets"):
        return fit(data, "auto_ets", **transform)
    return fit(data, "ets", ets_class=model, **transform)


def arima(data: SeriesLike, order: Sequence[int] | str = (0, 1, 1), constant: bool | None = None,
          positive: bool | None = None, box_cox: float | str | None = None, biasadj: bool | None = None) -> Fit:
    """ARIMA(p, d, q) by exact maximum likelihood, with a constant (by default: the mean when d = 0,
    the drift when d = 1; none for d = 2), as R's ``forecast::Arima``; ``box_cox`` as in ``tt.fit``."""
    return fit(data, "arima", order=order, constant=constant, positive=positive, box_cox=box_cox, biasadj=biasadj)


def auto_arima(data: SeriesLike, positive: bool | None = None, box_cox: float | str | None = None,
               biasadj: bool | None = None) -> Fit:
    """Automatic ARIMA (Hyndman & Khandakar 2008): d by KPSS, stepwise search by AICc; ``box_cox`` as
    in ``tt.fit`` (R's ``auto.arima(lambda =)``)."""
    return fit(data, "auto_arima", positive=positive, box_cox=box_cox, biasadj=biasadj)


def theta(data: SeriesLike, positive: bool | None = None) -> Fit:
    """The Theta method of Assimakopoulos & Nikolopoulos (2000) as SES with drift (R's ``thetaf``)."""
    return fit(data, "theta", positive=positive)
