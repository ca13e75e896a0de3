#include "tradetarget/theta.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include <Eigen/QR>
#include <boost/math/tools/minima.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/student_t_distribution.hpp>

#include "tradetarget/errors.hpp"

namespace tradetarget {

ThetaModel ThetaModel::fit(const std::vector<double>& y) {
    ThetaModel m;
    m.ses_ = EtsModel::fit(y, EtsSpec{EtsError::Additive, EtsTrend::None}, EtsCriterion::Mse);
    m.n_ = static_cast<int>(y.size());
    m.alpha_ = std::max(1e-10, m.ses_.alpha());
    // Least-squares slope of y on t = 0..n-1.
    double tm = 0.0, ym = 0.0;
    for (int t = 0; t < m.n_; ++t) {
        tm += t;
        ym += y[static_cast<std::size_t>(t)];
    }
    tm /= m.n_;
    ym /= m.n_;
    double sxy = 0.0, sxx = 0.0;
    for (int t = 0; t < m.n_; ++t) {
        sxy += (t - tm) * (y[static_cast<std::size_t>(t)] - ym);
        sxx += (t - tm) * (t - tm);
    }
    m.drift_ = sxy / sxx / 2.0;
    double rss = 0.0;
    for (int t = 0; t < m.n_; ++t) {
        const double e = y[static_cast<std::size_t>(t)] - ym - (t - tm) * sxy / sxx;
        rss += e * e;
    }
    m.drift_se_ = m.n_ > 2 ? std::sqrt(rss / (m.n_ - 2) / sxx) / 2.0 : 0.0;
    return m;
}

std::pair<std::vector<ThetaModel>, double> ThetaModel::posterior_draws(const std::vector<double>& y,
                                                                       const ImportanceOptions& options) const {
    auto [ses, ess] = ses_.posterior_draws(y, options);
    Rng rng = make_rng(options.seed, 2);
    boost::random::student_t_distribution<double> t(n_ - 2);
    std::vector<ThetaModel> draws;
    draws.reserve(ses.size());
    for (EtsModel& s : ses) {
        ThetaModel m = *this;
        m.alpha_ = std::max(1e-10, s.alpha());
        m.ses_ = std::move(s);
        m.drift_ = drift_ + drift_se_ * t(rng);
        draws.push_back(std::move(m));
    }
    return {std::move(draws), ess};
}

Eigen::VectorXd ThetaModel::mean(int h) const {
    Eigen::VectorXd out = ses_.mean(h);
    const double start = (1.0 - std::pow(1.0 - alpha_, n_)) / alpha_;
    for (int k = 0; k < h; ++k) out(k) += drift_ * (k + start);
    return out;
}

void ThetaModel::simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal(0.0, std::sqrt(sigma2()));
    double level = mean(1)(0);  // SES level plus the drift correction of thetaf
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        const double e = normal(rng);
        out(k) = level + e;
        level += drift_ + alpha_ * e;
    }
}

Eigen::VectorXd ThetaModel::variance(int h) const {
    if (h < 1) throw InputError("the forecast horizon must be at least 1");
    Eigen::VectorXd out(h);
    for (int k = 0; k < h; ++k) out(k) = sigma2() * (1.0 + k * alpha_ * alpha_);
    return out;
}

}  // namespace tradetarget

// ---- The Theta family (Fiorucci et al. 2016) ----

