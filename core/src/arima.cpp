#include "tradetarget/arima.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <boost/math/constants/constants.hpp>
#include <boost/random/chi_squared_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include "dual.hpp"
#include "tradetarget/errors.hpp"
#include "tradetarget/optimize.hpp"

namespace tradetarget {
namespace {

// The likelihood is written once for two kinds of scalar (dual.hpp): double, and dual numbers
// whose partials give the exact gradient in one pass for the quasi-Newton fit; fixed-size partials
// for up to 6 coordinates (every auto_arima candidate), up to 11 (p + q <= 10 and the constant)
// otherwise.
template <typename T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
// The state has m = max(p, q + 1) <= 6 entries (p and q are at most 5), so its vectors and
// matrices, and the m^2 x m^2 system of the stationary covariance, have their storage inline:
// a likelihood evaluation allocates nothing for them (malloc and free were about 15% of an
// 11-year series' fit).
constexpr int max_state = 6;
template <typename T>
using StateVector = Eigen::Matrix<T, Eigen::Dynamic, 1, 0, max_state, 1>;
template <typename T>
using StateMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, 0, max_state, max_state>;
using LyapunovMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, max_state * max_state, max_state * max_state>;
using LyapunovVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, max_state * max_state, 1>;

// Jones (1980): unconstrained -> partial autocorrelations (tanh) -> stationary AR coefficients
// by the Durbin–Levinson recursion.
template <typename T, typename Coordinates>
StateVector<T> ar_from_unconstrained(const Eigen::MatrixBase<Coordinates>& u) {
    const Eigen::Index p = u.size();
    if (p > max_state) throw std::logic_error("more AR or MA coefficients than an ARMA state holds");
    StateVector<T> phi = u.array().tanh();
    StateVector<T> work = phi;
    for (Eigen::Index j = 1; j < p; ++j) {
        const T a = phi(j);
        for (Eigen::Index k = 0; k < j; ++k) work(k) -= a * phi(j - k - 1);
        phi.head(j) = work.head(j);
    }
    return phi;
}

template <typename T>
struct StateSpace {
    StateMatrix<T> transition;
    StateVector<T> r;
    StateMatrix<T> p0;
};

// The stationary covariance: the P with P = T P T' + Q, from vec(P) = (I - T (x) T)^{-1} vec(Q).
StateMatrix<double> stationary_covariance(const StateMatrix<double>& t, const StateMatrix<double>& q,
                                          std::optional<Eigen::PartialPivLU<LyapunovMatrix>>* keep = nullptr) {
    const Eigen::Index m = t.rows();  // at most max_state: arma_state_space checks it
    LyapunovMatrix big(m * m, m * m);
    for (Eigen::Index i = 0; i < m; ++i)
        for (Eigen::Index j = 0; j < m; ++j) big.block(i * m, j * m, m, m) = t(i, j) * t;
    Eigen::PartialPivLU<LyapunovMatrix> lu(LyapunovMatrix::Identity(m * m, m * m) - big);
    const LyapunovVector vec_p = lu.solve(Eigen::Map<const Eigen::VectorXd>(q.data(), m * m));
    if (keep) keep->emplace(std::move(lu));
    return Eigen::Map<const Eigen::MatrixXd>(vec_p.data(), m, m);
}

// The same for dual numbers. Differentiating P = T P T' + Q gives dP = T dP T' + (dT P T' + T P dT'
// + dQ): each partial derivative solves the same equation with its own Q, so one factorisation of
// I - T (x) T serves the value and every partial (rather than factorising a matrix of duals).
template <typename D>
StateMatrix<Eigen::AutoDiffScalar<D>> stationary_covariance(const StateMatrix<Eigen::AutoDiffScalar<D>>& t,
                                                            const StateMatrix<Eigen::AutoDiffScalar<D>>& q) {
    using Dual = Eigen::AutoDiffScalar<D>;
    const Eigen::Index m = t.rows();
    Eigen::Index k = 0;  // the number of partials (constant entries carry none)
    for (Eigen::Index i = 0; i < t.size(); ++i) k = std::max(k, t(i).derivatives().size());
    for (Eigen::Index i = 0; i < q.size(); ++i) k = std::max(k, q(i).derivatives().size());
    const auto value = [](const StateMatrix<Dual>& a) {
        return StateMatrix<double>(a.unaryExpr([](const Dual& x) { return x.value(); }));
    };
    const auto partial = [](const StateMatrix<Dual>& a, Eigen::Index i) {
        return StateMatrix<double>(
            a.unaryExpr([i](const Dual& x) { return x.derivatives().size() > i ? x.derivatives()(i) : 0.0; }));
    };
    const StateMatrix<double> tv = value(t);
    std::optional<Eigen::PartialPivLU<LyapunovMatrix>> lu;
    const StateMatrix<double> p = stationary_covariance(tv, value(q), &lu);
    StateMatrix<Dual> out(m, m);
    for (Eigen::Index i = 0; i < out.size(); ++i) out(i) = Dual(p(i), D::Zero(k));
    for (Eigen::Index i = 0; i < k; ++i) {
        const StateMatrix<double> dt = partial(t, i), tpdt = tv * p * dt.transpose();
        const StateMatrix<double> rhs = tpdt + tpdt.transpose() + partial(q, i);
        const LyapunovVector dp = lu->solve(Eigen::Map<const Eigen::VectorXd>(rhs.data(), m * m));
        for (Eigen::Index j = 0; j < out.size(); ++j) out(j).derivatives()(i) = dp(j);
    }
    return out;
}

template <typename T>
StateSpace<T> arma_state_space(const StateVector<T>& phi, const StateVector<T>& theta) {
    const Eigen::Index p = phi.size(), q = theta.size();
    const Eigen::Index m = std::max<Eigen::Index>(p, q + 1);
    if (m > max_state) throw std::logic_error("an ARMA state of more than 6 entries");  // fit allows p, q <= 5
    StateSpace<T> s;
    s.transition = StateMatrix<T>::Zero(m, m);
    s.transition.col(0).head(p) = phi;
    for (Eigen::Index i = 0; i + 1 < m; ++i) s.transition(i, i + 1) = T(1.0);
    s.r = StateVector<T>::Zero(m);
    s.r(0) = T(1.0);
    s.r.segment(1, q) = theta;
    s.p0 = stationary_covariance(s.transition, StateMatrix<T>(s.r * s.r.transpose()));
    s.p0 = (T(0.5) * (s.p0 + s.p0.transpose())).eval();
    return s;
}

template <typename T>
struct Likelihood {
    T loglik = T(-std::numeric_limits<double>::infinity());
    T sigma2 = T(0.0);
    StateVector<T> next_state;
    StateMatrix<T> next_cov;  // in units of sigma^2
    std::vector<double> innovations;  // the prediction errors z_t - E(z_t | past), if asked for
};

// Exact Gaussian likelihood with sigma^2 concentrated out (unit-variance filter).
template <typename T>
Likelihood<T> arma_likelihood(const Vector<T>& z, const StateVector<T>& phi, const StateVector<T>& theta,
                              bool keep_innovations = false) {
    using std::log;
    using std::sqrt;
    Likelihood<T> out;
    const StateSpace<T> s = arma_state_space(phi, theta);
    for (Eigen::Index i = 0; i < s.p0.size(); ++i)
        if (!std::isfinite(value_of(s.p0(i)))) return out;
    const Eigen::Index m = s.r.size();
    StateVector<T> a = StateVector<T>::Zero(m);
    StateMatrix<T> p = s.p0;
    const StateMatrix<T> rr = s.r * s.r.transpose();
    // T is the companion matrix (phi, padded with zeros, in its first column; ones above the
    // diagonal): (T x)_i = phi_i x_0 + x_(i+1), so T a and T P T' cost O(m) and O(m^2) in place of
    // general products (the terms dropped are exact zeros), and the loop allocates nothing.
    const StateVector<T> phi_full = s.transition.col(0);
    StateVector<T> k(m), column(m);
    StateMatrix<T> tp(m, m);
    T sumsq = T(0.0), sumlog = T(0.0);
    for (Eigen::Index t = 0; t < z.size(); ++t) {
        const T v = z(t) - a(0);
        const T f = p(0, 0);
        if (!(value_of(f) > 0.0)) return out;
        if (keep_innovations) out.innovations.push_back(value_of(v / sqrt(f)));  // on the data's scale, as R's arima
        sumsq += v * v / f;
        sumlog += log(f);
        column = p.col(0);
        k = column / f;
        a += k * v;
        // P is symmetric: only its lower triangle (i >= j) is updated, and read.
        for (Eigen::Index j = 0; j < m; ++j)
            for (Eigen::Index i = j; i < m; ++i) p(i, j) -= k(i) * column(j);
        const T a0 = a(0);
        for (Eigen::Index i = 0; i + 1 < m; ++i) a(i) = phi_full(i) * a0 + a(i + 1);
        a(m - 1) = phi_full(m - 1) * a0;
        const auto lower = [&p](Eigen::Index i, Eigen::Index j) -> const T& { return i >= j ? p(i, j) : p(j, i); };
        for (Eigen::Index j = 0; j < m; ++j)  // tp = T P, the entries the next step reads
            for (Eigen::Index i = j == 0 ? 0 : j - 1; i < m; ++i)
                tp(i, j) = phi_full(i) * lower(0, j) + (i + 1 < m ? lower(i + 1, j) : T(0.0));
        for (Eigen::Index j = 0; j < m; ++j)  // P = tp T' + R R'
            for (Eigen::Index i = j; i < m; ++i)
                p(i, j) = tp(i, 0) * phi_full(j) + (j + 1 < m ? tp(i, j + 1) : T(0.0)) + rr(i, j);
    }
    const double n = static_cast<double>(z.size());
    out.sigma2 = sumsq / n;
    out.loglik = -0.5 * (n * log(2.0 * boost::math::constants::pi<double>() * out.sigma2) + n + sumlog);
    out.next_state = a;
    out.next_cov = p.template triangularView<Eigen::Lower>();
    out.next_cov.template triangularView<Eigen::StrictlyUpper>() = out.next_cov.transpose();
    return out;
}

Eigen::VectorXd difference(const std::vector<double>& y, int d) {
    Eigen::VectorXd w = Eigen::Map<const Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size()));
    for (int i = 0; i < d; ++i) w = (w.tail(w.size() - 1) - w.head(w.size() - 1)).eval();
    return w;
}

