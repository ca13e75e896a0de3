#pragma once
/// \file theta.hpp
/// The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form Hyndman & Billah (2003)
/// showed equivalent to simple exponential smoothing with drift: the ANN model's forecast plus
/// half the slope b of a linear trend fitted to the series,
///   yhat_{n+h} = l_n + (b / 2) (h - 1 + (1 - (1 - alpha)^n) / alpha),
/// with the ANN forecast variance sigma^2 (1 + (h - 1) alpha^2) (as R's forecast::thetaf, whose
/// ses() fits ANN by one-step mean squared error).
#include <vector>

#include <Eigen/Core>

#include "tradetarget/ets.hpp"

namespace tradetarget {

class ThetaModel {
public:
    /// Needs what ANN needs (4 observations); throws InputError otherwise.
    static ThetaModel fit(const std::vector<double>& y);

    double alpha() const { return alpha_; }
    double drift() const { return drift_; }  ///< b / 2
    double sigma2() const { return ses_.sigma2(); }
    const EtsModel& ses() const { return ses_; }
    Eigen::VectorXd mean(int h) const;
    Eigen::VectorXd variance(int h) const;
    /// One simulated future path (SES with drift b/2 from the level that gives thetaf's means:
    /// the same means and variances as mean() and variance()).
    void simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const;

    /// Parameter uncertainty for the method's two estimates, drawn independently as the method
    /// makes them separately: the SES part from the ANN posterior (EtsModel::posterior_draws on
    /// `y`, the series it was fitted to; for ANN the mean-squared-error fit is the likelihood
    /// fit), the slope b from its regression posterior, b_hat + se(b_hat) t_{n-2} (flat prior,
    /// BDA3 §14.2). Equally weighted models ready to simulate, and the SES draws' effective
    /// sample size. Their correlation is ignored.
    std::pair<std::vector<ThetaModel>, double> posterior_draws(const std::vector<double>& y,
                                                               const ImportanceOptions& options = {}) const;

private:
    EtsModel ses_;
    double alpha_ = 0, drift_ = 0;
    double drift_se_ = 0;  // standard error of b / 2
    int n_ = 0;
};

}  // namespace tradetarget
