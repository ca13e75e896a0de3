#include "tradetarget/reference_class.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>

#include <Eigen/Eigenvalues>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/math/tools/toms748_solve.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/optimize.hpp"
#include "tradetarget/parallel.hpp"
#include "math_policy.hpp"

namespace tradetarget {
namespace {

constexpr double log_two_pi = 1.8378770664093454836;

// A series' sufficient statistics for the random walk with drift: m increments over `span` years
// with total log change D; ss = sum (d_j - g_j D / span)^2 / g_j, the weighted squared deviation
// from its own drift; log_gaps = sum log g_j.
struct Increments {
    int m = 0;
    double span = 0.0, change = 0.0, ss = 0.0, log_gaps = 0.0;
};

Increments increments_of(const AnnualSeries& s, Eigen::Index from, Eigen::Index to) {
    Increments inc;
    for (Eigen::Index i = from + 1; i <= to; ++i) {
        const double g = s.years[static_cast<std::size_t>(i)] - s.years[static_cast<std::size_t>(i - 1)];
        inc.m += 1;
        inc.span += g;
        inc.change += s.log_level(i) - s.log_level(i - 1);
        inc.log_gaps += std::log(g);
    }
    const double own = inc.m > 0 ? inc.change / inc.span : 0.0;
    for (Eigen::Index i = from + 1; i <= to; ++i) {
        const double g = s.years[static_cast<std::size_t>(i)] - s.years[static_cast<std::size_t>(i - 1)];
        const double e = s.log_level(i) - s.log_level(i - 1) - own * g;
        inc.ss += e * e / g;
    }
    return inc;
}

// log p(increments | sigma^2) with mu ~ N(m0, tau2) integrated out (a normal–normal convolution),
// written around the series' own drift so that nothing cancels:
//   -m/2 log(2 pi s2) - log_gaps/2 - ss/(2 s2) - 1/2 log(1 + G tau2/s2) - (D/G - m0)^2 / (2 (s2/G + tau2))
double log_likelihood_given_variance(const Increments& inc, double s2, double m0, double tau2) {
    double value = -0.5 * inc.m * (log_two_pi + std::log(s2)) - 0.5 * inc.log_gaps - inc.ss / (2.0 * s2);
    if (inc.m > 0) {
        const double own = inc.change / inc.span;
        value += -0.5 * std::log1p(inc.span * tau2 / s2) -
                 (own - m0) * (own - m0) / (2.0 * (s2 / inc.span + tau2));
    }
    return value;
}

// log of the inverse-gamma density of s2 times the Jacobian 2 s2 of s2 = exp(2u): the prior on u = log sigma.
// boost::math::lgamma, not std::lgamma: glibc's writes the global signgam, a data race on the thread pool
// (found by make cpp-tsan).
double log_prior_log_sigma(double u, double a, double b) {
    const double s2 = std::exp(2.0 * u);
    return a * std::log(b) - boost::math::lgamma(a, MathPolicy()) - a * std::log(s2) - b / s2 + std::log(2.0);
}

// A grid on log sigma wide enough for the posterior: centred on the inverse-gamma posterior's mode
// (drift known), +-`width` of its approximate standard deviation 1 / sqrt(2 (a + m/2)).
struct Grid {
    double centre, step;
    int nodes;
    double at(int k) const { return centre + (k - (nodes - 1) / 2) * step; }
};

Grid grid_for(const Increments& inc, double a, double b, int nodes, double width) {
    const double shape = a + 0.5 * inc.m;
    const double mode_s2 = (b + 0.5 * inc.ss) / (shape + 1.0);
    const double sd = 1.0 / std::sqrt(2.0 * shape);
    return {0.5 * std::log(mode_s2), 2.0 * width * sd / (nodes - 1), nodes};
}

// A segment: all its increments, and the same split into a window and the years after it.
struct Segment {
    Increments all, window, after;
};

double log_sum_exp(const double* values, int n) {
    double peak = -std::numeric_limits<double>::infinity();
    for (int k = 0; k < n; ++k) peak = std::max(peak, values[k]);
    if (!std::isfinite(peak)) return peak;
    double sum = 0.0;
    for (int k = 0; k < n; ++k) sum += std::exp(values[k] - peak);
    return peak + std::log(sum);
}

// The n-point Gauss-Hermite rule for E f(Z), Z ~ N(0, 1): nodes are the eigenvalues of the Jacobi
// matrix of the probabilists' Hermite polynomials (off-diagonal sqrt(k)), weights the squared first
// components of its eigenvectors (Golub & Welsch 1969, Math. Comp. 23).
void standard_normal_rule(int n, std::vector<double>& nodes, std::vector<double>& weights) {
    Eigen::MatrixXd jacobi = Eigen::MatrixXd::Zero(n, n);
    for (int k = 1; k < n; ++k) jacobi(k, k - 1) = jacobi(k - 1, k) = std::sqrt(static_cast<double>(k));
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(jacobi);
    nodes.assign(solver.eigenvalues().data(), solver.eigenvalues().data() + n);
    weights.resize(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) weights[static_cast<std::size_t>(k)] = solver.eigenvectors()(0, k) * solver.eigenvectors()(0, k);
}

// Nodes of the volatility's step: 9 resolve a normal mixture over sigma to ~1e-6 in the log score.
constexpr int volatility_step_nodes = 9;

// The log volatility after the last year: an AR(1) step from the window's towards the prior's mean.
double stepped_log_sigma(double log_sigma, double rho, double mean, double sd, double eps) {
    if (rho >= 1.0 && sd == 0.0) return log_sigma;
    return mean + rho * (log_sigma - mean) + sd * eps;
}

// log p(segment | hyperparameters), sigma integrated by the trapezoid rule over log sigma (the
// integrand vanishes at both ends of the grid, where the trapezoid and the rectangle rule agree):
// the mixture (1 - reset) p(all, one drift) + reset p(window, one drift) p(after, another drift).
double log_marginal(const Segment& seg, double m0, double tau2, double a, double b, double reset) {
    constexpr int nodes = 41;
    const Grid grid = grid_for(seg.all, a, b, nodes, 8.0);
    double same[nodes], split[nodes];
    for (int k = 0; k < grid.nodes; ++k) {
        const double u = grid.at(k), s2 = std::exp(2.0 * u), prior = log_prior_log_sigma(u, a, b);
        same[k] = log_likelihood_given_variance(seg.all, s2, m0, tau2) + prior;
        split[k] = reset > 0.0 ? log_likelihood_given_variance(seg.window, s2, m0, tau2) +
                                     log_likelihood_given_variance(seg.after, s2, m0, tau2) + prior
                               : -std::numeric_limits<double>::infinity();
    }
    const double log_step = std::log(grid.step);
    const double one = log_sum_exp(same, nodes) + log_step;
    if (!(reset > 0.0)) return one;
    const double two = log_sum_exp(split, nodes) + log_step;
    const double terms[2] = {std::log1p(-reset) + one, std::log(reset) + two};
    return log_sum_exp(terms, 2);
}

// log p(after | window, hyperparameters), the score the predictive stage maximises. sigma of the
// window (u) on the window's grid; given u, mu | window is normal and the years after integrate it
// in closed form, with probability `reset` a fresh drift instead; the future log sigma v is the
// step from u. The integral over v: Gauss-Hermite in the step's innovation where it is narrow
// against the years after's own likelihood of v (smooth in the innovation), else the trapezoid
// rule on a grid of v over that likelihood (each rule where the other would be coarse).
struct VolatilityStep {
    double rho, mean, sd;  // sd: the innovation's
    const std::vector<double>* nodes;
    const std::vector<double>* log_weights;  // of the Gauss-Hermite rule, logged once
};

// Mean and sd of log sigma when sigma^2 ~ InvGamma(a, b): (log b - digamma(a)) / 2, sqrt(trigamma(a)) / 2.
double log_sigma_mean_of(double a, double b) { return 0.5 * (std::log(b) - boost::math::digamma(a, MathPolicy())); }
double log_sigma_sd_of(double a) { return 0.5 * std::sqrt(boost::math::trigamma(a, MathPolicy())); }

double log_predictive_after(const Segment& seg, double m0, double tau2, double a, double b, double reset,
                            const VolatilityStep& step) {
    // The window's grid: +-8 sd of the window's posterior in steps of 0.4 sd, fine enough for the
    // numerator too, which the years after make narrower where the volatility persists (rho near 1,
    // innovation near 0: ~1e-7 per segment; 21 nodes gave errors of 1e-4). The future grid: +-6 sd
    // of the after-years' likelihood in steps of 0.5 sd, used only where the innovation is wider.
    constexpr int window_nodes = 41, future_nodes = 25;
    const Grid grid = grid_for(seg.window, a, b, window_nodes, 8.0);
    const Grid future = grid_for(seg.after, a, b, future_nodes, 6.0);
    const Increments& after = seg.after;
    const double own_after = after.m > 0 ? after.change / after.span : 0.0;
    // the years after's likelihood at future log sigma v: a part free of mu's law, and mu ~ N(mean, var)
    const auto base = [&](double v, double s2) {
        return -0.5 * after.m * (log_two_pi + 2.0 * v) - 0.5 * after.log_gaps - after.ss / (2.0 * s2);
    };
    const auto drift_part = [&](double s2, double mean, double var) {
        return after.m > 0 ? -0.5 * std::log1p(after.span * var / s2) -
                                 (own_after - mean) * (own_after - mean) / (2.0 * (s2 / after.span + var))
                           : 0.0;
    };
    const double log_keep = std::log1p(-reset);
    const double log_reset = reset > 0.0 ? std::log(reset) : -std::numeric_limits<double>::infinity();
    const auto mix = [&](double own, double fresh) {  // log((1 - reset) e^own + reset e^fresh)
        if (!(reset > 0.0)) return own;
        const double terms[2] = {log_keep + own, log_reset + fresh};  // reset > 0 here
        return log_sum_exp(terms, 2);
    };
    // the sd of the years after's likelihood in log sigma (as in grid_for); the trapezoid's step is half of it
    const double likelihood_sd = 1.0 / std::sqrt(2.0 * (a + 0.5 * after.m));
    const bool gauss_hermite = step.sd == 0.0 || step.sd <= 0.5 * likelihood_sd;
    // on the v grid, what does not depend on u: the likelihood with a fresh drift
    double future_s2[future_nodes], future_base[future_nodes], future_fresh[future_nodes];
    if (!gauss_hermite)
        for (int j = 0; j < future_nodes; ++j) {
            const double v = future.at(j);
            future_s2[j] = std::exp(2.0 * v);
            future_base[j] = base(v, future_s2[j]);
            future_fresh[j] = log_reset + future_base[j] + drift_part(future_s2[j], m0, tau2);
        }
    double joint[window_nodes], window[window_nodes], inner[volatility_step_nodes];
    for (int k = 0; k < window_nodes; ++k) {
        const double u = grid.at(k);
        window[k] = log_likelihood_given_variance(seg.window, std::exp(2.0 * u), m0, tau2) + log_prior_log_sigma(u, a, b);
    }
    const double window_peak = *std::max_element(window, window + window_nodes);
    const double log_cell = -0.5 * log_two_pi - std::log(step.sd / future.step);  // the transition's constant times the step
    for (int k = 0; k < window_nodes; ++k) {
        joint[k] = -std::numeric_limits<double>::infinity();
        if (window[k] < window_peak - 40.0) continue;  // below e^-40 of the peak: nothing to add
        const double u = grid.at(k), s2 = std::exp(2.0 * u);
        const double precision = seg.window.span / s2 + 1.0 / tau2;
        const double own_mean = (seg.window.change / s2 + m0 / tau2) / precision, own_var = 1.0 / precision;
        const double centre = stepped_log_sigma(u, step.rho, step.mean, 0.0, 0.0);
        double log_inner = 0.0;
        if (gauss_hermite) {
            const int n = step.sd == 0.0 ? 1 : static_cast<int>(step.nodes->size());
            for (int j = 0; j < n; ++j) {
                const double eps = step.sd == 0.0 ? 0.0 : (*step.nodes)[static_cast<std::size_t>(j)];
                const double log_w = step.sd == 0.0 ? 0.0 : (*step.log_weights)[static_cast<std::size_t>(j)];
                const double v = centre + step.sd * eps, fs2 = std::exp(2.0 * v), at = base(v, fs2);
                inner[j] = log_w + mix(at + drift_part(fs2, own_mean, own_var), at + drift_part(fs2, m0, tau2));
            }
            log_inner = log_sum_exp(inner, n);
        } else {  // trapezoid: the transition density times the grid step, summed below the largest term
            double own[future_nodes], fresh[future_nodes], top = -std::numeric_limits<double>::infinity();
            for (int j = 0; j < future_nodes; ++j) {
                const double z = (future.at(j) - centre) / step.sd;
                own[j] = log_keep - 0.5 * z * z + future_base[j] + drift_part(future_s2[j], own_mean, own_var);
                fresh[j] = reset > 0.0 ? future_fresh[j] - 0.5 * z * z : -std::numeric_limits<double>::infinity();
                top = std::max({top, own[j], fresh[j]});
            }
            double sum = 0.0;
            for (int j = 0; j < future_nodes; ++j) sum += std::exp(own[j] - top) + std::exp(fresh[j] - top);
            log_inner = top + std::log(sum) + log_cell;
        }
        joint[k] = window[k] + log_inner;
    }
    return log_sum_exp(joint, window_nodes) - log_sum_exp(window, window_nodes);
}

void check_hyperparameter(const char* name, double value, bool positive) {
    if (!std::isfinite(value) || (positive && !(value > 0.0)))
        throw InputError(std::string("reference class: ") + name + " is " + std::to_string(value) +
                         (positive ? "; it must be finite and positive" : "; it must be finite"));
}

}  // namespace

void ReferenceClass::validate() const {
    check_hyperparameter("drift_mean", drift_mean, false);
    check_hyperparameter("drift_sd", drift_sd, true);
    check_hyperparameter("variance_shape", variance_shape, true);
    check_hyperparameter("variance_scale", variance_scale, true);
    if (!(drift_reset >= 0.0 && drift_reset <= 1.0))
        throw InputError("reference class: drift_reset is " + std::to_string(drift_reset) + "; it must be in [0, 1]");
    if (!(volatility_persistence >= 0.0 && volatility_persistence <= 1.0))
        throw InputError("reference class: volatility_persistence is " + std::to_string(volatility_persistence) +
                         "; it must be in [0, 1]");
    if (!(volatility_innovation >= 0.0 && std::isfinite(volatility_innovation)))
        throw InputError("reference class: volatility_innovation is " + std::to_string(volatility_innovation) +
                         "; it must be finite and >= 0");
}

double ReferenceClass::log_sigma_mean() const {
    validate();
    return log_sigma_mean_of(variance_shape, variance_scale);
}

double ReferenceClass::log_sigma_sd() const {
    validate();
    return log_sigma_sd_of(variance_shape);
}

double ReferenceClass::median_sigma() const {
    validate();
    return std::sqrt(boost::math::median(InverseGamma(variance_shape, variance_scale)));
}

// ---------------------------------------------------------------- learning

namespace {

std::vector<Segment> segments_of(const std::vector<AnnualSeries>& panel, const ReferenceLearnOptions& options,
                                    int& n_series, int& first_year, int& last_year) {
    if (options.segment_years < 2)
        throw InputError("segment_years must be at least 2; got " + std::to_string(options.segment_years));
    if (options.first_year > options.last_year)
        throw InputError("the reference period " + std::to_string(options.first_year) + " to " +
                         std::to_string(options.last_year) + " is empty");
    if (options.window_years != 0 && (options.window_years < 2 || options.window_years >= options.segment_years))
        throw InputError("window_years must be 0 or between 2 and segment_years - 1; got " +
                         std::to_string(options.window_years));
    std::vector<Segment> out;
    n_series = 0;
    first_year = latest_year;
    last_year = earliest_year;
    const int length = options.segment_years;
    for (const auto& s : panel) {
        bool used = false;
        // runs of consecutive years inside the period; every window of `length` years in a run
        Eigen::Index start = 0;
        for (Eigen::Index i = 0; i < s.size(); ++i) {
            const int year = s.years[static_cast<std::size_t>(i)];
            const bool inside = year >= options.first_year && year <= options.last_year;
            const bool continues = i > 0 && s.years[static_cast<std::size_t>(i - 1)] == year - 1 &&
                                   s.years[static_cast<std::size_t>(i - 1)] >= options.first_year;
            if (!inside) { start = i + 1; continue; }
            if (!continues) start = i;
            if (i - start + 1 >= length) {
                const Eigen::Index first = i - length + 1;
                const Eigen::Index split = first + std::max(options.window_years, 1) - 1;
                out.push_back({increments_of(s, first, i), increments_of(s, first, split), increments_of(s, split, i)});
                first_year = std::min(first_year, s.years[static_cast<std::size_t>(i - length + 1)]);
                last_year = std::max(last_year, year);
                used = true;
            }
        }
        n_series += used ? 1 : 0;
    }
    return out;
}

}  // namespace

SegmentCount count_segments(const std::vector<AnnualSeries>& panel, const ReferenceLearnOptions& options) {
    int n_series = 0, first = 0, last = 0;
    const auto segments = segments_of(panel, options, n_series, first, last);
    return {n_series, static_cast<int>(segments.size())};
}

ReferenceClass learn_reference_class(const std::vector<AnnualSeries>& panel, const ReferenceLearnOptions& options) {
    int n_series = 0, first = 0, last = 0;
    const auto segments = segments_of(panel, options, n_series, first, last);
    if (n_series < options.min_series || static_cast<int>(segments.size()) < options.min_segments)
        throw InputError("the panel is too small to learn a reference class from: " + std::to_string(n_series) +
                         " series and " + std::to_string(segments.size()) + " segments of " +
                         std::to_string(options.segment_years) + " consecutive years" +
                         " (at least " + std::to_string(options.min_series) + " series and " +
                         std::to_string(options.min_segments) + " segments are needed)");

    // Start from moments: the segments' own drifts and variances.
    double drift_sum = 0.0, drift_sq = 0.0, var_sum = 0.0;
    for (const auto& seg : segments) {
        const Increments& inc = seg.all;
        const double own = inc.change / inc.span;
        const double v = std::max(inc.ss / std::max(inc.m - 1, 1), 1e-8);
        drift_sum += own;
        drift_sq += own * own;
        var_sum += v;
    }
    const double n = static_cast<double>(segments.size());
    const double m0 = drift_sum / n;
    const double drift_var = std::max(drift_sq / n - m0 * m0, 1e-8);
    const double mean_var = var_sum / n;
    // an inverse gamma with shape 2 (a broad start) and the segments' mean variance as its mean
    const double a0 = 2.0, b0 = mean_var * (a0 - 1.0);

    // The reset probability (and the volatility's persistence) in logistic coordinates, kept within
    // (1e-5, 1 - 1e-5): on world trade the reset's optimum is at the edge (growth rates barely
    // persist), where the coordinate would run off.
    const bool learn_reset = options.window_years > 0;
    const auto logistic = [](double x) { return 1.0 / (1.0 + std::exp(-std::clamp(x, -11.5, 11.5))); };
    // sum over segments of term(segment), the terms computed in blocks on the thread pool and added
    // in segment order (the same digits on any number of threads)
    std::vector<double> terms(segments.size());
    const auto sum_over_segments = [&](const auto& term) {
        constexpr std::size_t block = 64;
        parallel_for((segments.size() + block - 1) / block, options.threads, [&](std::size_t b) {
            for (std::size_t i = b * block; i < std::min(segments.size(), (b + 1) * block); ++i) terms[i] = term(segments[i]);
        });
        return std::accumulate(terms.begin(), terms.end(), 0.0);
    };
    // The negative log likelihood of the segments at hyperparameters x = (m0, log tau, log a, log b, logit reset).
    const auto negative_likelihood = [&](const Eigen::VectorXd& x) {
        // A shape above 1e4 pins every series' volatility to one value to within 1%: beyond it the
        // inverse-gamma terms cancel catastrophically (a log b - lgamma(a) with a ~ 1e7 and more),
        // and the optimiser would chase rounding error. Outside the box counts as infeasible.
        if (x(2) > std::log(1e4) || x(2) < std::log(1e-2) || x(1) > std::log(2.0)) return std::numeric_limits<double>::infinity();
        const double tau2 = std::exp(2.0 * x(1)), a = std::exp(x(2)), b = std::exp(x(3));
        const double reset = learn_reset ? logistic(x(4)) : 0.0;
        // + log(drift_sd): the boundary-avoiding gamma(2, 0) penalty of Chung, Rabe-Hesketh, Dorie,
        // Gelman & Liu (2013, Psychometrika 78), so that a small panel's drift spread is not estimated
        // as exactly zero (every series then gets one drift); negligible on large panels.
        return -(x(1) + sum_over_segments([&](const Segment& seg) { return log_marginal(seg, x(0), tau2, a, b, reset); }));
    };
    NelderMeadOptions nm;
    nm.max_evaluations = 4000;
    nm.relative_tolerance = 1e-10;
    const auto minimise = [&nm](const auto& f, const Eigen::VectorXd& start) {
        NelderMeadResult best = nelder_mead(f, start, nm);
        for (int restart = 0; restart < 3; ++restart) {  // restart from the optimum until it stops moving
            const NelderMeadResult again = nelder_mead(f, best.x, nm);
            const bool moved = again.value < best.value - 1e-9 * std::abs(best.value);
            if (again.value < best.value) best = again;
            if (!moved) break;
        }
        return best;
    };
    Eigen::VectorXd x(learn_reset ? 5 : 4);
    x.head(4) << m0, 0.5 * std::log(drift_var), std::log(a0), std::log(b0);
    if (learn_reset) x(4) = -1.0;
    NelderMeadResult best = minimise(negative_likelihood, x);
    double persistence = 1.0, innovation = 0.0;
    if (options.predictive && learn_reset) {
        // Second stage: the volatility prior (a, b) stays as the segments' likelihood learnt it; the
        // drift's mean, spread and persistence and the volatility's persistence maximise the
        // predictive score, y = (m0, log tau, logit reset, logit rho, log eta). Alone the predictive score
        // drives a to its bound (a window of five points then sets its own volatility), which
        // leaves a one-point series an improper-looking prior.
        const double a = std::exp(best.x(2)), b = std::exp(best.x(3));
        std::vector<double> step_nodes, step_log_weights;
        standard_normal_rule(volatility_step_nodes, step_nodes, step_log_weights);
        for (double& w : step_log_weights) w = std::log(w);
        const double centre = log_sigma_mean_of(a, b);
        const auto negative_score = [&](const Eigen::VectorXd& y) {
            if (y(1) > std::log(2.0) || y(4) > std::log(5.0)) return std::numeric_limits<double>::infinity();
            const double tau2 = std::exp(2.0 * y(1)), reset = logistic(y(2));
            const VolatilityStep step{logistic(y(3)), centre, std::exp(y(4)), &step_nodes, &step_log_weights};
            // + log(drift_sd): the same boundary-avoiding penalty
            return -(y(1) + sum_over_segments([&](const Segment& seg) {
                         return log_predictive_after(seg, y(0), tau2, a, b, reset, step);
                     }));
        };
        Eigen::VectorXd start(5);
        start << best.x(0), best.x(1), best.x(4), 1.5, std::log(0.5 * log_sigma_sd_of(a));
        const NelderMeadResult drift = minimise(negative_score, start);  // (tolerance as stage 1)
        best.x << drift.x(0), drift.x(1), best.x(2), best.x(3), drift.x(2);
        best.value = drift.value;
        persistence = logistic(drift.x(3));
        innovation = std::exp(drift.x(4));
    }

    ReferenceClass rc;
    rc.drift_mean = best.x(0);
    rc.drift_sd = std::exp(best.x(1));
    rc.variance_shape = std::exp(best.x(2));
    rc.variance_scale = std::exp(best.x(3));
    rc.drift_reset = learn_reset ? logistic(best.x(4)) : 0.0;
    rc.volatility_persistence = persistence;
    rc.volatility_innovation = innovation;
    rc.window_years = options.window_years;
    rc.segment_years = options.segment_years;
    rc.n_series = n_series;
    rc.n_segments = static_cast<int>(segments.size());
    rc.first_year = first;
    rc.last_year = last;
    rc.predictive = options.predictive && learn_reset;
    rc.log_likelihood = -best.value;
    rc.validate();
    return rc;
}

// ---------------------------------------------------------------- one series' posterior

DriftPosterior::DriftPosterior(const ReferenceClass& reference, const AnnualSeries& series) : reference_(reference) {
    reference_.validate();
    vol_mean_ = reference_.log_sigma_mean();
    if (reference_.volatility_innovation > 0.0) {
        standard_normal_rule(volatility_step_nodes, step_nodes_, step_weights_);
    } else {
        step_nodes_ = {0.0};
        step_weights_ = {1.0};
    }
    if (series.size() < 1) throw InputError("the series is empty");
    const Increments inc = increments_of(series, 0, series.size() - 1);
    span_ = inc.span;
    total_change_ = inc.change;
    ss_ = inc.ss;
    const double a = reference_.variance_shape, b = reference_.variance_scale;
    const double tau2 = reference_.drift_sd * reference_.drift_sd;
    // 121 nodes over +-10 sd (a step of 1/6 sd): the trapezoid rule is exact to far below 1e-10 on
    // this smooth posterior, and each node costs 9 normals (the volatility's step) in change_cdf
    const Grid grid = grid_for(inc, a, b, 121, 10.0);
    step_ = grid.step;
    nodes_.resize(static_cast<std::size_t>(grid.nodes));
    std::vector<double> logw(nodes_.size());
    double peak = -std::numeric_limits<double>::infinity();
    for (int k = 0; k < grid.nodes; ++k) {
        const double u = grid.at(k);
        logw[static_cast<std::size_t>(k)] = log_likelihood_given_variance(inc, std::exp(2.0 * u), reference_.drift_mean, tau2) +
                                            log_prior_log_sigma(u, a, b);
        peak = std::max(peak, logw[static_cast<std::size_t>(k)]);
    }
    double total = 0.0;
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
        nodes_[k] = node_at(grid.at(static_cast<int>(k)));
        nodes_[k].weight = std::exp(logw[k] - peak);
        total += nodes_[k].weight;
    }
    log_marginal_ = peak + std::log(total * step_);
    cumulative_.resize(nodes_.size());
    double running = 0.0, mean = 0.0, second = 0.0, weight_on_series = 0.0;
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
        nodes_[k].weight /= total;
        running += nodes_[k].weight;
        cumulative_[k] = running;
        mean += nodes_[k].weight * nodes_[k].drift_mean;
        second += nodes_[k].weight * (nodes_[k].drift_var + nodes_[k].drift_mean * nodes_[k].drift_mean);
        // the series' own drift's weight in the posterior mean given sigma: G tau^2 / (G tau^2 + sigma^2)
        weight_on_series += nodes_[k].weight * span_ * tau2 / (span_ * tau2 + std::exp(2.0 * nodes_[k].log_sigma));
    }
    // after the last year: the series' drift with probability 1 - reset, a fresh one otherwise
    fitted_drift_ = mean;
    const double reset = reference_.drift_reset, m0 = reference_.drift_mean;
    mean = (1.0 - reset) * mean + reset * m0;
    second = (1.0 - reset) * second + reset * (tau2 + m0 * m0);
    mean_drift_ = mean;
    sd_drift_ = std::sqrt(std::max(second - mean * mean, 0.0));
    own_weight_ = (1.0 - reset) * weight_on_series;
}