// The optimiser's coordinates x = (AR in Jones' unconstrained form, MA likewise, the constant in
// units of the differenced series' scale) and the coefficients they stand for.
struct Coefficients {
    ArimaOrder order;
    double scale;
    Coefficients(ArimaOrder o, const Eigen::VectorXd& w)
        : order(o), scale(std::max(std::sqrt((w.array() - w.mean()).square().mean()), 1e-12)) {}
    template <typename T, typename Coefficient>
    void unpack(const Vector<T>& x, Coefficient& phi, Coefficient& theta, T& c) const {
        phi = ar_from_unconstrained<T>(x.head(order.p));
        // Invertible MA by the same map: theta(B) = 1 + sum theta_i B^i has its roots outside the
        // unit circle exactly when -theta is a stationary AR polynomial.
        theta = -ar_from_unconstrained<T>(x.segment(order.p, order.q));
        c = order.constant ? T(x(order.p + order.q) * scale) : T(0.0);
    }
    // Minus the log-likelihood at x and its exact gradient, in one forward-mode pass.
    double objective(const Eigen::VectorXd& w, const Eigen::VectorXd& x, Eigen::VectorXd& gradient) const {
        switch (x.size()) {
            case 1: return objective<DualOf<1>>(w, x, gradient);
            case 2: return objective<DualOf<2>>(w, x, gradient);
            case 3: return objective<DualOf<3>>(w, x, gradient);
            case 4: return objective<DualOf<4>>(w, x, gradient);
            case 5: return objective<DualOf<5>>(w, x, gradient);
            case 6: return objective<DualOf<6>>(w, x, gradient);
            default: return objective<DualUpTo11>(w, x, gradient);
        }
    }

private:
    template <typename Dual>
    double objective(const Eigen::VectorXd& w, const Eigen::VectorXd& x, Eigen::VectorXd& gradient) const {
        StateVector<Dual> phi, theta;
        Dual c;
        unpack(seeded<Dual>(x), phi, theta, c);
        const Vector<Dual> z = w.cast<Dual>().array() - c;
        const Dual v = -arma_likelihood<Dual>(z, phi, theta).loglik;
        if (!std::isfinite(v.value()) || v.derivatives().size() != x.size()) return std::numeric_limits<double>::infinity();
        gradient = v.derivatives();
        return v.value();
    }
};

}  // namespace