namespace tradetarget {

std::string to_string(ThetaVariant variant) {
    switch (variant) {
        case ThetaVariant::Standard: return "STM";
        case ThetaVariant::Optimized: return "OTM";
        case ThetaVariant::DynamicStandard: return "DSTM";
        case ThetaVariant::DynamicOptimized: return "DOTM";
    }
    return "?";
}

namespace {

constexpr int burn_in = 3;  // the errors of y_0..y_2 are not in the criterion (statsforecast's)

bool is_dynamic(ThetaVariant v) { return v == ThetaVariant::DynamicStandard || v == ThetaVariant::DynamicOptimized; }
bool is_optimized(ThetaVariant v) { return v == ThetaVariant::Optimized || v == ThetaVariant::DynamicOptimized; }
int fewest_observations(ThetaVariant v) { return is_optimized(v) ? 6 : 5; }

// The least-squares line through (1, y_0), ..., (n, y_{n-1}): intercept A and slope B.
std::pair<double, double> least_squares_line(const std::vector<double>& y) {
    const double n = static_cast<double>(y.size());
    double mean = 0.0, weighted = 0.0;
    for (std::size_t t = 0; t < y.size(); ++t) {
        mean += y[t];
        weighted += static_cast<double>(t + 1) * y[t];
    }
    mean /= n;
    weighted /= n;
    const double b = 6.0 * (2.0 * weighted - (n + 1.0) * mean) / (n * n - 1.0);
    return {mean - (n + 1.0) * b / 2.0, b};
}

void require_fittable(const std::vector<double>& y, ThetaVariant variant) {
    const int fewest = fewest_observations(variant);
    if (static_cast<int>(y.size()) < fewest)
        throw InputError("the " + to_string(variant) + " Theta model needs at least " + std::to_string(fewest) +
                         " observations; got " + std::to_string(y.size()));
    for (std::size_t t = 0; t < y.size(); ++t)
        if (!std::isfinite(y[t])) throw InputError("value " + std::to_string(t + 1) + " is not finite");
}

}  // namespace

bool ThetaFamilyModel::dynamic() const { return is_dynamic(variant_); }

double ThetaFamilyModel::one_step(const State& s, int t) const {
    const double decay = std::pow(1.0 - alpha_, t);
    return s.level + phi() * (s.a * decay + s.b * (1.0 - decay * (1.0 - alpha_)) / alpha_);
}

ThetaFamilyModel::State ThetaFamilyModel::update(const State& s, int t, double y) const {
    State next = s;
    next.level = alpha_ * y + (1.0 - alpha_) * s.level;
    next.mean = (t * s.mean + y) / (t + 1.0);
    if (dynamic()) {  // the line through y_0..y_t, updated (Fiorucci et al. 2016, eqs. 12-13)
        next.b = ((t - 1.0) * s.b + 6.0 * (y - s.mean) / (t + 1.0)) / (t + 2.0);
        next.a = next.mean - next.b * (t + 2.0) / 2.0;
    }
    return next;
}

ThetaFamilyModel ThetaFamilyModel::at(const std::vector<double>& y, ThetaVariant variant, double initial_level,
                                      double alpha, double theta) {
    if (y.empty()) throw InputError("the Theta model needs observations");
    if (!(alpha > 0.0 && alpha <= 1.0)) throw InputError("alpha must be in (0, 1]; got " + std::to_string(alpha));
    if (!(theta >= 1.0)) throw InputError("theta must be at least 1; got " + std::to_string(theta));
    ThetaFamilyModel m;
    m.variant_ = variant;
    m.initial_level_ = initial_level;
    m.alpha_ = alpha;
    m.theta_ = theta;
    const int n = static_cast<int>(y.size());
    State s;
    s.level = alpha * y[0] + (1.0 - alpha) * initial_level;
    s.mean = y[0];
    double first_forecast = y[0];
    if (m.dynamic()) {
        s.a = y[0];
    } else {
        std::tie(s.a, s.b) = least_squares_line(y);
        first_forecast = initial_level + m.phi() * (s.a + s.b);
    }
    m.residuals_.assign(static_cast<std::size_t>(n), 0.0);
    m.residuals_[0] = y[0] - first_forecast;
    for (int t = 1; t < n; ++t) {
        m.residuals_[static_cast<std::size_t>(t)] = y[static_cast<std::size_t>(t)] - m.one_step(s, t);
        s = m.update(s, t, y[static_cast<std::size_t>(t)]);
    }
    m.last_ = s;
    double sse = 0.0, scale = 0.0;
    for (int t = 0; t < n; ++t) {
        scale += std::fabs(y[static_cast<std::size_t>(t)]);
        if (t >= burn_in) sse += m.residuals_[static_cast<std::size_t>(t)] * m.residuals_[static_cast<std::size_t>(t)];
    }
    m.criterion_ = sse / std::max(scale / n, 1e-10);
    m.sigma2_ = n > burn_in ? sse / (n - burn_in) : 0.0;
    return m;
}

ThetaFamilyModel ThetaFamilyModel::fit(const std::vector<double>& y, ThetaVariant variant) {
    require_fittable(y, variant);
    const int n = static_cast<int>(y.size());
    const int m = n - burn_in;  // errors in the criterion
    // The line behind each one-step forecast, which depends on y alone: the whole series' (static)
    // or the one through y_0..y_{t-1} (dynamic), as the recursion updates it.
    std::vector<double> line_a(static_cast<std::size_t>(n)), line_b(static_cast<std::size_t>(n));
    {
        ThetaFamilyModel shape;
        shape.variant_ = variant;
        State s;
        s.mean = y[0];
        if (shape.dynamic()) s.a = y[0];
        else std::tie(s.a, s.b) = least_squares_line(y);
        for (int t = 1; t < n; ++t) {
            line_a[static_cast<std::size_t>(t)] = s.a;
            line_b[static_cast<std::size_t>(t)] = s.b;
            s = shape.update(s, t, y[static_cast<std::size_t>(t)]);
        }
    }
    const bool free_phi = is_optimized(variant);
    constexpr double max_phi = 1.0 - 1.0 / max_theta, level_bound = 1e10;
    // For one alpha: e_t = r_t - w_t l0 - phi g_t (t >= 3), with l0 the initial level; the best
    // (l0, phi) in their box by least squares, and the sum of squares there.
    struct Solution {
        double level, phi, sse;
    };
    Eigen::VectorXd r(m), w(m), g(m);
    const auto solve = [&](double alpha) {
        double smoothed = alpha * y[0];  // the level after y_0 with l0 = 0
        for (int t = 1; t < n; ++t) {
            const double decay = std::pow(1.0 - alpha, t);
            if (t >= burn_in) {
                const Eigen::Index i = t - burn_in;
                r(i) = y[static_cast<std::size_t>(t)] - smoothed;
                w(i) = decay;
                g(i) = line_a[static_cast<std::size_t>(t)] * decay +
                       line_b[static_cast<std::size_t>(t)] * (1.0 - decay * (1.0 - alpha)) / alpha;
            }
            smoothed = alpha * y[static_cast<std::size_t>(t)] + (1.0 - alpha) * smoothed;
        }
        const double ww = w.squaredNorm();
        const auto level_given = [&](double phi) {
            const double level = ww > 0.0 ? w.dot(r - phi * g) / ww : 0.0;
            return std::clamp(level, -level_bound, level_bound);
        };
        const auto sse_at = [&](double level, double phi) { return (r - level * w - phi * g).squaredNorm(); };
        Solution best{0.0, 0.5, 0.0};
        if (free_phi) {
            // unconstrained least squares on the two columns scaled to unit norm (QR, never the
            // normal equations)
            Eigen::MatrixXd x(m, 2);
            const double sw = std::max(w.norm(), 1e-300), sg = std::max(g.norm(), 1e-300);
            x.col(0) = w / sw;
            x.col(1) = g / sg;
            const Eigen::Vector2d z = x.colPivHouseholderQr().solve(r);
            best.phi = z(1) / sg;
            best.level = z(0) / sw;
            if (!(best.phi >= 0.0 && best.phi <= max_phi) || !(std::fabs(best.level) <= level_bound)) {
                // Outside the box, the minimum of this convex quadratic lies on an edge of it: on
                // each edge, the best value of the other variable, clamped (the corners are among
                // these). Fixing phi alone missed the edges where the level is at its bound, which
                // statsforecast reaches on trade series with alpha near 1 (benchmarks/theta_optimum.py).
                const double gg = g.squaredNorm();
                const auto phi_given = [&](double level) {
                    const double phi = gg > 0.0 ? g.dot(r - level * w) / gg : 0.5;
                    return std::clamp(std::isfinite(phi) ? phi : 0.5, 0.0, max_phi);
                };
                best.sse = std::numeric_limits<double>::infinity();
                for (const auto& [level, phi] : {std::pair{level_given(0.0), 0.0}, std::pair{level_given(max_phi), max_phi},
                                                 std::pair{-level_bound, phi_given(-level_bound)},
                                                 std::pair{level_bound, phi_given(level_bound)}}) {
                    const double sse = sse_at(level, phi);
                    if (sse < best.sse) best = {level, phi, sse};
                }
                return best;
            }
        } else {
            best.level = level_given(0.5);
        }
        best.sse = sse_at(best.level, best.phi);
        return best;
    };
    // alpha: the best of a grid of 90, refined by Brent's method between its neighbours
    constexpr int grid = 90;
    const double step = (max_alpha - min_alpha) / (grid - 1);
    int best_k = 0;
    double best_sse = std::numeric_limits<double>::infinity();
    for (int k = 0; k < grid; ++k) {
        const double sse = solve(min_alpha + k * step).sse;
        if (sse < best_sse) best_sse = sse, best_k = k;
    }
    const double low = min_alpha + std::max(best_k - 1, 0) * step;
    const double high = std::min(min_alpha + (best_k + 1) * step, max_alpha);
    std::uintmax_t iterations = 100;
    const auto refined = boost::math::tools::brent_find_minima([&](double a) { return solve(a).sse; }, low, high,
                                                               std::numeric_limits<double>::digits / 2, iterations);
    const double alpha = refined.second <= best_sse ? refined.first : min_alpha + best_k * step;
    const Solution s = solve(alpha);
    return at(y, variant, s.level, alpha, 1.0 / (1.0 - s.phi));
}

ThetaFamilyModel ThetaFamilyModel::select(const std::vector<double>& y) {
    require_fittable(y, ThetaVariant::Standard);
    ThetaFamilyModel best;
    bool found = false;
    for (ThetaVariant v : {ThetaVariant::Standard, ThetaVariant::Optimized, ThetaVariant::DynamicStandard,
                           ThetaVariant::DynamicOptimized}) {
        if (static_cast<int>(y.size()) < fewest_observations(v)) continue;
        ThetaFamilyModel candidate = fit(y, v);
        if (!found || candidate.criterion_ < best.criterion_) best = std::move(candidate), found = true;
    }
    return best;
}

std::vector<std::pair<std::string, double>> ThetaFamilyModel::params() const {
    return {{"initial_level", initial_level_}, {"alpha", alpha_}, {"theta", theta_}};
}

Eigen::VectorXd ThetaFamilyModel::run(int h, const Eigen::VectorXd& shocks) const {
    if (h < 1) throw InputError("the forecast horizon must be at least 1");
    Eigen::VectorXd out(h);
    State s = last_;
    for (int k = 0; k < h; ++k) {
        const int t = n() + k;
        out(k) = one_step(s, t) + shocks(k);
        s = update(s, t, out(k));
    }
    return out;
}

Eigen::VectorXd ThetaFamilyModel::mean(int h) const {
    return run(h, Eigen::VectorXd::Zero(std::max(h, 0)));
}

Eigen::VectorXd ThetaFamilyModel::variance(int h) const {
    const Eigen::VectorXd base = mean(h);
    // the recursion is linear in y: the response to a shock of size `size` at step j, divided by it
    const double size = sigma2_ > 0.0 ? std::sqrt(sigma2_) : 1.0;
    Eigen::VectorXd out = Eigen::VectorXd::Zero(h);
    for (int j = 0; j < h; ++j) {
        Eigen::VectorXd shock = Eigen::VectorXd::Zero(h);
        shock(j) = size;
        const Eigen::VectorXd response = (run(h, shock) - base) / size;
        out.tail(h - j) += response.tail(h - j).array().square().matrix();
    }
    return sigma2_ * out;
}

void ThetaFamilyModel::simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal(0.0, std::sqrt(sigma2_));
    Eigen::VectorXd shocks(out.size());
    for (Eigen::Index k = 0; k < out.size(); ++k) shocks(k) = normal(rng);
    if (out.size() > 0) out = run(static_cast<int>(out.size()), shocks);
}

}  // namespace tradetarget