DriftPosterior::Node DriftPosterior::node_at(double log_sigma) const {
    // mu | sigma, data: precision G/s2 + 1/tau2, mean (D/s2 + m0/tau2) / precision
    const double s2 = std::exp(2.0 * log_sigma);
    const double tau2 = reference_.drift_sd * reference_.drift_sd;
    const double precision = span_ / s2 + 1.0 / tau2;
    return {log_sigma, 0.0, (total_change_ / s2 + reference_.drift_mean / tau2) / precision, 1.0 / precision};
}

double DriftPosterior::future_log_sigma(double log_sigma, double step) const {
    return stepped_log_sigma(log_sigma, reference_.volatility_persistence, vol_mean_, reference_.volatility_innovation, step);
}

double DriftPosterior::median_future_sigma() const {
    const double spread = reference_.volatility_innovation;
    if (spread == 0.0) return std::exp(future_log_sigma(std::log(median_sigma()), 0.0));
    // bisection on P(log sigma' <= x), a mixture of normals over the grid
    const auto cdf = [&](double x) {
        double p = 0.0;
        for (const auto& node : nodes_)
            p += node.weight * 0.5 * std::erfc(-(x - future_log_sigma(node.log_sigma, 0.0)) / (std::sqrt(2.0) * spread));
        return p;
    };
    // bracketed by the mixture's centres (not the window's grid: rho pulls them towards the mean)
    const double low_centre = future_log_sigma(nodes_.front().log_sigma, 0.0);
    const double high_centre = future_log_sigma(nodes_.back().log_sigma, 0.0);
    double lo = std::min(low_centre, high_centre) - 10.0 * spread, hi = std::max(low_centre, high_centre) + 10.0 * spread;
    for (int it = 0; it < 100 && hi - lo > 1e-12; ++it) {
        const double mid = 0.5 * (lo + hi);
        (cdf(mid) < 0.5 ? lo : hi) = mid;
    }
    return std::exp(0.5 * (lo + hi));
}

