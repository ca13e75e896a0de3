#pragma once
/// \file structural.hpp
/// The local linear trend (Harvey 1989, §2.3.2) as a forecasting model for a series in logs:
///   y_t = x_t + e_t,  x_{t+1} = x_t + mu_t + eta_t,  mu_{t+1} = mu_t + zeta_t,
/// with the three standard deviations estimated by maximum likelihood (the same approximate
/// diffuse likelihood as statsmodels' UnobservedComponents, burn 2; Nelder–Mead over log sd's from
/// three starting points). Gaps in the years are handled by the filter. Forecasts come from the
/// filtered end state: location x_T + h mu_T and variance [1 h] P_h [1 h]' + sigma_e^2 (normal,
/// the variances taken as known: a plug-in interval).
#include <vector>

#include <Eigen/Core>

#include "tradetarget/growth_models.hpp"

namespace tradetarget {

/// Exact Kalman filter log-likelihood and smoothed level/slope for the plain local linear trend
/// with irregular noise (the reference case checked against statsmodels' UnobservedComponents):
/// approximate diffuse start with variance kappa, the first `burn` prediction errors left out of
/// the likelihood, as statsmodels does. `years` may have gaps (empty: consecutive); the smoothed
/// states cover every year from the first to the last.
struct LocalLinearTrendResult {
    double loglik = 0.0;
    Eigen::MatrixXd smoothed_state;  ///< one row per year: level, slope
    Eigen::Vector2d end_mean;        ///< filtered (level, slope) at the last year
    Eigen::Matrix2d end_cov;
    std::vector<int> innovation_years;  ///< the years of the observations after the burn
    std::vector<double> innovations;    ///< their one-step prediction errors y_t - E(y_t | past)
};
LocalLinearTrendResult local_linear_trend(const Eigen::VectorXd& y, double sigma_irregular,
                                          double sigma_level, double sigma_slope, int burn = 2,
                                          double kappa = 1e6, const std::vector<int>& years = {});


class LocalLinearTrendModel final : public GrowthModel {
public:
    explicit LocalLinearTrendModel(const AnnualSeries& series);

    ModelKind kind() const override { return ModelKind::LocalLinearTrend; }
    double log_growth() const override { return end_mean_(1); }
    double log_growth_se() const override { return std::sqrt(end_cov_(1, 1)); }
    std::vector<std::pair<std::string, double>> params() const override;
    double mean_log(int year) const override;
    double predictive_scale(int year) const override;
    double df() const override { return 1e9; }  // normal: the variances are plugged in
    void simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const override;

    double loglik() const { return loglik_; }

private:
    Eigen::Vector3d sigma_;  // irregular, level, slope
    double loglik_ = 0.0;
    Eigen::Vector2d end_mean_;
    Eigen::Matrix2d end_cov_;
    Eigen::Matrix2d end_chol_;
};

}  // namespace tradetarget
