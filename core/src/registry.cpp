#include "tradetarget/registry.hpp"

#include <algorithm>

#include "tradetarget/errors.hpp"

namespace tradetarget {

const std::vector<ModelInfo>& model_registry() {
    // Every model of levels reads "positive" (level_models.hpp), and the ETS and ARIMA ones "box_cox"
    // (box_cox_lambda, box_cox_auto and biasadj); the models in logs are positive as
    // they are. Minimum years: reference_rw one figure (the reference class does the rest); the curves four
    // (an estimated capacity); the local linear trend and the ETS choice five (ANN with a finite
    // AICc); one given ETS class or ARIMA order four, and more where its parameters need them (its
    // fit says so).
    static const std::vector<ModelInfo> registry{
        {ModelKind::ReferenceRandomWalk, "reference_rw", "calibrated",
         "random walk with drift in logs, drift and volatility from a reference class (empirical Bayes)", 1, true,
         {"reference"}, {"reference"}, false},
        {ModelKind::LogLinearTrend, "loglinear", "growth", "log-linear trend (OLS on log levels, Student-t)", 3, true,
         {}, {}, true},
        {ModelKind::RandomWalkDrift, "rw_drift", "growth",
         "random walk with drift in logs (geometric Brownian motion, annual)", 3, true, {}, {}, true},
        {ModelKind::Logistic, "logistic", "saturating",
         "logistic curve in logs (nonlinear least squares), capacity estimated or given; point: the curve at the "
         "estimates (the paths' median differs: the curve is not linear in its parameters)",
         4, true, {"capacity"}, {}, true},
        {ModelKind::Gompertz, "gompertz", "saturating",
         "Gompertz curve in logs (nonlinear least squares), capacity estimated or given; point: the curve at the "
         "estimates (the paths' median differs: the curve is not linear in its parameters)",
         4, true, {"capacity"}, {}, true},
        {ModelKind::LocalLinearTrend, "local_linear_trend", "state space",
         "local linear trend in logs (Kalman filter, variances by maximum likelihood)", 5, true, {}, {}, true},
        {ModelKind::AutoEts, "auto_ets", "levels",
         "exponential smoothing on levels, class chosen by AICc (paths draw the parameters from their posterior)", 5,
         false, {"positive", "box_cox"}, {}, true},
        {ModelKind::Ets, "ets", "levels",
         "exponential smoothing on levels, one given class (ets_class; paths draw the parameters from their "
         "posterior)",
         4, false, {"ets_class", "positive", "box_cox"}, {"ets_class"}, false},
        {ModelKind::EtsAicc, "ets_aicc", "levels",
         "AICc-weighted combination of the ETS classes on levels (mixture of their paths)", 5, false, {"positive", "box_cox"}, {}, false},
        {ModelKind::AutoArima, "auto_arima", "levels",
         "ARIMA on levels, order chosen stepwise by AICc (paths draw the parameters from their posterior)", 4, false,
         {"positive", "box_cox"}, {}, true},
        {ModelKind::Arima, "arima", "levels",
         "ARIMA(p,d,q) on levels, one given order (arima_order; paths draw the parameters from their posterior)", 4,
         false, {"arima_order", "positive", "box_cox"}, {"arima_order"}, false},
        {ModelKind::Theta, "theta", "levels",
         "Theta method on levels (SES with drift; paths draw the parameters from their posterior)", 4, false,
         {"positive"}, {}, true},
        // The Theta family of Fiorucci et al. (2016), as statsforecast names its models; paths at the estimates.
        {ModelKind::StandardTheta, "standard_theta", "levels",
         "standard Theta model (STM: theta = 2, alpha and initial level by least squares; paths at the estimates)", 5,
         false, {"positive"}, {}, true},
        {ModelKind::OptimizedTheta, "optimized_theta", "levels",
         "optimised Theta model (OTM: theta, alpha and initial level by least squares; paths at the estimates)", 6,
         false, {"positive"}, {}, true},
        {ModelKind::DynamicTheta, "dynamic_theta", "levels",
         "dynamic standard Theta model (DSTM: trend line updated each year, theta = 2; paths at the estimates)", 5,
         false, {"positive"}, {}, true},
        {ModelKind::DynamicOptimizedTheta, "dynamic_optimized_theta", "levels",
         "dynamic optimised Theta model (DOTM: trend line updated each year, theta estimated; paths at the "
         "estimates)",
         6, false, {"positive"}, {}, true},
        {ModelKind::AutoTheta, "auto_theta", "levels",
         "the Theta model (STM, OTM, DSTM or DOTM) with the smallest in-sample error, as statsforecast's AutoTheta "
         "(paths at the estimates)",
         5, false, {"positive"}, {}, true},
        // ensemble.hpp: members that the series is too short for are left out, so it needs what
        // its smallest member needs (rw_drift: 3 years).
        {ModelKind::Ensemble, "ensemble", "levels",
         "weighted combination of auto_ets, auto_arima, theta, the optimised Theta models and rw_drift, equal weights "
         "or learnt across a panel (mixture of their paths; positive series only)",
         3, false, {"ensemble", "positive"}, {}, true},
    };
    return registry;
}

bool ModelInfo::takes(const std::string& option) const {
    return std::find(options.begin(), options.end(), option) != options.end();
}

bool ModelInfo::requires_option(const std::string& option) const {
    return std::find(required_options.begin(), required_options.end(), option) != required_options.end();
}

const ModelInfo& model_info(ModelKind kind) {
    for (const auto& info : model_registry())
        if (info.kind == kind) return info;
    throw InputError("a model kind without a registry entry");
}

const ModelInfo& model_info(const std::string& name) {
    for (const auto& info : model_registry())
        if (info.name == name) return info;
    std::string known;
    for (const auto& info : model_registry()) known += (known.empty() ? "" : ", ") + info.name;
    throw InputError("unknown model '" + name + "'; expected one of " + known);
}

void require_consecutive_years(const std::vector<int>& years, const std::string& who) {
    for (std::size_t i = 1; i < years.size(); ++i) {
        if (years[i] == years[i - 1] + 1) continue;
        std::string gaps;
        for (const ModelInfo& info : model_registry())
            if (info.gaps_allowed) gaps += (gaps.empty() ? "" : ", ") + info.name;
        throw InputError(who + " needs consecutive years: " + std::to_string(years[i - 1] + 1) + " is missing (" +
                         gaps + " and the measurement model take gaps)");
    }
}

}  // namespace tradetarget