double DriftPosterior::median_sigma() const {
    const auto k = static_cast<std::size_t>(std::lower_bound(cumulative_.begin(), cumulative_.end(), 0.5) - cumulative_.begin());
    return std::exp(nodes_[std::min(k, nodes_.size() - 1)].log_sigma);
}

void DriftPosterior::draw(Rng& rng, double& mu, double& sigma) const {
    boost::random::uniform_01<double> uniform;
    boost::random::normal_distribution<double> normal;
    const double u = uniform(rng);
    auto k = static_cast<std::size_t>(std::lower_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin());
    k = std::min(k, nodes_.size() - 1);
    // spread the draw uniformly over the node's cell, so log sigma has a continuous distribution
    const Node node = node_at(nodes_[k].log_sigma + (uniform(rng) - 0.5) * step_);
    // the volatility's step (no draw when it persists, so such streams stay as they were)
    sigma = std::exp(reference_.volatility_innovation == 0.0 ? future_log_sigma(node.log_sigma, 0.0)
                                                             : future_log_sigma(node.log_sigma, normal(rng)));
    mu = uniform(rng) < reference_.drift_reset ? reference_.drift_mean + reference_.drift_sd * normal(rng)
                                               : node.drift_mean + std::sqrt(node.drift_var) * normal(rng);
}

