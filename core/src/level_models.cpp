#include "tradetarget/level_models.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include "tradetarget/errors.hpp"

namespace tradetarget {

bool is_theta_family(ModelKind kind) {
    return kind == ModelKind::StandardTheta || kind == ModelKind::OptimizedTheta || kind == ModelKind::DynamicTheta ||
           kind == ModelKind::DynamicOptimizedTheta || kind == ModelKind::AutoTheta;
}

ThetaFamilyModel fit_theta_family(ModelKind kind, const std::vector<double>& levels) {
    switch (kind) {
        case ModelKind::StandardTheta: return ThetaFamilyModel::fit(levels, ThetaVariant::Standard);
        case ModelKind::OptimizedTheta: return ThetaFamilyModel::fit(levels, ThetaVariant::Optimized);
        case ModelKind::DynamicTheta: return ThetaFamilyModel::fit(levels, ThetaVariant::DynamicStandard);
        case ModelKind::DynamicOptimizedTheta: return ThetaFamilyModel::fit(levels, ThetaVariant::DynamicOptimized);
        case ModelKind::AutoTheta: return ThetaFamilyModel::select(levels);
        default: throw InputError("'" + to_string(kind) + "' is not a Theta-family model");
    }
}

LevelForecastModel::LevelForecastModel(ModelKind kind, const AnnualSeries& series, const ModelOptions& options)
    : GrowthModel(series.last_year(), series.log_level(series.size() - 1)),
      parameter_uncertainty_(options.parameter_uncertainty),
      posterior_options_(options.posterior),
      kind_(kind) {
    // consecutive years and enough of them: checked by fit_model from the registry
    std::vector<double>& levels = levels_;
    for (Eigen::Index i = 0; i < series.log_level.size(); ++i) levels.push_back(std::exp(series.log_level(i)));
    switch (kind) {
        case ModelKind::Ets:
            ets_ = std::make_shared<EtsModel>(EtsModel::fit(levels, EtsSpec::parse(options.ets_class)));
            break;
        case ModelKind::AutoEts: ets_ = std::make_shared<EtsModel>(EtsModel::select(levels)); break;
        case ModelKind::EtsAicc:
            for (auto& [model, weight] : EtsModel::aicc_weights(levels))
                mixture_.emplace_back(std::make_shared<EtsModel>(std::move(model)), weight);
            break;
        case ModelKind::Arima:
            if (!options.arima_order) throw InputError("the arima model needs an order (ModelOptions::arima_order)");
            arima_ = std::make_shared<ArimaModel>(ArimaModel::fit(levels, *options.arima_order));
            break;
        case ModelKind::AutoArima: arima_ = std::make_shared<ArimaModel>(auto_arima(levels)); break;
        case ModelKind::Theta: theta_ = std::make_shared<ThetaModel>(ThetaModel::fit(levels)); break;
        default:
            if (!is_theta_family(kind))
                throw InputError("LevelForecastModel takes ets, auto_ets, ets_aicc, arima, auto_arima or a Theta model");
            theta_family_ = std::make_shared<ThetaFamilyModel>(fit_theta_family(kind, levels));
    }
    // residuals from the year of the first one (ARIMA: after d differences); the parameter count
    // from the model's own AIC, -2 LL + 2k, as R's forecast counts them (sigma^2 included)
    const auto fill = [&](const std::vector<double>& residuals, double loglik, double aic, int n) {
        const std::size_t first = series.years.size() - residuals.size();
        diagnostics_.years.assign(series.years.begin() + static_cast<std::ptrdiff_t>(first), series.years.end());
        diagnostics_.residuals = residuals;
        diagnostics_.log_likelihood = loglik;
        diagnostics_.n_parameters = std::isfinite(aic) ? static_cast<int>(std::lround((aic + 2.0 * loglik) / 2.0)) : 0;
        diagnostics_.n_observations = n;
    };
    const double none = std::numeric_limits<double>::quiet_NaN();
    if (ets_) diagnostics_.innovation_variance = ets_->sigma2();
    if (arima_) diagnostics_.innovation_variance = arima_->sigma2();
    if (theta_) diagnostics_.innovation_variance = theta_->sigma2();
    if (theta_family_) diagnostics_.innovation_variance = theta_family_->sigma2();
    if (ets_) fill(ets_->residuals(), ets_->loglik(), ets_->aic(), ets_->n());
    if (arima_) fill(arima_->residuals(), arima_->loglik(), arima_->aic(), static_cast<int>(arima_->residuals().size()));
    // Theta is a method, not a likelihood model: the residuals of its SES part, no likelihood
    if (theta_) fill(theta_->ses().residuals(), none, none, theta_->ses().n());
    if (theta_family_) {
        // least squares on the errors after the first three is Gaussian maximum likelihood
        // conditional on them: that likelihood, with alpha, the initial level, theta when
        // estimated and sigma^2 as parameters
        const auto& e = theta_family_->residuals();
        const std::vector<double> scored(e.begin() + std::min<std::ptrdiff_t>(3, static_cast<std::ptrdiff_t>(e.size())), e.end());
        const double loglik = gaussian_log_likelihood(scored);
        const bool theta_free = theta_family_->variant() == ThetaVariant::Optimized ||
                                theta_family_->variant() == ThetaVariant::DynamicOptimized;
        fill(e, loglik, -2.0 * loglik + 2.0 * (theta_free ? 4 : 3), static_cast<int>(scored.size()));
    }
    // the AICc-weighted mixture: no one model's residuals or likelihood (diagnostics stay empty)
}

std::string LevelForecastModel::method() const {
    if (!mixture_.empty()) return "AICc-weighted ETS";
    if (ets_) return ets_->spec().label();
    if (arima_) return arima_->order().name();
    if (theta_family_) return "Theta (" + to_string(theta_family_->variant()) + ")";
    return "Theta";
}

Eigen::VectorXd LevelForecastModel::moments(int steps, bool variance) const {
    if (!mixture_.empty()) {  // moments of the mixture
        Eigen::VectorXd mean = Eigen::VectorXd::Zero(steps), second = Eigen::VectorXd::Zero(steps);
        for (const auto& [model, weight] : mixture_) {
            const Eigen::VectorXd m = model->mean(steps);
            mean += weight * m;
            second += weight * (model->variance(steps).array() + m.array().square()).matrix();
        }
        return variance ? Eigen::VectorXd((second.array() - mean.array().square()).max(0.0)) : mean;
    }
    if (ets_) return variance ? ets_->variance(steps) : ets_->mean(steps);
    if (arima_) return variance ? arima_->variance(steps) : arima_->mean(steps);
    if (theta_family_) return variance ? theta_family_->variance(steps) : theta_family_->mean(steps);
    return variance ? theta_->variance(steps) : theta_->mean(steps);
}

double LevelForecastModel::log_growth() const {
    const double next = moments(1, false)(0);
    return next > 0.0 ? std::log(next) - last_log_level() : -std::numeric_limits<double>::infinity();
}

double LevelForecastModel::log_growth_se() const {
    return std::sqrt(moments(1, true)(0)) / std::fabs(moments(1, false)(0));
}

std::vector<std::pair<std::string, double>> LevelForecastModel::params() const {
    if (!mixture_.empty()) {
        std::vector<std::pair<std::string, double>> weights;
        for (const auto& [model, weight] : mixture_) weights.emplace_back("weight_" + model->spec().name(), weight);
        return weights;
    }
    if (ets_) return ets_->params();
    if (arima_) return arima_->params();
    if (theta_family_) return theta_family_->params();
    return {{"alpha", theta_->alpha()}, {"drift", theta_->drift()}};
}

double LevelForecastModel::mean_log(int year) const {
    const int h = year - last_year();
    if (h < 1) throw InputError("forecasts start after the last observed year");
    const double mean = moments(h, false)(h - 1);
    return mean > 0.0 ? std::log(mean) : -std::numeric_limits<double>::infinity();
}

double LevelForecastModel::predictive_scale(int year) const {
    const int h = year - last_year();
    if (h < 1) throw InputError("forecasts start after the last observed year");
    return std::sqrt(moments(h, true)(h - 1)) / std::fabs(moments(h, false)(h - 1));
}

double LevelForecastModel::point_forecast(int year) const {
    const int h = year - last_year();
    if (h < 1) throw InputError("forecasts start after the last observed year");
    return moments(h, false)(h - 1);
}

double LevelForecastModel::forecast_quantile(int year, double p) const {
    const int h = year - last_year();
    if (h < 1) throw InputError("forecasts start after the last observed year");
    if (!(p > 0.0 && p < 1.0))
        throw InputError("a quantile probability must be in (0, 1); got " + std::to_string(p));
    const boost::math::normal standard;
    const double z = boost::math::quantile(standard, p);
    if (mixture_.empty()) {
        const double mean = moments(h, false)(h - 1);
        return mean + z * std::sqrt(moments(h, true)(h - 1));
    }
    // Mixture of normals: solve its cdf (forecast_cdf) = p between the components' own
    // p-quantiles, which bracket the root.
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const auto& component : mixture_) {
        const auto& model = *component.first;
        const double q = model.mean(h)(h - 1) + z * std::sqrt(model.variance(h)(h - 1));
        low = std::min(low, q);
        high = std::max(high, q);
    }
    if (!(high > low)) return low;
    const auto excess = [&](double x) { return forecast_cdf(year, x) - p; };
    std::uintmax_t iterations = 200;
    const auto root = boost::math::tools::toms748_solve(excess, low, high, boost::math::tools::eps_tolerance<double>(48),
                                                        iterations);
    return 0.5 * (root.first + root.second);
}

