#include "tradetarget/saturating.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <boost/random/chi_squared_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <unsupported/Eigen/NonLinearOptimization>

#include "tradetarget/errors.hpp"

namespace tradetarget {
namespace {

// Least-squares functor in the form Eigen's LevenbergMarquardt expects.
template <typename Residual, typename Jacobian>
struct Functor {
    using Scalar = double;
    using InputType = Eigen::VectorXd;
    using ValueType = Eigen::VectorXd;
    using JacobianType = Eigen::MatrixXd;
    enum { InputsAtCompileTime = Eigen::Dynamic, ValuesAtCompileTime = Eigen::Dynamic };
    int n_inputs, n_values;
    Residual residual;
    Jacobian jacobian;
    int inputs() const { return n_inputs; }
    int values() const { return n_values; }
    int operator()(const Eigen::VectorXd& x, Eigen::VectorXd& f) const {
        f = residual(x);
        return f.allFinite() ? 0 : -1;
    }
    int df(const Eigen::VectorXd& x, Eigen::MatrixXd& j) const {
        j = jacobian(x);
        return j.allFinite() ? 0 : -1;
    }
};

}  // namespace

Eigen::VectorXd SaturatingCurve::full(const Eigen::VectorXd& theta) const {
    Eigen::VectorXd f(3);
    if (capacity_given_) {
        f << log_capacity_, theta(0), theta(1);
    } else {
        f = theta;
    }
    return f;
}

double SaturatingCurve::log_curve(const Eigen::VectorXd& theta, double t) const {
    const Eigen::VectorXd p = full(theta);
    if (shape_ == CurveShape::Logistic) {
        const double z = (p(1) - t) / std::exp(p(2));
        // log(1 + e^z) without overflow.
        const double softplus = z > 30.0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
        return p(0) - softplus;
    }
    return p(0) - std::exp(p(1) - std::exp(p(2)) * t);
}

Eigen::VectorXd SaturatingCurve::gradient(const Eigen::VectorXd& theta, double t) const {
    const Eigen::VectorXd p = full(theta);
    Eigen::Vector3d g;
    if (shape_ == CurveShape::Logistic) {
        const double scal = std::exp(p(2));
        const double z = (p(1) - t) / scal;
        const double w = 1.0 / (1.0 + std::exp(-z));  // logistic(z) = d softplus / dz
        g << 1.0, -w / scal, w * z;
    } else {
        const double c = std::exp(p(2));
        const double term = std::exp(p(1) - c * t);
        g << 1.0, -term, term * c * t;
    }
    return capacity_given_ ? Eigen::VectorXd(g.tail(2)) : Eigen::VectorXd(g);
}

SaturatingCurve::SaturatingCurve(CurveShape shape, const AnnualSeries& series, double capacity)
    : GrowthModel(series.last_year(), series.log_level(series.size() - 1)), shape_(shape) {
    const std::string name = shape == CurveShape::Logistic ? "logistic" : "gompertz";
    capacity_given_ = std::isfinite(capacity) && capacity > 0.0;
    if (std::isfinite(capacity) && capacity <= 0.0)
        throw InputError("the " + name + " capacity must be positive; got " + std::to_string(capacity));
    if (capacity_given_) log_capacity_ = std::log(capacity);
    const int p = capacity_given_ ? 2 : 3;
    n_ = series.size();
    if (n_ < p + 1)
        throw InputError("the " + name + " curve estimates " + std::to_string(p) + " parameters and needs at least " +
                         std::to_string(p + 1) + " observed years; got " + std::to_string(n_));
    const Eigen::VectorXd& y = series.log_level;
    if (capacity_given_ && y.maxCoeff() >= log_capacity_)
        throw InputError("the given capacity " + std::to_string(capacity) + " is not above every observed value");
    origin_ = series.years.front();
    Eigen::VectorXd t(n_);
    for (int i = 0; i < n_; ++i) t(i) = series.years[static_cast<std::size_t>(i)] - origin_;

    // Starting values: capacity twice the largest value (or as given), then the linearised curve
    // log(K / y - 1) = (xmid - t) / scal  (logistic), log(log K - log y) = log b2 - c t  (Gompertz)
    // fitted by least squares.
    const double log_k = capacity_given_ ? log_capacity_ : y.maxCoeff() + std::log(2.0);
    Eigen::MatrixXd x(n_, 2);
    Eigen::VectorXd z(n_);
    for (int i = 0; i < n_; ++i) {
        x(i, 0) = 1.0;
        x(i, 1) = t(i);
        const double gap = log_k - y(i);  // > 0
        z(i) = shape == CurveShape::Logistic ? std::log(std::expm1(gap)) : std::log(gap);
    }
    const Eigen::Vector2d line = x.colPivHouseholderQr().solve(z);
    Eigen::Vector3d start;
    if (shape == CurveShape::Logistic) {
        const double scal = line(1) < 0.0 ? -1.0 / line(1) : 10.0;
        start << log_k, line(0) * scal, std::log(scal);
    } else {
        const double c = line(1) < 0.0 ? -line(1) : 0.1;
        start << log_k, line(0), std::log(c);
    }
    Eigen::VectorXd theta = capacity_given_ ? Eigen::VectorXd(start.tail(2)) : Eigen::VectorXd(start);

    auto residual = [&](const Eigen::VectorXd& th) {
        Eigen::VectorXd r(n_);
        for (int i = 0; i < n_; ++i) r(i) = y(i) - log_curve(th, t(i));
        return r;
    };
    auto jacobian = [&](const Eigen::VectorXd& th) {
        Eigen::MatrixXd j(n_, th.size());
        for (int i = 0; i < n_; ++i) j.row(i) = -gradient(th, t(i)).transpose();
        return j;
    };
    using F = Functor<decltype(residual), decltype(jacobian)>;
    F functor{static_cast<int>(theta.size()), n_, residual, jacobian};
    Eigen::LevenbergMarquardt<F> lm(functor);
    lm.parameters.maxfev = 2000;
    lm.parameters.xtol = lm.parameters.ftol = 1e-12;
    const int status = lm.minimize(theta);
    const Eigen::VectorXd r = residual(theta);
    // 1-4: converged; 6-8: the tolerances cannot be met in floating point (at the optimum too);
    // 5: too many evaluations, a flat direction.
    if (status < 1 || status == 5 || status > 8 || !r.allFinite() || !theta.allFinite())
        throw InputError("the " + name + " curve did not converge on this series (Levenberg-Marquardt status " +
                         std::to_string(status) + "); try a given capacity");
    theta_ = theta;
    s_ = std::sqrt(r.squaredNorm() / df());
    diagnostics_.years = series.years;
    diagnostics_.residuals.assign(r.data(), r.data() + r.size());
    diagnostics_.log_likelihood = gaussian_log_likelihood(diagnostics_.residuals);
    diagnostics_.n_parameters = static_cast<int>(theta_.size()) + 1;  // the curve's and sigma^2
    diagnostics_.n_observations = n_;
    const Eigen::MatrixXd j = jacobian(theta_);
    const Eigen::MatrixXd jtj = j.transpose() * j;
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(jtj);
    if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().array() > 1e-12 * jtj.diagonal().maxCoeff()).all())
        throw InputError("the " + name + " curve is not identified by this series (flat likelihood); try a given capacity");
    cov_unit_ = ldlt.solve(Eigen::MatrixXd::Identity(theta_.size(), theta_.size()));
    const Eigen::LLT<Eigen::MatrixXd> llt(cov_unit_);
    chol_ = llt.matrixL();
}

