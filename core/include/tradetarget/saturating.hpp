#pragma once
/// \file saturating.hpp
/// Saturating growth curves for an annual series in logs, fitted by nonlinear least squares
/// (Levenberg–Marquardt, Eigen's MINPACK port; Moré 1978) with multiplicative errors:
///   logistic:  log y_t = log K - log(1 + exp((xmid - t) / scal)) + e_t   (R's SSlogis, in logs)
///   Gompertz:  log y_t = log K - b2 b3^t + e_t, 0 < b3 < 1, t = year - first year (R's SSgompertz)
/// with e_t ~ N(0, sigma^2). The capacity K is estimated or given ("does the path level off below
/// $15B?"). Uncertainty: the usual linearisation (Bates & Watts 1988, §2.3): predictive
/// location-scale t with n - p degrees of freedom, scale s sqrt(1 + g'(J'J)^{-1} g); sample
/// paths draw sigma^2 ~ (n - p) s^2 / chi2, then theta ~ N(theta_hat, sigma^2 (J'J)^{-1}), then a
/// yearly residual e ~ N(0, sigma^2) in logs. A given capacity is a ceiling: there the residual
/// moves the log gap to it, g = log K - log y, multiplicatively, g exp(e / max(g, 1)) (the same
/// noise far below the capacity, none above it), so no path exceeds a given capacity.
#include <vector>

#include <Eigen/Core>

#include "tradetarget/growth_models.hpp"

namespace tradetarget {

enum class CurveShape { Logistic, Gompertz };

class SaturatingCurve final : public GrowthModel {
public:
    /// `capacity` <= 0 or NaN: estimated. Throws InputError if the series is too short
    /// (parameters + 1 years) or the fit does not converge.
    SaturatingCurve(CurveShape shape, const AnnualSeries& series, double capacity);

    ModelKind kind() const override;
    double log_growth() const override;
    double log_growth_se() const override;
    std::vector<std::pair<std::string, double>> params() const override;
    double mean_log(int year) const override;
    double predictive_scale(int year) const override;
    double df() const override { return static_cast<double>(n_ - static_cast<int>(theta_.size())); }
    void simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const override;

    double capacity() const;
    bool capacity_given() const { return capacity_given_; }
    double sigma() const { return s_; }

private:
    // log f and its gradient in the internal parameters at time t = year - origin.
    double log_curve(const Eigen::VectorXd& theta, double t) const;
    Eigen::VectorXd gradient(const Eigen::VectorXd& theta, double t) const;
    // Internal parameters: logistic (log K, xmid, log scal); Gompertz (log K, log b2, log(-log b3));
    // log K dropped when the capacity is given.
    Eigen::VectorXd full(const Eigen::VectorXd& theta) const;

    CurveShape shape_;
    bool capacity_given_ = false;
    double log_capacity_ = 0.0;
    int origin_ = 0;
    int n_ = 0;
    Eigen::VectorXd theta_;
    Eigen::MatrixXd cov_unit_;  // (J'J)^{-1}
    Eigen::MatrixXd chol_;      // its lower Cholesky factor
    double s_ = 0.0;
};

}  // namespace tradetarget
