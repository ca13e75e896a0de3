#include "tradetarget/growth_models.hpp"

#include "tradetarget/ensemble.hpp"

#include <cmath>
#include <string>

#include <Eigen/QR>
#include <boost/random/chi_squared_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/level_models.hpp"
#include "tradetarget/reference_class.hpp"
#include "tradetarget/registry.hpp"
#include "tradetarget/saturating.hpp"
#include "tradetarget/structural.hpp"
#include "math_policy.hpp"

namespace tradetarget {
namespace {

void require_years(ModelKind kind, const AnnualSeries& series) {
    if (series.size() < minimum_years(kind))
        throw InputError("the " + to_string(kind) + " model needs at least " +
                         std::to_string(minimum_years(kind)) + " observed years; got " +
                         std::to_string(series.size()));
}

// sigma drawn from its posterior: sigma^2 = df s^2 / chi2_df.
double draw_sigma(Rng& rng, double s, double df) {
    if (s == 0.0) return 0.0;
    boost::random::chi_squared_distribution<double> chi2(df);
    return s * std::sqrt(df / chi2(rng));
}

}  // namespace

namespace {

AnnualSeries series_of(const std::vector<int>& years, const std::vector<double>& levels,
                       const std::vector<double>& log_sd, bool calendar_years) {
    if (years.size() != levels.size())
        throw InputError("years and values differ in length (" + std::to_string(years.size()) +
                         " years, " + std::to_string(levels.size()) + " values)");
    if (!log_sd.empty() && log_sd.size() != years.size())
        throw InputError("log_sd has " + std::to_string(log_sd.size()) + " entries for " +
                         std::to_string(years.size()) + " years");
    if (years.empty()) throw InputError("the series is empty");
    AnnualSeries s;
    s.years = years;
    const auto n = static_cast<Eigen::Index>(years.size());
    s.log_level.resize(n);
    s.log_sd = Eigen::VectorXd::Zero(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        const std::string year = std::to_string(years[k]);
        if (calendar_years && (years[k] < earliest_year || years[k] > latest_year))
            throw InputError("year " + year + " is outside " + std::to_string(earliest_year) +
                             " to " + std::to_string(latest_year));
        if (k > 0 && years[k] <= years[k - 1])
            throw InputError("years must be strictly increasing: " + year + " follows " +
                             std::to_string(years[k - 1]));
        if (!std::isfinite(levels[k]) || levels[k] <= 0.0)
            throw InputError("the value for " + year + " is " + std::to_string(levels[k]) +
                             "; values must be finite and positive (every series is held in logs, so the models of "
                             "levels need positive values too, even with positive=False)");
        s.log_level(i) = std::log(levels[k]);
        if (!log_sd.empty()) {
            if (!std::isfinite(log_sd[k]) || log_sd[k] < 0.0)
                throw InputError("the log_sd for " + year + " is " + std::to_string(log_sd[k]) +
                                 "; it must be finite and >= 0");
            s.log_sd(i) = log_sd[k];
        }
    }
    return s;
}

}  // namespace

AnnualSeries AnnualSeries::from_levels(const std::vector<int>& years, const std::vector<double>& levels,
                                       const std::vector<double>& log_sd) {
    return series_of(years, levels, log_sd, true);
}

AnnualSeries AnnualSeries::from_steps(const std::vector<double>& levels) {
    std::vector<int> steps(levels.size());
    for (std::size_t k = 0; k < steps.size(); ++k) steps[k] = static_cast<int>(k) + 1;
    return series_of(steps, levels, {}, false);
}

AnnualSeries AnnualSeries::from_reconciled(const ReconciledSeries& series) {
    AnnualSeries s;
    s.years = series.year_list();
    s.log_level = series.log_levels();
    s.log_sd = series.log_sds();
    return s;
}

ModelKind parse_model(const std::string& name) { return model_info(name).kind; }

std::string to_string(ModelKind kind) { return model_info(kind).name; }

int minimum_years(ModelKind kind) { return model_info(kind).minimum_years; }

std::shared_ptr<const GrowthModel> GrowthModel::with_parameter_uncertainty(bool /*draw*/) const { return nullptr; }

double GrowthModel::quantile_log(int year, double p) const {
    if (!(p > 0.0 && p < 1.0))
        throw InputError("a quantile probability must be in (0, 1); got " + std::to_string(p));
    const double scale = predictive_scale(year);
    if (scale == 0.0) return mean_log(year);
    return mean_log(year) + scale * boost::math::quantile(StudentsT(df()), p);
}

double GrowthModel::point_forecast(int year) const { return std::exp(mean_log(year)); }

double GrowthModel::forecast_cdf(int year, double x) const {
    if (!(x > 0.0)) return 0.0;
    const double scale = predictive_scale(year), z = std::log(x) - mean_log(year);
    if (scale == 0.0) return z >= 0.0 ? 1.0 : 0.0;
    return boost::math::cdf(StudentsT(df()), z / scale);
}

double GrowthModel::forecast_quantile(int year, double p) const { return std::exp(quantile_log(year, p)); }

std::vector<double> GrowthModel::forecast_quantiles(int year, const std::vector<double>& ps) const {
    std::vector<double> out;
    out.reserve(ps.size());
    for (double p : ps) out.push_back(forecast_quantile(year, p));
    return out;
}

// ---------------------------------------------------------------- log-linear trend

double FitDiagnostics::aic() const { return -2.0 * log_likelihood + 2.0 * n_parameters; }

double FitDiagnostics::aicc() const {
    const double k = n_parameters, n = n_observations;
    return n > k + 1.0 ? aic() + 2.0 * k * (k + 1.0) / (n - k - 1.0) : std::numeric_limits<double>::quiet_NaN();
}

double FitDiagnostics::bic() const {
    return -2.0 * log_likelihood + n_parameters * std::log(static_cast<double>(n_observations));
}

double gaussian_log_likelihood(const std::vector<double>& residuals, const std::vector<double>& gaps) {
    const double m = static_cast<double>(residuals.size());
    double weighted = 0.0, log_gaps = 0.0;
    for (std::size_t j = 0; j < residuals.size(); ++j) {
        const double g = gaps.empty() ? 1.0 : gaps[j];
        weighted += residuals[j] * residuals[j] / g;
        log_gaps += std::log(g);
    }
    constexpr double log_two_pi = 1.8378770664093454836;
    return -0.5 * m * (log_two_pi + std::log(weighted / m) + 1.0) - 0.5 * log_gaps;
}

LogLinearTrend::LogLinearTrend(const AnnualSeries& series)
    : GrowthModel(series.last_year(), series.log_level(series.size() - 1)), n_(series.size()) {
    require_years(ModelKind::LogLinearTrend, series);
    const auto n = static_cast<Eigen::Index>(n_);
    Eigen::MatrixXd x(n, 2);
    t_mean_ = 0.0;
    for (int y : series.years) t_mean_ += y;
    t_mean_ /= n_;
    for (Eigen::Index i = 0; i < n; ++i) {
        x(i, 0) = 1.0;
        x(i, 1) = series.years[static_cast<std::size_t>(i)] - t_mean_;
    }
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(x);
    beta_ = qr.solve(series.log_level);
    const Eigen::Matrix2d r = qr.matrixQR().topLeftCorner(2, 2).triangularView<Eigen::Upper>();
    r_inverse_ = r.triangularView<Eigen::Upper>().solve(Eigen::Matrix2d::Identity());
    const Eigen::VectorXd residuals = series.log_level - x * beta_;
    s_ = std::sqrt(residuals.squaredNorm() / (n_ - 2));
    diagnostics_.years = series.years;
    diagnostics_.residuals.assign(residuals.data(), residuals.data() + n);
    diagnostics_.log_likelihood = gaussian_log_likelihood(diagnostics_.residuals);
    diagnostics_.n_parameters = 3;  // intercept, slope, sigma^2 (as R's logLik.lm counts them)
    diagnostics_.n_observations = n_;
}

double LogLinearTrend::log_growth_se() const { return s_ * r_inverse_.row(1).norm(); }

std::vector<std::pair<std::string, double>> LogLinearTrend::params() const {
    return {{"intercept", beta_(0)}, {"slope", beta_(1)}, {"sigma", s_}, {"centre_year", t_mean_}};
}

double LogLinearTrend::mean_log(int year) const { return beta_(0) + beta_(1) * (year - t_mean_); }

double LogLinearTrend::predictive_scale(int year) const {
    // Var = s^2 (1 + x0' (X'X)^{-1} x0) and (X'X)^{-1} = R^{-1} R^{-T}.
    const Eigen::Vector2d x0(1.0, year - t_mean_);
    return s_ * std::sqrt(1.0 + (r_inverse_.transpose() * x0).squaredNorm());
}

void LogLinearTrend::simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal;
    const double sigma = draw_sigma(rng, s_, df());
    const Eigen::Vector2d z(normal(rng), normal(rng));
    const Eigen::Vector2d beta = beta_ + sigma * (r_inverse_ * z);  // Cov = sigma^2 (X'X)^{-1}
    for (Eigen::Index k = 0; k < out.size(); ++k)
        out(k) = beta(0) + beta(1) * (first_year + static_cast<double>(k) - t_mean_) +
                 sigma * normal(rng);
}

