#include "tradetarget/first_passage.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/erf.hpp>

#include "tradetarget/errors.hpp"

namespace tradetarget {
namespace {

using boost::math::constants::pi;
using boost::math::constants::root_two;

double normal_cdf(double x) { return 0.5 * boost::math::erfc(-x / root_two<double>()); }

// log Phi(x), accurate far into the lower tail (needed because exp(2 mu d / sigma^2) can
// overflow on its own while its product with Phi stays below 1). Below x = -30 the asymptotic
// series Phi(x) ~ phi(x) / |x| (1 - 1/x^2 + 3/x^4) (Abramowitz & Stegun 26.2.12) is exact to
// double precision.
double log_normal_cdf(double x) {
    if (x > -30.0) return std::log(normal_cdf(x));
    const double x2 = x * x;
    return -0.5 * x2 - std::log(-x) - 0.5 * std::log(2.0 * pi<double>()) +
           std::log1p(-1.0 / x2 + 3.0 / (x2 * x2));
}

// Gauss–Legendre nodes and weights mapped to (0, 1).
struct UnitRule {
    std::vector<double> nodes, weights;
};
const UnitRule& unit_rule() {
    static const UnitRule rule = [] {
        using gauss = boost::math::quadrature::gauss<double, 16>;
        UnitRule r;
        const auto& x = gauss::abscissa();
        const auto& w = gauss::weights();
        for (std::size_t i = 0; i < x.size(); ++i) {
            // 16 points: no node at 0, so each abscissa gives the pair +-x.
            for (double sign : {-1.0, 1.0}) {
                r.nodes.push_back(0.5 * (1.0 + sign * x[i]));
                r.weights.push_back(0.5 * w[i]);
            }
        }
        return r;
    }();
    return rule;
}

void check_parameters(double t, double distance, double mu, double sigma) {
    if (!std::isfinite(t) || t < 0.0)
        throw InputError("first passage: time must be finite and >= 0; got " + std::to_string(t));
    if (!std::isfinite(distance) || !std::isfinite(mu))
        throw InputError("first passage: distance and drift must be finite");
    if (!std::isfinite(sigma) || sigma < 0.0)
        throw InputError("first passage: sigma must be finite and >= 0; got " +
                         std::to_string(sigma));
}

}  // namespace

double brownian_first_passage_cdf(double t, double distance, double mu, double sigma) {
    check_parameters(t, distance, mu, sigma);
    if (distance <= 0.0) return 1.0;
    if (t == 0.0) return 0.0;
    if (sigma == 0.0) return mu * t >= distance ? 1.0 : 0.0;
    const double st = sigma * std::sqrt(t);
    const double direct = normal_cdf((mu * t - distance) / st);
    const double reflected =
        std::exp(2.0 * mu * distance / (sigma * sigma) + log_normal_cdf((-mu * t - distance) / st));
    return std::min(1.0, direct + reflected);
}

Eigen::VectorXd annual_first_passage_cdf(int horizon, double distance, double mu, double sigma,
                                         double grid_step) {
    check_parameters(horizon, distance, mu, sigma);
    if (horizon < 1) throw InputError("horizon must be at least 1 year");
    if (!(grid_step > 0.0 && grid_step <= 0.5))
        throw InputError("grid_step must be in (0, 0.5]; got " + std::to_string(grid_step));
    Eigen::VectorXd cdf(horizon);
    if (distance <= 0.0) return cdf.setOnes();
    if (sigma == 0.0) {
        for (int k = 1; k <= horizon; ++k) cdf(k - 1) = mu * k >= distance ? 1.0 : 0.0;
        return cdf;
    }
    const double c = distance / sigma, m = mu / sigma;
    // Walks more than horizon * max(m, 0) + 8 sqrt(horizon) below the barrier cannot come back in
    // time (probability < 1e-15): the grid stops there and what falls below it has survived.
    const double reach = horizon * std::max(m, 0.0) + 8.0 * std::sqrt(static_cast<double>(horizon));
    if (c >= reach) return cdf.setZero();
    const double floor = c - reach;
    const auto g = static_cast<Eigen::Index>(std::ceil(reach / grid_step)) + 1;
    const double h = reach / static_cast<double>(g - 1);
    Eigen::VectorXd x(g), weight(g), upper_tail(g), f(g);
    for (Eigen::Index j = 0; j < g; ++j) {
        x(j) = floor + h * static_cast<double>(j);
        weight(j) = (j == 0 || j == g - 1) ? 0.5 * h : h;
        upper_tail(j) = normal_cdf(x(j) + m - c);  // 1 - Phi(c - x - m)
        f(j) = std::exp(-0.5 * (x(j) - m) * (x(j) - m)) / std::sqrt(2.0 * pi<double>());
    }
    // The transition kernel phi(x_i - x_j - m) depends on i - j only: tabulate it once.
    Eigen::VectorXd kernel(2 * g - 1);
    for (Eigen::Index t = -(g - 1); t <= g - 1; ++t) {
        const double z = h * static_cast<double>(t) - m;
        kernel(t + g - 1) = std::exp(-0.5 * z * z) / std::sqrt(2.0 * pi<double>());
    }
    Eigen::MatrixXd transition(g, g);
    for (Eigen::Index j = 0; j < g; ++j)
        transition.col(j) = kernel.segment(g - 1 - j, g) * weight(j);
    cdf(0) = normal_cdf(m - c);
    for (int k = 1; k < horizon; ++k) {
        cdf(k) = std::min(1.0, cdf(k - 1) + (weight.array() * f.array() * upper_tail.array()).sum());
        f = transition * f;
    }
    return cdf;
}

Eigen::VectorXd random_walk_first_passage(const RandomWalkDrift& model, double target_log,
                                          int horizon, Monitoring monitoring) {
    if (horizon < 1) throw InputError("horizon must be at least 1 year");
    if (!std::isfinite(target_log)) throw InputError("the target must be finite and positive");
    const double distance = target_log - model.last_log_level();
    auto cdf = [&](double mu, double sigma) -> Eigen::VectorXd {
        if (monitoring == Monitoring::Annual)
            return annual_first_passage_cdf(horizon, distance, mu, sigma);
        Eigen::VectorXd out(horizon);
        for (int k = 1; k <= horizon; ++k) out(k - 1) = brownian_first_passage_cdf(k, distance, mu, sigma);
        return out;
    };
    if (model.sigma() == 0.0) return cdf(model.drift(), 0.0);
    Eigen::VectorXd out = Eigen::VectorXd::Zero(horizon);
    // E over sigma^2 = df s^2 / q, q ~ chi2_df, and mu | sigma ~ N(mu_hat, sigma^2 / span),
    // both written as integrals over probabilities u, v in (0, 1).
    const UnitRule& rule = unit_rule();
    const boost::math::chi_squared chi2(model.df());
    const boost::math::normal standard_normal;
    for (std::size_t i = 0; i < rule.nodes.size(); ++i) {
        const double sigma =
            model.sigma() * std::sqrt(model.df() / boost::math::quantile(chi2, rule.nodes[i]));
        for (std::size_t j = 0; j < rule.nodes.size(); ++j) {
            const double mu = model.drift() + sigma / std::sqrt(model.span()) *
                                                  boost::math::quantile(standard_normal, rule.nodes[j]);
            const double w = rule.weights[i] * rule.weights[j];
            out += w * cdf(mu, sigma);
        }
    }
    return out.cwiseMin(1.0);
}

}  // namespace tradetarget
