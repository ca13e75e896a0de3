#include "tradetarget/first_passage.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/erf.hpp>

#include "tradetarget/errors.hpp"
#include "math_policy.hpp"

namespace tradetarget {
namespace {

using boost::math::constants::pi;
using boost::math::constants::root_two;

double normal_cdf(double x) { return 0.5 * boost::math::erfc(-x / root_two<double>(), MathPolicy()); }

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
    const double st = sigma * std::sqrt(t);
    const double exponent = 2.0 * mu * distance / (sigma * sigma);
    // No noise left at double precision (sigma = 0, or so small that sigma^2 overflows the
    // exponent): the path is the straight line mu t.
    if (st == 0.0 || exponent == INFINITY) return mu * t >= distance ? 1.0 : 0.0;
    const double direct = normal_cdf((mu * t - distance) / st);
    const double reflected =
        exponent == -INFINITY ? 0.0 : std::exp(exponent + log_normal_cdf((-mu * t - distance) / st));
    return std::min(1.0, direct + reflected);
}

Eigen::VectorXd annual_first_passage_cdf(int horizon, double distance, double mu, double sigma,
                                         double grid_step) {
    check_parameters(horizon, distance, mu, sigma);
    if (horizon < 1 || horizon > max_analytic_horizon)
        throw InputError("the annual first-passage recursion takes a horizon of 1 to " +
                         std::to_string(max_analytic_horizon) + " years; got " + std::to_string(horizon));
    if (!(grid_step >= 0.01 && grid_step <= 0.5))
        throw InputError("grid_step must be in [0.01, 0.5]; got " + std::to_string(grid_step));
    Eigen::VectorXd cdf(horizon);
    if (distance <= 0.0) return cdf.setOnes();
    const double c = distance / sigma, m = mu / sigma, h = grid_step;
    // Volatility below 1e-9 of the distance and of the drift over the horizon: the walk is the
    // straight line mu k to 9 digits (and the lattice below would need more than 1e10 nodes).
    if (sigma == 0.0 || !(c < 1e9) || !(std::fabs(m) * horizon < 1e9)) {
        for (int k = 1; k <= horizon; ++k) cdf(k - 1) = mu * k >= distance ? 1.0 : 0.0;
        return cdf;
    }
    // Lattice x_n = c - n h (n >= 0), so the barrier is a node and the kernel between nodes,
    // phi(x_n' - x_n - m) = phi(h (n - n') - m), depends on n - n' only. At step k the walkers
    // not yet absorbed lie within k m +- 8 sqrt(k) (outside: probability < 1e-15), and those more
    // than (horizon - k) max(m, 0) + 8 sqrt(horizon) below the barrier cannot come back in time:
    // the window covers only what matters, so its size stays O(sqrt(horizon) / h) whatever the
    // drift, the volatility and the distance.
    const double tail = 8.0;
    auto window = [&](int k, long& n_lo, long& n_hi) {
        const double spread = tail * std::sqrt(static_cast<double>(k)) + 1.0;
        const double reach = (horizon - k + 1) * std::max(m, 0.0) + tail * std::sqrt(static_cast<double>(horizon));
        const double top = std::min(c, k * m + spread);
        const double bottom = std::max(c - reach, k * m - spread);
        if (!(bottom < top)) return false;
        n_lo = static_cast<long>(std::floor((c - top) / h));  // |c|, |m| horizon < 1e9: no overflow
        n_hi = static_cast<long>(std::ceil((c - bottom) / h));
        return true;
    };
    auto phi = [](double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * pi<double>()); };

    long lo = 0, hi = 0;
    cdf(0) = normal_cdf(m - c);
    Eigen::VectorXd f;  // survivors' density on the window [lo, hi]
    if (window(1, lo, hi)) {
        f.resize(hi - lo + 1);
        for (long n = lo; n <= hi; ++n) f(n - lo) = phi(c - static_cast<double>(n) * h - m);
    }
    for (int k = 1; k < horizon; ++k) {
        if (f.size() == 0) {  // nothing left that can still cross
            cdf(k) = cdf(k - 1);
            continue;
        }
        // Trapezoid weights on the window, then the probability of crossing at step k + 1.
        Eigen::VectorXd wf = h * f;
        wf(0) *= 0.5;
        wf(wf.size() - 1) *= 0.5;
        double crossing = 0.0;
        for (long n = lo; n <= hi; ++n) crossing += wf(n - lo) * normal_cdf(m - static_cast<double>(n) * h);
        cdf(k) = std::min(1.0, cdf(k - 1) + crossing);
        long next_lo = 0, next_hi = 0;
        if (k + 1 == horizon || !window(k + 1, next_lo, next_hi)) {
            f.resize(0);
            continue;
        }
        // Kernel values for every offset t = n - n' between the two windows.
        const long t_min = lo - next_hi, t_max = hi - next_lo;
        Eigen::VectorXd kernel(t_max - t_min + 1);
        for (long t = t_min; t <= t_max; ++t) kernel(t - t_min) = phi(h * static_cast<double>(t) - m);
        Eigen::VectorXd next(next_hi - next_lo + 1);
        for (long n2 = next_lo; n2 <= next_hi; ++n2)
            next(n2 - next_lo) = wf.dot(kernel.segment(lo - n2 - t_min, wf.size()));
        f.swap(next);
        lo = next_lo;
        hi = next_hi;
    }
    return cdf;
}

Eigen::VectorXd random_walk_first_passage(const RandomWalkDrift& model, double target_log,
                                          int horizon, Monitoring monitoring) {
    if (horizon < 1 || horizon > max_analytic_horizon)
        throw InputError("the closed-form first passage takes a horizon of 1 to " +
                         std::to_string(max_analytic_horizon) + " years; got " + std::to_string(horizon));
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
    const ChiSquared chi2(model.df());
    const Normal standard_normal;
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