std::string ArimaOrder::name() const {
    std::string s = "ARIMA(" + std::to_string(p) + "," + std::to_string(d) + "," + std::to_string(q) + ")";
    // R forecast's names (arima.string): a d = 0 model says whether it has a mean.
    if (constant) s += d == 0 ? " with non-zero mean" : " with drift";
    else if (d == 0) s += " with zero mean";
    return s;
}

ArimaModel ArimaModel::fit(const std::vector<double>& y, ArimaOrder order) {
    if (order.p < 0 || order.p > 5 || order.q < 0 || order.q > 5 || order.d < 0 || order.d > 2)
        throw InputError("ARIMA orders must be p, q in 0..5 and d in 0..2; got " + order.name());
    if (order.constant && order.d == 2) throw InputError("ARIMA with d = 2 takes no constant");
    for (std::size_t i = 0; i < y.size(); ++i)
        if (!std::isfinite(y[i])) throw InputError("ARIMA: observation " + std::to_string(i + 1) + " is not finite");
    const int k = order.p + order.q + (order.constant ? 1 : 0);
    const int n_eff = static_cast<int>(y.size()) - order.d;
    if (n_eff < k + 3)
        throw InputError(order.name() + " estimates " + std::to_string(k + 1) + " parameters and needs at least " +
                         std::to_string(k + 3 + order.d) + " observations; got " + std::to_string(y.size()));
    const Eigen::VectorXd w = difference(y, order.d);
    // Values near the largest double overflow when differenced (found by fuzz_models: ARIMA(0,2,0)
    // of 9.2e307 and -4.9e306 gave a NaN variance).
    for (Eigen::Index i = 0; i < w.size(); ++i)
        if (!std::isfinite(w(i)))
            throw InputError("ARIMA: the differenced series overflows at observation " +
                             std::to_string(i + 1 + order.d) + " (values too large to difference)");
    const Coefficients map{order, w};
    Eigen::VectorXd x0 = Eigen::VectorXd::Zero(k);
    if (order.constant) x0(k - 1) = w.mean() / map.scale;  // the constant in units of the series' scale
    // ARIMA(0,d,0) without a constant (white noise, a random walk, a double random walk) has no
    // coefficient to estimate: only sigma^2, which the likelihood concentrates out.
    Eigen::VectorXd estimate = x0;
    if (k > 0) {
        const auto objective = [&](const Eigen::VectorXd& x, Eigen::VectorXd& gradient) {
            return map.objective(w, x, gradient);
        };
        BfgsResult best;
        try {
            best = bfgs(objective, x0);
        } catch (const InputError&) {
            throw InputError(order.name() + ": the likelihood cannot be evaluated at the starting values (a series " +
                             "without variation, or values too small or too large to square: rescale the series)");
        }
        // The likelihood can rise towards the edge of the stationary or invertible region (an MA
        // unit root: the pile-up of Sargan & Bhargava 1983) while a higher maximum lies inside,
        // and the gradient vanishes out there (tanh saturates). So when a coefficient ends near
        // the edge (|partial autocorrelation| > tanh 2.5 = 0.987), the fit is restarted with those
        // coordinates pulled back inside, to 0.5 and to 1.5 in Jones' coordinates, and the
        // highest maximum is kept. On 200 varied series x 14 orders this cuts the fits that end
        // below R's maximum from 45 to 28 of 2,772 (benchmarks/arima_against_r.py, profiles.md).
        constexpr double edge = 2.5;
        const Eigen::Index coefficients = order.p + order.q;
        if ((best.x.head(coefficients).array().abs() > edge).any()) {
            const BfgsResult first = best;
            // A restart that heads back out to where the first fit ended (past tanh 3.5 = 0.998 in
            // a coordinate the first fit left beyond the edge, on the same side) and is no higher
            // than the best fit so far gives up there: most do, and crawling along the edge again
            // cost as much as all the first fits together. Giving up at 2.5 instead lost 3 of the
            // 2,772 fits against R.
            constexpr double give_up = 3.5;
            BfgsOptions restart;
            restart.abandon = [&](const Eigen::VectorXd& x, double value) {
                if (value < best.value) return false;
                for (Eigen::Index i = 0; i < coefficients; ++i)
                    if (std::fabs(first.x(i)) > edge && x(i) * std::copysign(1.0, first.x(i)) > give_up) return true;
                return false;
            };
            for (double pulled : {0.5, 1.5}) {
                Eigen::VectorXd start = first.x;
                for (Eigen::Index i = 0; i < coefficients; ++i)
                    if (std::fabs(start(i)) > edge) start(i) = std::copysign(pulled, start(i));
                try {
                    const BfgsResult again = bfgs(objective, start, restart);
                    if (!again.abandoned && again.value < best.value) best = again;  // an abandoned run is no higher
                } catch (const InputError&) {  // no likelihood at that start: keep the first fit
                }
            }
        }
        estimate = best.x;
    }

    ArimaModel model;
    model.order_ = order;
    model.y_ = y;
    model.estimate_ = estimate;
    map.unpack(estimate, model.phi_, model.theta_, model.constant_);
    const Likelihood<double> l = arma_likelihood<double>(w.array() - model.constant_, model.phi_, model.theta_, true);
    model.loglik_ = l.loglik;
    model.residuals_ = l.innovations;
    // The likelihood uses the ML variance; forecasts and the reported sigma^2 use the
    // degrees-of-freedom corrected one, as forecast::Arima does.
    model.sigma2_ = l.sigma2 * n_eff / (n_eff - k);
    model.w_forecast_state_ = l.next_state;
    model.w_forecast_cov_ = l.next_cov;
    const int npar = k + 1;
    model.aic_ = -2.0 * model.loglik_ + 2.0 * npar;
    model.bic_ = model.aic_ + (std::log(static_cast<double>(n_eff)) - 2.0) * npar;
    model.aicc_ = model.aic_ + 2.0 * npar * (npar + 1) / (n_eff - npar - 1);
    return model;
}