double DriftPosterior::change_cdf(int h, double x) const {
    const double reset = reference_.drift_reset, tau2 = reference_.drift_sd * reference_.drift_sd;
    const auto normal_cdf = [x, h](double mean, double var) {
        return 0.5 * std::erfc(-(x - h * mean) / std::sqrt(2.0 * var));
    };
    double p = 0.0;
    for (const auto& node : nodes_) {
        if (node.weight < 1e-15) continue;  // beyond the cdf's resolution
        for (std::size_t j = 0; j < step_nodes_.size(); ++j) {
            const double s2 = std::exp(2.0 * future_log_sigma(node.log_sigma, step_nodes_[j]));
            const double own = normal_cdf(node.drift_mean, h * s2 + double(h) * h * node.drift_var);
            const double fresh = reset > 0.0 ? normal_cdf(reference_.drift_mean, h * s2 + double(h) * h * tau2) : 0.0;
            p += node.weight * step_weights_[j] * ((1.0 - reset) * own + reset * fresh);
        }
    }
    return p;
}

// ---------------------------------------------------------------- the model

ReferenceRandomWalk::ReferenceRandomWalk(const AnnualSeries& series, const ReferenceClass& reference)
    : GrowthModel(series.last_year(), series.log_level(series.size() - 1)),
      reference_(reference),
      posterior_(reference, series) {
    const int span = series.years.back() - series.years.front();
    own_drift_ = span > 0 ? (series.log_level(series.size() - 1) - series.log_level(0)) / span : 0.0;
    // residuals about the posterior mean drift of the observed years; the likelihood is the
    // marginal one given the class (nothing estimated from this series)
    for (Eigen::Index i = 1; i < series.log_level.size(); ++i) {
        const auto k = static_cast<std::size_t>(i);
        const double gap = series.years[k] - series.years[k - 1];
        diagnostics_.years.push_back(series.years[k]);
        diagnostics_.residuals.push_back(series.log_level(i) - series.log_level(i - 1) - posterior_.fitted_drift() * gap);
    }
    diagnostics_.log_likelihood = posterior_.log_marginal();
    diagnostics_.n_parameters = 0;
    diagnostics_.n_observations = series.size() - 1;
}

