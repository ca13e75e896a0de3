#pragma once
/// \file arima.hpp
/// ARIMA(p, d, q) with a constant (the mean when d = 0, the drift when d = 1), d <= 2.
/// The ARMA part of the differenced series w = Delta^d y is fitted by exact Gaussian maximum
/// likelihood: Kalman filter on Harvey's state-space form with the stationary initial covariance
/// (P = T P T' + R R', solved exactly), sigma^2 concentrated out (Harvey 1989, §3.4; Brockwell &
/// Davis 1991, §8.7). The AR part is kept stationary by Jones' (1980) reparametrisation through
/// partial autocorrelations (tanh), as R's arima(transform.pars = TRUE), and the MA part
/// invertible by the same map. The optimiser is BFGS (optimize.hpp) from zero coefficients and the
/// mean, with the likelihood's exact gradient by forward-mode automatic differentiation through the
/// stationary covariance and the filter, restarted from inside the region when a coefficient ends
/// at its edge (arima.cpp says why). Criteria follow R's forecast::Arima: k = p + q + constant + 1 (sigma^2),
/// AICc with n - d effective observations; sigma^2 reported and used for intervals is
/// sum(v^2/F) / (n - d - k + 1) (forecast::Arima's). Forecast variances from the filter run on
/// without observations (exact in finite samples), cumulated d times.
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/posterior.hpp"
#include "tradetarget/random.hpp"

namespace tradetarget {

struct ArimaOrder {
    int p = 0, d = 0, q = 0;
    bool constant = true;
    std::string name() const;  ///< "ARIMA(1,1,1) with drift"
};

class ArimaModel {
public:
    /// Throws InputError for orders outside 0..5 / d > 2, a constant with d = 2, or a series too
    /// short for the parameters (n - d must exceed p + q + constant + 2).
    static ArimaModel fit(const std::vector<double>& y, ArimaOrder order);

    const ArimaOrder& order() const { return order_; }
    /// Named as R's forecast names them: ar1.., ma1.., intercept (d = 0) or drift (d = 1).
    std::vector<std::pair<std::string, double>> params() const;
    double loglik() const { return loglik_; }
    double aic() const { return aic_; }
    double aicc() const { return aicc_; }
    double bic() const { return bic_; }
    double sigma2() const { return sigma2_; }
    /// The standardised innovations of the differenced series, v_t / sqrt(F_t) with F_t in units of
    /// sigma^2 (one per observation after the first d), as R's residuals(Arima) gives them from
    /// year d + 1 on.
    const std::vector<double>& residuals() const { return residuals_; }
    Eigen::VectorXd mean(int h) const;
    Eigen::VectorXd variance(int h) const;
    /// One simulated future path of levels for steps 1..out.size(): the next state drawn from its
    /// filtered distribution, then the ARMA recursion with N(0, sigma^2) innovations, integrated.
    void simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const;

    /// Parameter uncertainty: equally weighted draws of the coefficients and sigma^2, each a
    /// model ready to simulate (its filter run through the data), and the effective sample size
    /// behind them. Prior: uniform on the partial autocorrelations of the AR and of the MA part
    /// (a proper prior on the stationary / invertible region, Jones 1987, Technometrics 29,
    /// 279-283), flat on the constant, 1 / sigma^2 for sigma^2; the posterior of the
    /// coefficients is then the exact likelihood with sigma^2 concentrated out (same exponent
    /// n/2) times the Jacobian of tanh, sampled by importance_resample in the optimiser's
    /// coordinates; sigma^2 given them is S / chi^2_n (S: the sum of squared standardised
    /// innovations, n = observations after differencing). A model without coefficients draws
    /// only sigma^2 (effective sample size = draws).
    std::pair<std::vector<ArimaModel>, double> posterior_draws(const ImportanceOptions& options = {}) const;

private:
    ArimaOrder order_;
    Eigen::VectorXd estimate_;  // the optimiser's coordinates at the estimate
    Eigen::VectorXd phi_, theta_;
    double constant_ = 0.0;
    double loglik_ = 0, aic_ = 0, aicc_ = 0, bic_ = 0, sigma2_ = 0;
    std::vector<double> y_;
    std::vector<double> residuals_;
    Eigen::VectorXd w_forecast_state_;  // predicted ARMA state after the last observation
    Eigen::MatrixXd w_forecast_cov_;    // and its covariance, in units of sigma^2
};

/// The KPSS level-stationarity statistic (Kwiatkowski et al. 1992) with the Bartlett window of
/// trunc(3 sqrt(n) / 13) lags, and its p-value interpolated in the table of critical values
/// (0.347, 0.463, 0.574, 0.739 at 10, 5, 2.5, 1%; clamped outside), as R's forecast::ndiffs.
double kpss_statistic(const std::vector<double>& x);
double kpss_p_value(double statistic);
/// Differences needed for level stationarity: KPSS at 5%, repeated, at most max_d.
int ndiffs(const std::vector<double>& y, int max_d = 2);

/// Automatic ARIMA (Hyndman & Khandakar 2008): d by ndiffs, then the stepwise search over
/// (p, q, constant) by AICc from (2,d,2), (0,d,0), (1,d,0), (0,d,1), moving to any better
/// neighbour (p +- 1, q +- 1, both, the constant toggled) until none is better; p, q <= 5 and
/// p + q <= 5; fits with AR or MA roots within 1.01 of the unit circle are rejected, as R does.
ArimaModel auto_arima(const std::vector<double>& y);

}  // namespace tradetarget