std::pair<std::vector<ArimaModel>, double> ArimaModel::posterior_draws(const ImportanceOptions& options) const {
    const Eigen::VectorXd w = difference(y_, order_.d);
    const Coefficients map{order_, w};
    const auto k = estimate_.size();
    const auto log_density = [&](const Eigen::VectorXd& x) {
        Eigen::VectorXd phi, theta;
        double c = 0.0;
        map.unpack(x, phi, theta, c);
        const Likelihood<double> l = arma_likelihood<double>(w.array() - c, phi, theta);
        // Uniform partial autocorrelations r = tanh(u): Jacobian prod (1 - r^2).
        const double jacobian = (1.0 - x.head(order_.p + order_.q).array().tanh().square()).log().sum();
        return std::isfinite(l.loglik) ? l.loglik + jacobian : -std::numeric_limits<double>::infinity();
    };
    Eigen::MatrixXd coordinates;
    double ess = options.draws;
    if (k == 0) {
        coordinates = Eigen::MatrixXd::Zero(options.draws, 0);
    } else {
        // Start at the estimate (an AR/MA coordinate near the unit circle pulled back to |u| <= 3,
        // where the posterior in these coordinates has its mass), spreads wide enough to cover.
        Eigen::VectorXd start = estimate_, spread = Eigen::VectorXd::Constant(k, 1.0);
        start.head(order_.p + order_.q) = start.head(order_.p + order_.q).cwiseMax(-3.0).cwiseMin(3.0);
        if (order_.constant)
            spread(k - 1) = std::max(std::sqrt(sigma2_ / static_cast<double>(w.size())) / map.scale, 1e-6);
        const ImportanceDraws sample = importance_resample(
            log_density, start, Eigen::MatrixXd(spread.array().square().matrix().asDiagonal()), options);
        coordinates = sample.draws;
        ess = sample.effective_sample_size;
    }
    Rng rng = make_rng(options.seed, 1);
    boost::random::chi_squared_distribution<double> chi2(static_cast<double>(w.size()));
    std::vector<ArimaModel> draws;
    draws.reserve(static_cast<std::size_t>(coordinates.rows()));
    for (Eigen::Index i = 0; i < coordinates.rows(); ++i) {
        ArimaModel m = *this;
        // (no coefficients, e.g. ARIMA(0,1,0): no row to take; Eigen's row() of an n x 0 matrix
        // offsets a null pointer, which clang's UBSan reports)
        if (coordinates.cols() > 0) m.estimate_ = coordinates.row(i).transpose();
        map.unpack(m.estimate_, m.phi_, m.theta_, m.constant_);
        const Likelihood<double> l = arma_likelihood<double>(w.array() - m.constant_, m.phi_, m.theta_);
        m.w_forecast_state_ = l.next_state;
        m.w_forecast_cov_ = l.next_cov;
        m.sigma2_ = l.sigma2 * static_cast<double>(w.size()) / chi2(rng);
        draws.push_back(std::move(m));
    }
    return {std::move(draws), ess};
}