double LevelForecastModel::forecast_cdf(int year, double x) const {
    const int h = year - last_year();
    if (h < 1) throw InputError("forecasts start after the last observed year");
    const auto normal_cdf = [x](double mean, double variance) {
        const double sd = std::sqrt(std::max(variance, 0.0));
        return sd > 0.0 ? boost::math::cdf(boost::math::normal(mean, sd), x) : (x >= mean ? 1.0 : 0.0);
    };
    if (mixture_.empty()) return normal_cdf(moments(h, false)(h - 1), moments(h, true)(h - 1));
    double cdf = 0.0;
    for (const auto& [model, weight] : mixture_) cdf += weight * normal_cdf(model->mean(h)(h - 1), model->variance(h)(h - 1));
    return cdf;
}

LevelForecastModel::LevelForecastModel(const LevelForecastModel& other, bool draw)
    : GrowthModel(other),
      levels_(other.levels_),
      parameter_uncertainty_(draw),
      posterior_options_(other.posterior_options_),
      kind_(other.kind_),
      ets_(other.ets_),
      arima_(other.arima_),
      theta_(other.theta_),
      theta_family_(other.theta_family_),
      mixture_(other.mixture_) {}

std::shared_ptr<const GrowthModel> LevelForecastModel::with_parameter_uncertainty(bool draw) const {
    if (draw == parameter_uncertainty_) return nullptr;
    return std::shared_ptr<const GrowthModel>(new LevelForecastModel(*this, draw));  // the constructor is private
}