// ---------------------------------------------------------------- random walk with drift

RandomWalkDrift::RandomWalkDrift(const AnnualSeries& series)
    : GrowthModel(series.last_year(), series.log_level(series.size() - 1)) {
    require_years(ModelKind::RandomWalkDrift, series);
    const auto n = static_cast<Eigen::Index>(series.size());
    increments_ = series.size() - 1;
    span_ = series.years.back() - series.years.front();
    mu_ = (series.log_level(n - 1) - series.log_level(0)) / span_;
    double weighted_rss = 0.0;
    std::vector<double> gaps;
    for (Eigen::Index i = 1; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        const double gap = series.years[k] - series.years[k - 1];
        const double e = series.log_level(i) - series.log_level(i - 1) - mu_ * gap;
        weighted_rss += e * e / gap;
        diagnostics_.years.push_back(series.years[k]);
        diagnostics_.residuals.push_back(e);
        gaps.push_back(gap);
    }
    s_ = std::sqrt(weighted_rss / (increments_ - 1));
    diagnostics_.log_likelihood = gaussian_log_likelihood(diagnostics_.residuals, gaps);
    diagnostics_.n_parameters = 2;  // drift, sigma^2
    diagnostics_.n_observations = increments_;
}

double RandomWalkDrift::log_growth_se() const { return s_ / std::sqrt(span_); }