std::vector<std::pair<std::string, double>> ArimaModel::params() const {
    std::vector<std::pair<std::string, double>> out;
    for (Eigen::Index i = 0; i < phi_.size(); ++i) out.emplace_back("ar" + std::to_string(i + 1), phi_(i));
    for (Eigen::Index i = 0; i < theta_.size(); ++i) out.emplace_back("ma" + std::to_string(i + 1), theta_(i));
    if (order_.constant) out.emplace_back(order_.d == 0 ? "intercept" : "drift", constant_);
    return out;
}

Eigen::VectorXd ArimaModel::mean(int h) const {
    if (h < 1) throw InputError("the forecast horizon must be at least 1");
    const StateSpace<double> s = arma_state_space<double>(phi_, theta_);
    Eigen::VectorXd a = w_forecast_state_;
    Eigen::VectorXd w(h);
    for (int k = 0; k < h; ++k) {
        w(k) = a(0) + constant_;
        a = s.transition * a;
    }
    // Undo the differencing: each level adds the previous level's last value.
    std::vector<std::vector<double>> levels{y_};
    for (int i = 0; i < order_.d; ++i) {
        std::vector<double> diff;
        for (std::size_t t = 1; t < levels.back().size(); ++t) diff.push_back(levels.back()[t] - levels.back()[t - 1]);
        levels.push_back(diff);
    }
    Eigen::VectorXd out = w;
    for (int i = order_.d; i > 0; --i) {
        double last = levels[static_cast<std::size_t>(i - 1)].back();
        for (int k = 0; k < h; ++k) {
            last += out(k);
            out(k) = last;
        }
    }
    return out;
}

