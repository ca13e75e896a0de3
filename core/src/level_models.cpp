#include "tradetarget/level_models.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include <boost/math/constants/constants.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include "tradetarget/box_cox.hpp"
#include "tradetarget/errors.hpp"
#include "math_policy.hpp"

namespace tradetarget {

namespace {

// Below this |lambda| a Box-Cox transform has its pole thousands of units away (LevelScale).
constexpr double pole_free = 1e-4;

}  // namespace

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
      positive_(options.positive),
      biasadj_(options.biasadj),
      posterior_options_(options.posterior),
      kind_(kind) {
    // consecutive years and enough of them: checked by fit_model from the registry
    std::vector<double>& levels = levels_;
    for (Eigen::Index i = 0; i < series.log_level.size(); ++i) levels.push_back(std::exp(series.log_level(i)));
    const bool box_cox = options.box_cox_auto || !std::isnan(options.box_cox_lambda);
    if (box_cox) {
        // which models take one: checked by fit_model from the registry
        if (options.box_cox_auto && !std::isnan(options.box_cox_lambda))
            throw InputError("give a Box-Cox lambda or ask for Guerrero's, not both");
        // a series in logs holds only positive levels; say so for a zero or a negative all the same
        for (std::size_t i = 0; i < levels.size(); ++i)
            if (!(levels[i] > 0.0) || !std::isfinite(levels[i]))
                throw InputError("a Box-Cox transformation needs levels that are finite and > 0; the level in " +
                                 std::to_string(series.years[i]) + " is " + std::to_string(levels[i]));
        lambda_ = options.box_cox_auto ? guerrero_lambda(levels, -0.9, 2.0) : options.box_cox_lambda;  // R's "auto"
        lambda_chosen_ = options.box_cox_auto;
        if (!std::isfinite(lambda_) || std::fabs(lambda_) > 10.0)
            throw InputError("the Box-Cox lambda must be finite and in [-10, 10]; got " + std::to_string(lambda_));
        // The series is transformed over its geometric mean: then the forecast does not depend on
        // the unit (dollars or billions; R's transform of the raw values is not scale-free, and
        // its optimiser can end elsewhere), and the transform neither crowds the pole (y^lambda
        // small: (y^lambda - 1) / lambda next to -1 / lambda, the series' information in its last
        // digits) nor overflows (y^lambda huge). positive = false keeps R's transform, for R's
        // numbers, unless y^lambda at the geometric mean leaves [1e-3, 1e100].
        double mean_log = 0.0;
        for (double v : levels) mean_log += std::log(v) / static_cast<double>(levels.size());
        // (In logs, lambda near 0, a unit is a shift, and there is no pole to crowd: R's transform.)
        if ((options.positive && std::fabs(lambda_) >= pole_free) || lambda_ * mean_log < std::log(1e-3) ||
            lambda_ * mean_log > std::log(1e100))
            unit_ = std::exp(mean_log);
        for (double& v : levels) v = tradetarget::box_cox(v / unit_, lambda_);
        for (double v : levels)
            if (!std::isfinite(v))
                throw InputError("the Box-Cox transform at lambda " + std::to_string(lambda_) +
                                 " of this series is beyond double's range; take a lambda nearer 0");
    }
    switch (kind) {
        case ModelKind::Ets: {
            const EtsSpec spec = EtsSpec::parse(options.ets_class);
            if (box_cox && spec.error == EtsError::Multiplicative)
                throw InputError("ETS " + spec.name() +
                                 " has multiplicative errors; with a Box-Cox transformation take an additive-error "
                                 "class (ANN, AAN, AAdN), as R's ets(lambda =) does");
            ets_ = std::make_shared<EtsModel>(EtsModel::fit(levels, spec));
            break;
        }
        case ModelKind::AutoEts: ets_ = std::make_shared<EtsModel>(EtsModel::select(levels, box_cox)); break;
        case ModelKind::EtsAicc:
            for (auto& [model, weight] : EtsModel::aicc_weights(levels, box_cox))
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
    std::string transform;
    if (!std::isnan(lambda_)) {
        char text[64];
        std::snprintf(text, sizeof text, ", Box-Cox lambda %.3g%s", lambda_, lambda_chosen_ ? " (Guerrero's)" : "");
        transform = text;
    }
    if (!mixture_.empty()) return "AICc-weighted ETS" + transform;
    if (ets_) return ets_->spec().label() + transform;
    if (arima_) return arima_->order().name() + transform;
    if (theta_family_) return "Theta (" + to_string(theta_family_->variant()) + ")";
    return "Theta";
}

std::vector<LevelForecastModel::ComponentForecast> LevelForecastModel::component_forecasts(int steps) const {
    const auto multiplicative = [](const EtsModel& m) { return m.spec().error == EtsError::Multiplicative; };
    std::vector<ComponentForecast> out;
    for (const auto& [model, weight] : mixture_)
        out.push_back({weight, model->mean(steps), model->variance(steps), multiplicative(*model)});
    if (ets_) out.push_back({1.0, ets_->mean(steps), ets_->variance(steps), multiplicative(*ets_)});
    if (arima_) out.push_back({1.0, arima_->mean(steps), arima_->variance(steps), false});
    if (theta_family_) out.push_back({1.0, theta_family_->mean(steps), theta_family_->variance(steps), false});
    if (theta_) out.push_back({1.0, theta_->mean(steps), theta_->variance(steps), false});
    return out;
}

std::shared_ptr<const std::vector<LevelForecastModel::ComponentForecast>> LevelForecastModel::cached_forecasts(int steps) const {
    const std::lock_guard<std::mutex> lock(forecasts_mutex_);
    if (forecast_years_ < steps) {
        const int size = std::max({steps, 10, 2 * forecast_years_});
        forecasts_ = std::make_shared<const std::vector<ComponentForecast>>(component_forecasts(size));
        forecast_years_ = size;
    }
    return forecasts_;
}

namespace {

const Normal standard_normal;

// E[Z | Z > a] - a for Z ~ N(0, 1): lambda(a) - a, with lambda(a) = phi(a) / (1 - Phi(a)) the
// inverse Mills ratio. For large a, Laplace's continued fraction 1 - Phi(a) = phi(a) / (a + 1/(a +
// 2/(a + 3/(a + ...)))) (Abramowitz & Stegun 26.2.14) gives lambda(a) - a = 1/(a + 2/(a + 3/(a +
// ...))) without the cancellation of the difference.
double mills_excess(double a) {
    if (a < 5.0) return boost::math::pdf(standard_normal, a) / boost::math::cdf(boost::math::complement(standard_normal, a)) - a;
    double f = a;
    for (int k = 60; k >= 2; --k) f = a + k / f;
    return 1.0 / f;
}

// log(1 - Phi(a)), finite far into the tail (the same continued fraction beyond a = 5).
double log_upper_tail(double a) {
    if (a < 5.0) return std::log(boost::math::cdf(boost::math::complement(standard_normal, a)));
    return -0.5 * a * a - 0.5 * std::log(2.0 * boost::math::constants::pi<double>()) - std::log(a + mills_excess(a));
}

// log P(Z > a + d) - log P(Z > a) for a >= 5 and d >= 0, from the continued fraction, without
// subtracting the two logarithms (each about -a^2 / 2): -d (a + d / 2) - log(lambda(a + d) / lambda(a)).
double log_tail_ratio(double a, double d) {
    const double lambda = a + mills_excess(a);
    return -d * (a + 0.5 * d) - std::log1p((d + (mills_excess(a + d) - mills_excess(a))) / lambda);
}

// In the tail (a >= 5): the d > 0 with P(Z > a + d) = exp(-e) P(Z > a), by Newton's method on
// log_tail_ratio, whose slope is -lambda(a + d); from the exponential limit d = e / lambda(a) (Z - a
// given Z > a is exponential with rate a as a grows). Solving for d, not a + d, keeps d's digits.
double tail_excess(double a, double e) {
    double d = e / (a + mills_excess(a));
    for (int k = 0; k < 100; ++k) {
        const double step = (log_tail_ratio(a, d) + e) / (a + d + mills_excess(a + d));
        d = std::max(d + step, 0.5 * d);
        if (std::fabs(step) <= 1e-15 * d) break;
    }
    return d;
}

// One component of a predictive distribution of the level: the model's normal (R's forecast);
// that normal truncated at zero, i.e. conditioned on the level being above zero (Johnson, Kotz &
// Balakrishnan 1994, §10.1: with a = -mean/sd the truncated mean is mean + sd lambda(a) =
// sd (lambda(a) - a), the variance sd^2 (1 - lambda(a) (lambda(a) - a))); or, for the ETS
// classes with multiplicative errors, the lognormal with the normal's mean and variance (their
// levels are products of (1 + error) factors: skewed and positive, as a lognormal; the point
// forecast stays R's mean).
enum class Shape { Normal, Truncated, LogNormal };

struct Component {
    double weight, mean, sd;
    Shape shape;

    double a() const { return -mean / sd; }
    // lognormal: log-scale variance log(1 + sd^2 / mean^2) and mean log(mean) - that / 2
    double log_variance() const { return std::log1p((sd / mean) * (sd / mean)); }
    double log_mean() const { return std::log(mean) - 0.5 * log_variance(); }
    // log P(level > 0) of the normal; a truncated component's weight in the mixture is its weight
    // times that (renormalised)
    double log_mass_above_zero() const {
        if (shape != Shape::Truncated) return 0.0;
        if (!(sd > 0.0)) return mean > 0.0 ? 0.0 : -std::numeric_limits<double>::infinity();
        return log_upper_tail(a());
    }
    double conditional_mean() const { return shape == Shape::Truncated && sd > 0.0 ? sd * mills_excess(a()) : mean; }
    double conditional_variance() const {
        if (!(sd > 0.0)) return 0.0;
        if (shape != Shape::Truncated) return sd * sd;
        const double t = mills_excess(a());
        return std::max(sd * sd * (1.0 - (a() + t) * t), 0.0);
    }
    double cdf(double x) const {
        if (!(sd > 0.0)) return x >= mean ? 1.0 : 0.0;
        switch (shape) {
            case Shape::Normal: return boost::math::cdf(Normal(mean, sd), x);
            case Shape::LogNormal:
                return x > 0.0 ? boost::math::cdf(standard_normal, (std::log(x) - log_mean()) / std::sqrt(log_variance())) : 0.0;
            case Shape::Truncated: break;
        }
        if (x <= 0.0) return 0.0;
        if (a() >= 5.0) return -std::expm1(log_tail_ratio(a(), x / sd));  // x = sd (z - a)
        if (near_zero(x)) return x / zero_density_inverse() * (1.0 - a() * x / (2.0 * sd));
        const double z = (x - mean) / sd;
        // mean above zero and x below it: (Phi(z) - Phi(a)) / P(Z > a), no tail rounded to 1
        if (a() < 0.0 && z < 0.0)
            return (boost::math::cdf(standard_normal, z) - boost::math::cdf(standard_normal, a())) /
                   boost::math::cdf(boost::math::complement(standard_normal, a()));
        // 1 - P(Z > z) / P(Z > a)
        return -std::expm1(log_upper_tail(z) - log_upper_tail(a()));
    }
    double quantile(double p) const {
        if (!(sd > 0.0)) return mean;
        switch (shape) {
            case Shape::Normal: return mean + sd * boost::math::quantile(standard_normal, p);
            case Shape::LogNormal:
                return std::exp(log_mean() + std::sqrt(log_variance()) * boost::math::quantile(standard_normal, p));
            case Shape::Truncated: break;
        }
        // Phi(z) = Phi(a) + p P(Z > a): from the lower tail for the lower half when the mean is
        // above zero (P(Z > a) rounds to 1 there), else from the upper one, P(Z > z) = (1 - p) P(Z > a)
        if (a() < 5.0) {
            const double first_order = p * zero_density_inverse();
            if (near_zero(first_order)) return first_order * (1.0 + a() * first_order / (2.0 * sd));
        }
        if (a() < 0.0 && p <= 0.5) {
            const double lower = boost::math::cdf(standard_normal, a());
            const double q = mean + sd * boost::math::quantile(standard_normal, lower + p * (1.0 - lower));
            return q > 0.0 ? q : sd * p / (a() + mills_excess(a()));
        }
        return truncated_upper_quantile(std::log1p(-p), p);
    }
    // Just above zero the truncated density is f(x) = f(0) (1 + c x + O(x^2)), f(0) = lambda(a) / sd
    // and c = -a / sd, so F(x) = f(0) x (1 + c x / 2) and its inverse q = q1 (1 - c q1 / 2), q1 = p /
    // f(0), to a relative O(x^2 (c^2 + 1 / sd^2)): below 1e-10 where near_zero. There the general
    // formulas cancel (Phi(z) - Phi(a) with z next to a), and they take over where that costs less.
    double zero_density_inverse() const { return sd / (a() + mills_excess(a())); }
    bool near_zero(double x) const { return x / sd * std::max(std::fabs(a()), 1.0) < 1e-5; }
    // P(level > x), without the rounding of 1 - cdf(x) in the upper tail.
    double survival(double x) const {
        if (!(sd > 0.0)) return x >= mean ? 0.0 : 1.0;
        switch (shape) {
            case Shape::Normal: return boost::math::cdf(boost::math::complement(Normal(mean, sd), x));
            case Shape::LogNormal:
                return x > 0.0 ? boost::math::cdf(boost::math::complement(
                                     standard_normal, (std::log(x) - log_mean()) / std::sqrt(log_variance())))
                               : 1.0;
            case Shape::Truncated: break;
        }
        if (x <= 0.0) return 1.0;
        if (a() >= 5.0) return std::exp(log_tail_ratio(a(), x / sd));
        return std::exp(log_upper_tail((x - mean) / sd) - log_upper_tail(a()));
    }
    // The level with P(above it) = p: quantile(1 - p), exactly for small p (1 - p rounds to 1
    // below 1e-16, where the upper tail's own formulas still resolve it).
    double upper_quantile(double p) const {
        if (p > 0.5 || !(sd > 0.0)) return quantile(1.0 - p);  // 1 - p is exact here
        const double z = -boost::math::quantile(standard_normal, p);  // P(Z > z) = p
        switch (shape) {
            case Shape::Normal: return mean + sd * z;
            case Shape::LogNormal: return std::exp(log_mean() + std::sqrt(log_variance()) * z);
            case Shape::Truncated: break;
        }
        return truncated_upper_quantile(std::log(p), 1.0 - p);
    }
    // The truncated component's level with log P(above it) = log_survival: P(Z > z) = exp(log_survival)
    // P(Z > a); from a = 5 on (mean 5 sd below zero or more) by tail_excess. `p`, the probability
    // below it (for the smallest p: mean + sd z cancels to zero, and there the quantile is p over
    // the density at zero, phi(a) / (sd P(Z > a)) = lambda(a) / sd).
    double truncated_upper_quantile(double log_survival, double p) const {
        if (a() >= 5.0) return sd * tail_excess(a(), -log_survival);  // mean + sd (a + d) = sd d
        // log P(Z > z) = log_tail; beyond z = 5 (a path far above the mean) from the tail's own
        // solver, where exp(log_tail) would underflow
        const double log_tail = log_survival + log_upper_tail(a()), at_five = log_upper_tail(5.0);
        const double z = log_tail < at_five
                             ? 5.0 + tail_excess(5.0, at_five - log_tail)
                             : boost::math::quantile(boost::math::complement(standard_normal, std::exp(log_tail)));
        const double q = mean + sd * z;
        return q > 0.0 ? q : sd * std::max(p, 1e-300) / (a() + mills_excess(a()));
    }
};

// How a component's coordinate v maps to the level. Without a transformation v is the level. With a
// Box-Cox lambda the model forecasts z = box_cox(level / unit) (normal; unit rescales a series whose
// transform would crowd the pole, LevelForecastModel's constructor), and v = sign z - bound is the
// coordinate whose zero is level zero, positive where the level is positive and finite: for
// lambda > 0, v = z + 1 / lambda = x^lambda / lambda; for lambda < 0, where z must stay below
// -1 / lambda, v = -z - 1 / lambda = x^lambda / |lambda| (x = level / unit; the level falls as v
// rises). The same truncation at zero (Component) then serves every case, and the level is
// (|lambda| v)^(1 / lambda) without cancellation. Where |lambda| < pole_free (logs among them) the
// pole lies thousands of units of z away, beyond any forecast's reach: v is z and nothing is
// truncated (the shift by 1 / |lambda| would cost digits for nothing).
struct LevelScale {
    double lambda = std::numeric_limits<double>::quiet_NaN();  // NaN: no transformation
    double unit = 1.0;

    bool transformed() const { return !std::isnan(lambda); }
    bool has_pole() const { return transformed() && std::fabs(lambda) >= pole_free; }
    bool decreasing() const { return has_pole() && lambda < 0.0; }
    // whether conditioning on a positive level truncates anything
    bool truncates() const { return !transformed() || has_pole(); }
    double sign() const { return decreasing() ? -1.0 : 1.0; }
    double bound() const { return has_pole() ? -1.0 / std::fabs(lambda) : 0.0; }
    double coordinate_of_model(double z) const { return has_pole() ? sign() * z - bound() : z; }
    // the level / unit at v (R's InvBoxCox beyond the range: a level at or below zero for lambda > 0,
    // infinite for lambda < 0)
    double relative_level(double v) const {
        if (!has_pole()) return inv_box_cox(v, lambda);
        if (v > 0.0) return std::exp(std::log(std::fabs(lambda) * v) / lambda);
        if (lambda < 0.0) return std::numeric_limits<double>::infinity();
        return -std::pow(-lambda * v, 1.0 / lambda);  // lambda z + 1 = lambda v <= 0
    }
    double level(double v) const { return transformed() ? unit * relative_level(v) : v; }
    // the coordinate of a finite level: for lambda > 0 below zero R's sign-preserving inverse;
    // a level at or below zero lies beyond every coordinate otherwise
    double coordinate(double y) const {
        if (!transformed()) return y;
        const double x = y / unit;
        if (!has_pole()) return x > 0.0 ? box_cox(x, lambda) : -std::numeric_limits<double>::infinity();
        if (x > 0.0) return std::pow(x, lambda) / std::fabs(lambda);
        if (lambda > 0.0) return -std::pow(-x, lambda) / lambda;
        return std::numeric_limits<double>::infinity();  // lambda < 0: level zero is v = +inf
    }
    // the level's mean from the coordinate's mean and variance: R's bias adjustment (box_cox_mean),
    // or the inverse transform of the mean (a median) without it
    double level_mean(double v_mean, double v_variance, bool biasadj) const {
        if (!transformed()) return v_mean;
        const double x = relative_level(v_mean);
        return unit * (biasadj ? bias_adjusted_mean(x, v_variance, lambda) : x);
    }
    // |d level / d v| at v: the delta method's slope for the display variance (|dz/dv| = 1)
    double slope(double v) const {
        if (!transformed()) return 1.0;
        return unit * std::pow(std::fabs(relative_level(v)), 1.0 - lambda);  // dx/dz = x^(1 - lambda)
    }
};

}  // namespace

// A mixture of components (one, except for the AICc-weighted ETS) in the coordinate of `scale`;
// conditioned on a positive level, the truncated ones' weights are renormalised by each one's mass
// above zero.
struct LevelForecastModel::Predictive {
    std::vector<Component> components;
    LevelScale scale;
    bool biasadj = true;

    double mean() const {
        double m = 0.0;
        for (const auto& c : components) m += c.weight * scale.level_mean(c.conditional_mean(), c.conditional_variance(), biasadj);
        return m;
    }
    // of the level: each component's by the delta method through the transformation (a display
    // approximation), mixed
    double variance() const {
        double m = 0.0, second = 0.0;
        for (const auto& c : components) {
            const double cm = c.conditional_mean();
            const double mean = scale.level_mean(cm, c.conditional_variance(), biasadj);
            const double slope = scale.slope(cm);
            m += c.weight * mean;
            second += c.weight * (slope * slope * c.conditional_variance() + mean * mean);
        }
        return std::max(second - m * m, 0.0);
    }
    double cdf(double x) const {
        if (x == std::numeric_limits<double>::infinity()) return 1.0;
        const double v = scale.coordinate(x);
        // a decreasing map: P(level <= x) = P(v >= v(x)), from the components' upper tails
        double F = 0.0;
        for (const auto& c : components) {
            if (std::isinf(v)) F += c.weight * ((v > 0.0) != scale.decreasing() ? 1.0 : 0.0);
            else F += c.weight * (scale.decreasing() ? c.survival(v) : c.cdf(v));
        }
        return F;
    }
    double quantile(double p) const {
        return scale.level(scale.decreasing() ? coordinate_upper_quantile(p) : coordinate_quantile(p));
    }
    // the coordinate with P(above it) = p (for a decreasing map: the level's p-quantile)
    double coordinate_upper_quantile(double p) const {
        if (p > 0.5) return coordinate_quantile(1.0 - p);  // 1 - p is exact here
        if (components.size() == 1) return components.front().upper_quantile(p);
        return between_components([p](const Component& c) { return c.upper_quantile(p); }, [&](double x) {
            double S = 0.0;
            for (const auto& c : components) S += c.weight * c.survival(x);
            return p - S;
        });
    }
    double coordinate_quantile(double p) const {
        if (components.size() == 1) return components.front().quantile(p);
        return between_components([p](const Component& c) { return c.quantile(p); }, [&](double x) {
            double F = 0.0;
            for (const auto& c : components) F += c.weight * c.cdf(x);
            return F - p;
        });
    }
    // A mixture's quantile lies between its components' own (`own`): root finding there, of
    // `excess`, which rises through zero at the answer.
    template <class Own, class Excess>
    double between_components(const Own& own, const Excess& excess) const {
        double low = std::numeric_limits<double>::infinity(), high = -low;
        for (const auto& c : components) {
            if (!(c.weight > 0.0)) continue;
            const double q = own(c);
            low = std::min(low, q);
            high = std::max(high, q);
        }
        if (!(high > low)) return low;
        if (excess(low) >= 0.0) return low;  // a point-mass component can put the root at an end
        if (excess(high) <= 0.0) return high;
        std::uintmax_t iterations = 200;
        const auto root = boost::math::tools::toms748_solve(excess, low, high, boost::math::tools::eps_tolerance<double>(48),
                                                            iterations);
        return 0.5 * (root.first + root.second);
    }
};

LevelForecastModel::Predictive LevelForecastModel::predictive(int year, bool conditioned) const {
    const int h = year - last_year();
    if (h < 1) throw InputError("forecasts start after the last observed year");
    Predictive out;
    out.scale.lambda = lambda_;
    out.scale.unit = unit_;
    out.biasadj = biasadj_;
    conditioned = conditioned && out.scale.truncates();
    // conditioned: multiplicative errors a lognormal where the mean is above zero, else truncated
    const auto add = [&](double weight, double mean, double variance, bool multiplicative) {
        const Shape shape = !conditioned ? Shape::Normal
                            : multiplicative && mean > 0.0 ? Shape::LogNormal
                                                           : Shape::Truncated;
        out.components.push_back({weight, out.scale.coordinate_of_model(mean), std::sqrt(std::max(variance, 0.0)), shape});
    };
    // held here: another thread may replace the cache (asking for more years) while this reads it
    const auto forecasts = cached_forecasts(h);
    for (const auto& c : *forecasts) add(c.weight, c.mean(h - 1), c.variance(h - 1), c.multiplicative);
    const bool finite = std::all_of(out.components.begin(), out.components.end(),
                                    [](const Component& c) { return std::isfinite(c.mean) && std::isfinite(c.sd); });
    if (!finite)
        throw InputError(method() + ": the forecast for " + std::to_string(year) +
                         " is beyond double's range (its mean or variance is not finite); rescale the series");
    if (!conditioned) return out;
    // condition on a level above zero: reweight by each component's mass there (in logs: a far
    // tail's mass underflows)
    std::vector<double> log_weight;
    double largest = -std::numeric_limits<double>::infinity();
    for (const auto& c : out.components) {
        log_weight.push_back(std::log(c.weight) + c.log_mass_above_zero());
        largest = std::max(largest, log_weight.back());
    }
    if (!std::isfinite(largest))
        throw InputError(method() + " forecasts the level in " + std::to_string(year) +
                         " at or below zero with certainty; a positive forecast is not defined (positive = false "
                         "gives the model's own forecast)");
    double total = 0.0;
    for (std::size_t k = 0; k < out.components.size(); ++k) total += std::exp(log_weight[k] - largest);
    for (std::size_t k = 0; k < out.components.size(); ++k)
        out.components[k].weight = std::exp(log_weight[k] - largest) / total;
    return out;
}

// Per year ahead and per component (one, or the mixture's classes), the normal a path is drawn
// from and, where that normal puts more than negligible_mass at or below zero, the normal
// truncated at zero that the path's level is mapped to. Multiplicative classes are not mapped.
struct LevelForecastModel::PathTransform {
    struct Map {
        bool maps = false;
        bool additive = false;  // a normal to condition (not a multiplicative class, not past the range)
        Component normal, truncated;
    };
    std::vector<std::vector<Map>> years;  // [h - 1][component]
    LevelScale scale;
};

namespace {

// Where the normal puts less mass than this at or below zero, the path is left as it is (the map
// changes it by less than 1e-10 relative there).
constexpr double negligible_mass = 1e-15;

}  // namespace

std::shared_ptr<const LevelForecastModel::PathTransform> LevelForecastModel::path_transform(int years) const {
    const std::lock_guard<std::mutex> lock(transform_mutex_);
    if (transform_ && static_cast<int>(transform_->years.size()) >= years) return transform_;
    auto grown = std::make_shared<PathTransform>();
    grown->scale.lambda = lambda_;
    grown->scale.unit = unit_;
    const int size = std::max({years, 50, transform_ ? 2 * static_cast<int>(transform_->years.size()) : 0});
    const auto forecasts = cached_forecasts(size);  // all the years at once
    const auto& components = *forecasts;
    grown->years.resize(static_cast<std::size_t>(size));
    for (int h = 1; h <= size; ++h) {
        auto& maps = grown->years[static_cast<std::size_t>(h - 1)];
        maps.resize(components.size());
        for (std::size_t k = 0; k < maps.size(); ++k) {
            const double mean = grown->scale.coordinate_of_model(components[k].mean(h - 1));
            const double sd = std::sqrt(std::max(components[k].variance(h - 1), 0.0));
            maps[k].normal = {1.0, mean, sd, Shape::Normal};
            maps[k].truncated = {1.0, mean, sd, Shape::Truncated};
            // a forecast beyond double's range is left as drawn
            maps[k].additive = !components[k].multiplicative && grown->scale.truncates() && std::isfinite(mean) &&
                               std::isfinite(sd) && sd > 0.0;
            maps[k].maps = maps[k].additive && maps[k].normal.cdf(0.0) > negligible_mass;
        }
    }
    transform_ = std::move(grown);
    return transform_;
}

double LevelForecastModel::log_growth() const {
    const double next = point_forecast(last_year() + 1);
    return next > 0.0 ? std::log(next) - last_log_level() : -std::numeric_limits<double>::infinity();
}

double LevelForecastModel::log_growth_se() const {
    const Predictive next = predictive(last_year() + 1, positive_);
    return std::sqrt(next.variance()) / std::fabs(next.mean());
}

std::vector<std::pair<std::string, double>> LevelForecastModel::params() const {
    std::vector<std::pair<std::string, double>> out;
    if (!mixture_.empty())
        for (const auto& [model, weight] : mixture_) out.emplace_back("weight_" + model->spec().name(), weight);
    else if (ets_) out = ets_->params();
    else if (arima_) out = arima_->params();
    else if (theta_family_) out = theta_family_->params();
    else out = {{"alpha", theta_->alpha()}, {"drift", theta_->drift()}};
    // the estimates above are on the scale of box_cox(level / box_cox_unit, lambda)
    if (!std::isnan(lambda_)) out.emplace_back("lambda", lambda_);
    if (unit_ != 1.0) out.emplace_back("box_cox_unit", unit_);
    return out;
}

double LevelForecastModel::mean_log(int year) const {
    const double mean = point_forecast(year);
    return mean > 0.0 ? std::log(mean) : -std::numeric_limits<double>::infinity();
}

double LevelForecastModel::predictive_scale(int year) const {
    const Predictive at = predictive(year, positive_);
    return std::sqrt(at.variance()) / std::fabs(at.mean());
}

double LevelForecastModel::point_forecast(int year) const { return predictive(year, positive_).mean(); }

double LevelForecastModel::forecast_quantile(int year, double p) const { return forecast_quantiles(year, {p}).front(); }

std::vector<double> LevelForecastModel::forecast_quantiles(int year, const std::vector<double>& ps) const {
    for (double p : ps)
        if (!(p > 0.0 && p < 1.0))
            throw InputError("a quantile probability must be in (0, 1); got " + std::to_string(p));
    const Predictive at = predictive(year, positive_);
    std::vector<double> out;
    out.reserve(ps.size());
    for (double p : ps) out.push_back(at.quantile(p));
    return out;
}

double LevelForecastModel::forecast_cdf(int year, double x) const { return predictive(year, positive_).cdf(x); }

LevelForecastModel::LevelForecastModel(const LevelForecastModel& other, bool draw)
    : GrowthModel(other),
      levels_(other.levels_),
      parameter_uncertainty_(draw),
      positive_(other.positive_),
      biasadj_(other.biasadj_),
      lambda_(other.lambda_),
      lambda_chosen_(other.lambda_chosen_),
      unit_(other.unit_),
      posterior_options_(other.posterior_options_),
      kind_(other.kind_),
      ets_(other.ets_),
      arima_(other.arima_),
      theta_(other.theta_),
      theta_family_(other.theta_family_),
      mixture_(other.mixture_) {
    const std::lock_guard<std::mutex> lock(other.forecasts_mutex_);
    forecasts_ = other.forecasts_;  // the same estimates, so the same forecasts
    forecast_years_ = other.forecast_years_;
}

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
    if (skip < 0) throw InputError("paths start after the last observed year (" + std::to_string(last_year()) + ")");
    Eigen::VectorXd levels(skip + out.size());
    static const std::vector<EtsModel> no_ets_draws;
    const auto ets_draws = [&](std::size_t k) -> const std::vector<EtsModel>& {
        return k < draws_.size() ? draws_[k] : no_ets_draws;
    };
    std::size_t component = 0;  // the mixture's class the path is drawn from
    if (!mixture_.empty()) {
        boost::random::uniform_01<double> uniform;
        double u = uniform(rng);
        std::size_t& k = component;
        while (k + 1 < mixture_.size() && u >= mixture_[k].second) u -= mixture_[k++].second;
        simulate_from(ets_draws(k), *mixture_[k].first, rng, levels);
    } else if (ets_) simulate_from(ets_draws(0), *ets_, rng, levels);
    else if (arima_) simulate_from(arima_draws_, *arima_, rng, levels);
    else if (theta_family_) theta_family_->simulate(rng, levels);
    else simulate_from(theta_draws_, *theta_, rng, levels);
    const auto transform = positive_ || !std::isnan(lambda_) ? path_transform(static_cast<int>(levels.size())) : nullptr;
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        double v = levels(skip + k);  // the model's scale, then the coordinate of transform->scale
        if (transform) v = transform->scale.coordinate_of_model(v);
        if (transform && positive_) {
            const auto& map = transform->years[static_cast<std::size_t>(skip + k)][component];
            // Q+(F(v)): below the normal's mean from F(v), above it from its upper tail (F(v) rounds
            // to 1 there, also where the whole normal lies below zero)
            // also a path at or below zero where the fitted normal has next to no mass there (a path
            // that drew its parameters from the posterior can reach it)
            if (map.maps || (map.additive && v <= 0.0)) {
                const double z = (v - map.normal.mean) / map.normal.sd;
                v = z < 0.0 ? map.truncated.quantile(std::max(boost::math::cdf(standard_normal, z), 1e-300))
                            : map.truncated.truncated_upper_quantile(log_upper_tail(z), boost::math::cdf(standard_normal, z));
            }
        }
        if (transform) v = transform->scale.level(v);
        out(k) = v > 0.0 ? std::log(v) : -std::numeric_limits<double>::infinity();
    }
}

}  // namespace tradetarget