ModelKind SaturatingCurve::kind() const {
    return shape_ == CurveShape::Logistic ? ModelKind::Logistic : ModelKind::Gompertz;
}

double SaturatingCurve::capacity() const { return std::exp(full(theta_)(0)); }

double SaturatingCurve::log_growth() const {
    // d log f / dt at the last observed year, by a central difference.
    const double t = last_year() - origin_;
    return (log_curve(theta_, t + 0.5) - log_curve(theta_, t - 0.5));
}

double SaturatingCurve::log_growth_se() const {
    const double t = last_year() - origin_;
    const Eigen::VectorXd g = gradient(theta_, t + 0.5) - gradient(theta_, t - 0.5);
    return s_ * std::sqrt(g.dot(cov_unit_ * g));
}

std::vector<std::pair<std::string, double>> SaturatingCurve::params() const {
    const Eigen::VectorXd p = full(theta_);
    std::vector<std::pair<std::string, double>> out{{"Asym", std::exp(p(0))}};
    if (shape_ == CurveShape::Logistic) {
        out.emplace_back("xmid", p(1) + origin_);
        out.emplace_back("scal", std::exp(p(2)));
    } else {
        out.emplace_back("b2", std::exp(p(1)));
        out.emplace_back("b3", std::exp(-std::exp(p(2))));
        out.emplace_back("origin", origin_);
    }
    out.emplace_back("sigma", s_);
    out.emplace_back("capacity_given", capacity_given_ ? 1.0 : 0.0);
    return out;
}

double SaturatingCurve::mean_log(int year) const { return log_curve(theta_, year - origin_); }

double SaturatingCurve::predictive_scale(int year) const {
    const Eigen::VectorXd g = gradient(theta_, year - origin_);
    return s_ * std::sqrt(1.0 + g.dot(cov_unit_ * g));
}

void SaturatingCurve::simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal;
    boost::random::chi_squared_distribution<double> chi2(df());
    const double sigma = s_ == 0.0 ? 0.0 : s_ * std::sqrt(df() / chi2(rng));
    Eigen::VectorXd z(theta_.size());
    for (Eigen::Index i = 0; i < z.size(); ++i) z(i) = normal(rng);
    const Eigen::VectorXd theta = theta_ + sigma * (chol_ * z);
    const double log_capacity = full(theta)(0);
    for (Eigen::Index k = 0; k < out.size(); ++k) {
        const double log_level = log_curve(theta, first_year + static_cast<double>(k) - origin_);
        const double e = sigma * normal(rng);
        if (!capacity_given_) {
            out(k) = log_level + e;  // the linearised t predictive of the fit
            continue;
        }
        // A given capacity is a ceiling: the residual moves the log gap to it, g = log K - log y,
        // multiplicatively, g exp(e / max(g, 1)): log y - e to first order far below the capacity
        // (the fit's noise), shrinking near it, and never above it.
        const double gap = log_capacity - log_level;
        out(k) = log_capacity - gap * std::exp(e / std::max(gap, 1.0));
    }
}

}  // namespace tradetarget