Eigen::VectorXd ArimaModel::variance(int h) const {
    // Exact finite-sample forecast variances: the covariances of the future differenced values
    // from the filter run on without observations (Durbin & Koopman 2012, §4.11), then the
    // d-fold cumulative sums that undo the differencing.
    if (h < 1) throw InputError("the forecast horizon must be at least 1");
    const StateSpace<double> s = arma_state_space<double>(phi_, theta_);
    const Eigen::MatrixXd rr = s.r * s.r.transpose();
    std::vector<Eigen::MatrixXd> p(static_cast<std::size_t>(h));
    p[0] = w_forecast_cov_;
    for (int k = 1; k < h; ++k)
        p[static_cast<std::size_t>(k)] = s.transition * p[static_cast<std::size_t>(k - 1)] * s.transition.transpose() + rr;
    Eigen::MatrixXd cov(h, h);  // Cov(w_{n+i}, w_{n+j}) / sigma^2
    for (int i = 0; i < h; ++i) {
        Eigen::MatrixXd tp = p[static_cast<std::size_t>(i)];  // T^{j-i} P_i, first row
        for (int j = i; j < h; ++j) {
            cov(i, j) = cov(j, i) = tp(0, 0);
            tp = s.transition * tp;
        }
    }
    // y_{n+k} - (known part) = sum_i a_{k,i} w_{n+i}: a = 1 (d = 1), k - i + 1 (d = 2), delta (d = 0).
    Eigen::MatrixXd a = Eigen::MatrixXd::Identity(h, h);
    for (int level = 0; level < order_.d; ++level) {
        Eigen::MatrixXd cumulative = Eigen::MatrixXd::Zero(h, h);
        for (int k = 0; k < h; ++k) cumulative.row(k) = a.topRows(k + 1).colwise().sum();
        a = cumulative;
    }
    Eigen::VectorXd var(h);
    for (int k = 0; k < h; ++k) var(k) = sigma2_ * a.row(k).dot(cov * a.row(k).transpose());
    return var;
}