std::vector<std::pair<std::string, double>> RandomWalkDrift::params() const {
    return {{"drift", mu_}, {"sigma", s_}, {"span", span_}};
}

double RandomWalkDrift::mean_log(int year) const {
    return last_log_level() + mu_ * (year - last_year());
}

double RandomWalkDrift::predictive_scale(int year) const {
    const double h = year - last_year();
    return s_ * std::sqrt(h + h * h / span_);
}

void RandomWalkDrift::simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal;
    const double sigma = draw_sigma(rng, s_, df());
    const double mu = mu_ + sigma / std::sqrt(span_) * normal(rng);
    double x = last_log_level();
    for (int year = last_year() + 1; year < first_year; ++year) x += mu + sigma * normal(rng);
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        x += mu + sigma * normal(rng);
        out(k) = x;
    }
}

std::unique_ptr<GrowthModel> fit_model(ModelKind kind, const AnnualSeries& series, const ModelOptions& options) {
    // What every model needs, checked once from the registry.
    const ModelInfo& info = model_info(kind);
    require_years(kind, series);
    if (!info.gaps_allowed) require_consecutive_years(series.years, info.name);
    const struct {
        const char* name;
        bool given;
        const char* what;
    } given[] = {
        {"capacity", std::isfinite(options.capacity), "a capacity"},
        {"reference", options.reference != nullptr, "a reference class (ModelOptions::reference)"},
        {"ets_class", !options.ets_class.empty(),
         "a class (ets_class: ANN, AAN, AAdN, MNN, MAN or MAdN); auto_ets chooses one by AICc"},
        {"arima_order", options.arima_order.has_value(),
         "an order (arima_order: p, d, q and the constant); auto_arima chooses one by AICc"},
    };
    for (const auto& option : given)
        if (!option.given && info.requires_option(option.name))
            throw InputError("the " + info.name + " model needs " + option.what);
    if ((options.box_cox_auto || !std::isnan(options.box_cox_lambda)) && !info.takes("box_cox")) {
        std::string takers;
        for (const ModelInfo& m : model_registry())
            if (m.takes("box_cox")) takers += (takers.empty() ? "" : ", ") + m.name;
        throw InputError("a Box-Cox transformation is for " + takers + "; " + info.name + " does not take one");
    }
    switch (kind) {
        case ModelKind::LogLinearTrend: return std::make_unique<LogLinearTrend>(series);
        case ModelKind::RandomWalkDrift: return std::make_unique<RandomWalkDrift>(series);
        case ModelKind::Logistic: return std::make_unique<SaturatingCurve>(CurveShape::Logistic, series, options.capacity);
        case ModelKind::Gompertz: return std::make_unique<SaturatingCurve>(CurveShape::Gompertz, series, options.capacity);
        case ModelKind::LocalLinearTrend: return std::make_unique<LocalLinearTrendModel>(series);
        case ModelKind::Ets:
        case ModelKind::AutoEts:
        case ModelKind::EtsAicc:
        case ModelKind::Arima:
        case ModelKind::AutoArima:
        case ModelKind::Theta:
        case ModelKind::StandardTheta:
        case ModelKind::OptimizedTheta:
        case ModelKind::DynamicTheta:
        case ModelKind::DynamicOptimizedTheta:
        case ModelKind::AutoTheta: return std::make_unique<LevelForecastModel>(kind, series, options);
        case ModelKind::ReferenceRandomWalk: return std::make_unique<ReferenceRandomWalk>(series, *options.reference);
        case ModelKind::Ensemble:
            return std::make_unique<EnsembleModel>(series, options.ensemble ? *options.ensemble : EnsembleWeights::equal(),
                                                   options);
    }
    throw InputError("unknown model kind");
}

double compound_growth(double value0, int year0, double value1, int year1) {
    if (!(value0 > 0.0) || !(value1 > 0.0) || !std::isfinite(value0) || !std::isfinite(value1))
        throw InputError("compound growth needs finite positive values; got " +
                         std::to_string(value0) + " and " + std::to_string(value1));
    if (year1 <= year0)
        throw InputError("compound growth needs a later end year; got " + std::to_string(year0) +
                         " to " + std::to_string(year1));
    return std::exp((std::log(value1) - std::log(value0)) / (year1 - year0)) - 1.0;
}

}  // namespace tradetarget