std::string ReferenceRandomWalk::method() const { return "random walk with drift, reference-class prior"; }

std::vector<std::pair<std::string, double>> ReferenceRandomWalk::params() const {
    return {{"drift", posterior_.mean_drift()},
            {"drift_sd", posterior_.sd_drift()},
            {"sigma", posterior_.median_sigma()},
            {"future_sigma", posterior_.median_future_sigma()},
            {"own_drift", own_drift_},
            {"own_weight", own_weight()},
            {"reference_drift", reference_.drift_mean}};
}

double ReferenceRandomWalk::own_weight() const { return posterior_.own_weight(); }

double ReferenceRandomWalk::quantile_log(int year, double p) const {
    if (!(p > 0.0 && p < 1.0))
        throw InputError("a quantile probability must be in (0, 1); got " + std::to_string(p));
    const int h = year - last_year();
    if (h < 1) throw InputError("a forecast year must follow the last observed year " + std::to_string(last_year()));
    // the root of the mixture's cdf - p, bracketed by +-50 (log units: far beyond any data), by
    // TOMS 748 (Alefeld, Potra & Shi 1995): about ten evaluations of the cdf where bisection takes 47
    std::uintmax_t max_iterations = 200;
    const auto [lo, hi] = boost::math::tools::toms748_solve(
        [&](double x) { return posterior_.change_cdf(h, x) - p; }, -50.0, 50.0, -p, 1.0 - p,
        [](double a, double b) { return std::abs(b - a) < 1e-12; }, max_iterations);
    return last_log_level() + 0.5 * (lo + hi);
}

double ReferenceRandomWalk::forecast_cdf(int year, double x) const {
    const int h = year - last_year();
    if (h < 1) throw InputError("a forecast year must follow the last observed year " + std::to_string(last_year()));
    return x > 0.0 ? posterior_.change_cdf(h, std::log(x) - last_log_level()) : 0.0;
}

double ReferenceRandomWalk::mean_log(int year) const { return quantile_log(year, 0.5); }

double ReferenceRandomWalk::predictive_scale(int year) const {
    return 0.5 * (quantile_log(year, 0.8413447460685429) - quantile_log(year, 0.15865525393145707));
}

void ReferenceRandomWalk::simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal;
    double mu = 0.0, sigma = 0.0;
    posterior_.draw(rng, mu, sigma);
    double x = last_log_level();
    for (int year = last_year() + 1; year < first_year; ++year) x += mu + sigma * normal(rng);
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        x += mu + sigma * normal(rng);
        out(k) = x;
    }
}

}  // namespace tradetarget