void ArimaModel::simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const {
    const StateSpace<double> s = arma_state_space<double>(phi_, theta_);
    const Eigen::Index m = s.r.size();
    boost::random::normal_distribution<double> normal;
    const double sigma = std::sqrt(sigma2_);
    const Eigen::LLT<Eigen::MatrixXd> llt(w_forecast_cov_ + 1e-12 * Eigen::MatrixXd::Identity(m, m));
    Eigen::VectorXd z(m);
    for (Eigen::Index i = 0; i < m; ++i) z(i) = normal(rng);
    const Eigen::MatrixXd lower = llt.matrixL();
    Eigen::VectorXd state = w_forecast_state_ + sigma * (lower * z);
    const auto h = static_cast<int>(out.size());
    Eigen::VectorXd w(h);
    for (int k = 0; k < h; ++k) {
        w(k) = state(0) + constant_;
        state = s.transition * state + s.r * (sigma * normal(rng));
    }
    // Integrate d times from the last observed values (as in mean()).
    std::vector<std::vector<double>> levels{y_};
    for (int i = 0; i < order_.d; ++i) {
        std::vector<double> diff;
        for (std::size_t t = 1; t < levels.back().size(); ++t) diff.push_back(levels.back()[t] - levels.back()[t - 1]);
        levels.push_back(diff);
    }
    for (int i = order_.d; i > 0; --i) {
        double last = levels[static_cast<std::size_t>(i - 1)].back();
        for (int k = 0; k < h; ++k) {
            last += w(k);
            w(k) = last;
        }
    }
    out = w;
}

double kpss_statistic(const std::vector<double>& x) {
    const auto n = static_cast<Eigen::Index>(x.size());
    if (n < 3) throw InputError("the KPSS test needs at least 3 observations");
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(x.data(), n);
    const Eigen::VectorXd e = y.array() - y.mean();
    double eta = 0.0, partial = 0.0;
    for (Eigen::Index t = 0; t < n; ++t) {
        partial += e(t);
        eta += partial * partial;
    }
    eta /= static_cast<double>(n) * static_cast<double>(n);
    const auto lags = static_cast<Eigen::Index>(std::trunc(3.0 * std::sqrt(static_cast<double>(n)) / 13.0));
    double s2 = e.squaredNorm() / static_cast<double>(n);
    for (Eigen::Index l = 1; l <= lags; ++l) {
        const double gamma = e.tail(n - l).dot(e.head(n - l)) / static_cast<double>(n);
        s2 += 2.0 * (1.0 - static_cast<double>(l) / static_cast<double>(lags + 1)) * gamma;
    }
    return eta / s2;
}

double kpss_p_value(double statistic) {
    static const double crit[] = {0.347, 0.463, 0.574, 0.739}, pval[] = {0.10, 0.05, 0.025, 0.01};
    if (statistic <= crit[0]) return pval[0];
    if (statistic >= crit[3]) return pval[3];
    for (int i = 0; i < 3; ++i)
        if (statistic <= crit[i + 1])
            return pval[i] + (pval[i + 1] - pval[i]) * (statistic - crit[i]) / (crit[i + 1] - crit[i]);
    return pval[3];
}

