#pragma once
/// \file evaluate.hpp
/// Model comparison by rolling-origin evaluation (time-series cross-validation; Tashman 2000,
/// Hyndman & Athanasopoulos FPP3 §5.10): each model is refitted on the first k observations for
/// every origin k >= min_train and forecasts up to `horizon` steps; the errors are scaled per
/// origin by the training window's one-step naive errors (Hyndman & Koehler 2006):
///   MASE  = mean |e| / mean |y_t - y_{t-1}|,  RMSSE = sqrt(mean e^2 / mean (y_t - y_{t-1})^2),
///   sMAPE = mean 200 |e| / (|y| + |f|),  coverage of the 80% and 95% intervals,
///   CRPS  = 2 int_0^1 pinball_tau dtau, by the midpoint rule on 99 quantile levels (Gneiting &
///           Raftery 2007, eq. 21), scaled like MASE.
/// Point forecasts are each model's own (means for ETS and Theta, medians for models in logs). A
/// positive series is scored with the forecasts tt.fit gives it by default (the models of levels
/// conditioned on a positive level, level_models.hpp); a series with zeros or negatives (a trade
/// balance) with R's normal forecasts of the models of levels.
#include <string>
#include <vector>

namespace tradetarget {

/// The names rolling_origin() accepts: naive, the ETS classes and auto_ets, auto_arima, theta, and the
/// growth models in logs (loglinear, rw_drift, logistic, gompertz, local_linear_trend).
std::vector<std::string> evaluable_models();

struct EvaluationRow {
    std::string model;
    int origins = 0;   ///< origins at which the model could be fitted
    int failures = 0;  ///< origins at which it could not (too short, did not converge, ...)
    int forecasts = 0; ///< (origin, step) pairs scored
    double mase = 0, rmsse = 0, smape = 0, coverage80 = 0, coverage95 = 0, crps = 0;  // NaN if none
    std::string first_failure;  ///< why, at the first origin that failed
};

/// Scores every model; years must be strictly increasing (gaps allowed for the models that allow
/// them), values finite and positive where a model needs it. Throws InputError for bad arguments.
/// The (model, origin) fits run on `threads` threads (0: every core); the numbers do not depend on
/// the thread count.
std::vector<EvaluationRow> rolling_origin(const std::vector<int>& years, const std::vector<double>& values,
                                          const std::vector<std::string>& models, int min_train, int horizon,
                                          int threads = 0);

}  // namespace tradetarget