double LevelForecastModel::posterior_ess() const {
    return posterior_ess_;
}

namespace {

// One model's posterior draws and their effective sample size; a posterior that cannot be sampled
// (no proposal draw with a finite density: a degenerate series) gives no draws and size 0, and
// that model's paths stay at its estimates.
template <class Model, class Draw>
double draw_into(std::vector<Model>& draws, Draw&& posterior_draws) {
    try {
        auto [sample, ess] = posterior_draws();
        draws = std::move(sample);
        return ess;
    } catch (const InputError&) {
        draws.clear();
        return 0.0;
    }
}

// A path from one of the draws, chosen uniformly, or from the estimates when there are none.
template <class Model>
void simulate_from(const std::vector<Model>& draws, const Model& estimate, Rng& rng, Eigen::Ref<Eigen::VectorXd> out) {
    if (draws.empty()) return estimate.simulate(rng, out);
    boost::random::uniform_int_distribution<std::size_t> pick(0, draws.size() - 1);
    draws[pick(rng)].simulate(rng, out);
}

}  // namespace

void LevelForecastModel::draw_parameters() const {
    if (!parameter_uncertainty_ || theta_family_) return;  // the Theta family's paths: at the estimates
    if (arima_) {
        posterior_ess_ = draw_into(arima_draws_, [&] { return arima_->posterior_draws(posterior_options_); });
    } else if (theta_) {
        posterior_ess_ = draw_into(theta_draws_, [&] { return theta_->posterior_draws(levels_, posterior_options_); });
    } else {
        std::vector<const EtsModel*> models;
        if (ets_) models.push_back(ets_.get());
        for (const auto& component : mixture_) models.push_back(component.first.get());
        draws_.resize(models.size());
        double smallest = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < models.size(); ++k)
            smallest = std::min(smallest, draw_into(draws_[k], [&] {
                                    return models[k]->posterior_draws(levels_, posterior_options_);
                                }));
        posterior_ess_ = smallest;
    }
}

void LevelForecastModel::simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const {
    std::call_once(drawn_, [this] { draw_parameters(); });
    const auto skip = static_cast<Eigen::Index>(first_year - last_year() - 1);
    Eigen::VectorXd levels(skip + out.size());
    static const std::vector<EtsModel> no_ets_draws;
    const auto ets_draws = [&](std::size_t k) -> const std::vector<EtsModel>& {
        return k < draws_.size() ? draws_[k] : no_ets_draws;
    };
    if (!mixture_.empty()) {
        boost::random::uniform_01<double> uniform;
        double u = uniform(rng);
        std::size_t k = 0;
        while (k + 1 < mixture_.size() && u >= mixture_[k].second) u -= mixture_[k++].second;
        simulate_from(ets_draws(k), *mixture_[k].first, rng, levels);
    } else if (ets_) simulate_from(ets_draws(0), *ets_, rng, levels);
    else if (arima_) simulate_from(arima_draws_, *arima_, rng, levels);
    else if (theta_family_) theta_family_->simulate(rng, levels);
    else simulate_from(theta_draws_, *theta_, rng, levels);
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        const double v = levels(skip + k);
        out(k) = v > 0.0 ? std::log(v) : -std::numeric_limits<double>::infinity();
    }
}

}  // namespace tradetarget