int ndiffs(const std::vector<double>& y, int max_d) {
    std::vector<double> x = y;
    auto constant = [](const std::vector<double>& v) {
        return std::all_of(v.begin(), v.end(), [&](double a) { return a == v.front(); });
    };
    int d = 0;
    if (constant(x)) return 0;
    while (d < max_d && x.size() >= 3 && kpss_p_value(kpss_statistic(x)) < 0.05) {
        std::vector<double> next;
        for (std::size_t t = 1; t < x.size(); ++t) next.push_back(x[t] - x[t - 1]);
        x = next;
        ++d;
        if (constant(x)) break;
    }
    return d;
}

namespace {

// Smallest |root| of 1 - sum c_i z^i (AR) or 1 + sum c_i z^i (MA), via the companion matrix.
double smallest_root(const Eigen::VectorXd& coefficients, double sign) {
    Eigen::Index m = coefficients.size();
    while (m > 0 && coefficients(m - 1) == 0.0) --m;
    if (m == 0) return std::numeric_limits<double>::infinity();
    Eigen::MatrixXd companion = Eigen::MatrixXd::Zero(m, m);
    companion.row(0) = sign * coefficients.head(m).transpose();
    for (Eigen::Index i = 1; i < m; ++i) companion(i, i - 1) = 1.0;
    const Eigen::VectorXcd eig = companion.eigenvalues();
    return 1.0 / eig.cwiseAbs().maxCoeff();
}

}  // namespace

ArimaModel auto_arima(const std::vector<double>& y) {
    // R's auto.arima returns the mean model for a constant series; here no candidate's likelihood
    // is finite but white noise about zero, which would forecast zero: say so instead.
    if (!y.empty() && std::all_of(y.begin(), y.end(), [&](double v) { return v == y.front(); }))
        throw InputError("auto_arima: the series is constant (every value is " + std::to_string(y.front()) +
                         "): there is no variation for an ARIMA model to fit");
    const int d = ndiffs(y);
    const bool constant_allowed = d <= 1;
    struct Candidate {
        int p, q;
        bool constant;
    };
    double best_ic = std::numeric_limits<double>::infinity();
    std::optional<ArimaModel> best;
    std::vector<std::array<int, 3>> tried;
    auto consider = [&](Candidate c) {
        if (c.p < 0 || c.q < 0 || c.p > 5 || c.q > 5 || c.p + c.q > 5) return false;
        if (c.constant && !constant_allowed) return false;
        const std::array<int, 3> key{c.p, c.q, c.constant ? 1 : 0};
        if (std::find(tried.begin(), tried.end(), key) != tried.end()) return false;
        tried.push_back(key);
        try {
            ArimaModel m = ArimaModel::fit(y, ArimaOrder{c.p, d, c.q, c.constant});
            const auto params = m.params();
            Eigen::VectorXd ar(c.p), ma(c.q);
            for (int i = 0; i < c.p; ++i) ar(i) = params[static_cast<std::size_t>(i)].second;
            for (int i = 0; i < c.q; ++i) ma(i) = params[static_cast<std::size_t>(c.p + i)].second;
            if (smallest_root(ar, 1.0) < 1.01 || smallest_root(ma, -1.0) < 1.01) return false;
            if (m.aicc() < best_ic) {
                best_ic = m.aicc();
                best = m;
                return true;
            }
        } catch (const InputError&) {
        }
        return false;
    };
    const bool k = constant_allowed;
    consider({2, 2, k});
    consider({0, 0, k});
    consider({1, 0, k});
    consider({0, 1, k});
    if (k) consider({0, 0, false});
    bool moved = true;
    while (moved && best) {
        moved = false;
        const int p = best->order().p, q = best->order().q;
        const bool c = best->order().constant;
        for (const Candidate& n : {Candidate{p - 1, q, c}, Candidate{p, q - 1, c}, Candidate{p + 1, q, c},
                                   Candidate{p, q + 1, c}, Candidate{p - 1, q - 1, c}, Candidate{p + 1, q + 1, c},
                                   Candidate{p + 1, q - 1, c}, Candidate{p - 1, q + 1, c}, Candidate{p, q, !c}}) {
            if (consider(n)) {
                moved = true;
                break;
            }
        }
    }
    if (!best)
        throw InputError("no ARIMA model could be fitted to " + std::to_string(y.size()) + " observations");
    return *best;
}

}  // namespace tradetarget
