#pragma once
/// \file theta.hpp
/// The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form Hyndman & Billah (2003)
/// showed equivalent to simple exponential smoothing with drift: the ANN model's forecast plus
/// half the slope b of a linear trend fitted to the series,
///   yhat_{n+h} = l_n + (b / 2) (h - 1 + (1 - (1 - alpha)^n) / alpha),
/// with the ANN forecast variance sigma^2 (1 + (h - 1) alpha^2) (as R's forecast::thetaf, whose
/// ses() fits ANN by one-step mean squared error).
#include <string>
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

/// The Theta family of Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler (2016), "Models for
/// optimising the theta method and their relationship to state space models", IJF 32(4),
/// 1151-1161, with the initial level estimated, as statsforecast's Theta models parameterise it.
/// With phi = 1 - 1/theta, the one-step forecast of y_t (t = 1, ..., 0-based) is
///   mu_t = l_{t-1} + phi (A_{t-1} (1 - alpha)^t + B_{t-1} (1 - (1 - alpha)^{t+1}) / alpha),
///   l_t  = alpha y_t + (1 - alpha) l_{t-1},   l_{-1} the initial level,
/// where A and B are the intercept and slope of the least-squares line through the series: the
/// whole series' for the static models (STM, OTM); for the dynamic ones (DSTM, DOTM) the line
/// through y_0..y_t, updated as each observation arrives (Fiorucci et al. eqs. 11-13). Forecasts
/// run the same recursion with y replaced by its forecast. STM and DSTM fix theta = 2 (the
/// classical Theta method); OTM and DOTM estimate it.
enum class ThetaVariant { Standard, Optimized, DynamicStandard, DynamicOptimized };

/// "STM", "OTM", "DSTM", "DOTM" (the paper's and statsforecast's abbreviations).
std::string to_string(ThetaVariant variant);

class ThetaFamilyModel {
public:
    /// The parameters' box, as statsforecast bounds them: alpha in [0.1, 0.99], theta in [1, 1e10].
    static constexpr double min_alpha = 0.1, max_alpha = 0.99, max_theta = 1e10;

    /// Least squares on the one-step errors from the fourth observation on (statsforecast's
    /// criterion; the first three are burn-in), minimised exactly: the errors are linear in the
    /// initial level and in phi, so for each alpha both come from a bounded linear least-squares
    /// problem, and alpha from a grid of 90 points refined by Brent's method. The optimum is
    /// therefore global in (level, theta) and at least as good as a simplex search's. Needs 5
    /// observations for STM and DSTM, 6 for OTM and DOTM (more errors than parameters); throws
    /// InputError otherwise or for a non-finite value.
    static ThetaFamilyModel fit(const std::vector<double>& y, ThetaVariant variant);
    /// The variant with the smallest criterion among those the series is long enough for (as
    /// statsforecast's AutoTheta chooses).
    static ThetaFamilyModel select(const std::vector<double>& y);
    /// The recursion at given parameters, without fitting (to check it against other code).
    static ThetaFamilyModel at(const std::vector<double>& y, ThetaVariant variant, double initial_level, double alpha,
                               double theta);

    ThetaVariant variant() const { return variant_; }
    double initial_level() const { return initial_level_; }
    double alpha() const { return alpha_; }
    double theta() const { return theta_; }
    /// Sum of squared one-step errors from the fourth observation on, over mean |y|
    /// (statsforecast's "mse"; the scale does not change which variant is smallest).
    double criterion() const { return criterion_; }
    /// The innovation variance: the mean squared one-step error from the fourth observation on.
    double sigma2() const { return sigma2_; }
    int n() const { return static_cast<int>(residuals_.size()); }
    /// One-step errors y_t - mu_t for every t (the first is 0 for the dynamic models).
    const std::vector<double>& residuals() const { return residuals_; }
    std::vector<std::pair<std::string, double>> params() const;

    /// Point forecasts for steps 1..h.
    Eigen::VectorXd mean(int h) const;
    /// Forecast variances for steps 1..h: sigma2 times the sum of the squared responses of the
    /// h-step forecast to each earlier step's innovation (the recursion is linear in y; for the
    /// static models this is SES's 1 + (h - 1) alpha^2).
    Eigen::VectorXd variance(int h) const;
    /// One simulated path (innovations N(0, sigma2), each fed back into the recursion), whose
    /// mean and variance are mean() and variance().
    void simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const;

    /// The recursion's state after an observation (index t): level, mean of y_0..y_t, and the
    /// line's intercept A and slope B.
    struct State {
        double level = 0, mean = 0, a = 0, b = 0;
    };

private:
    bool dynamic() const;
    double phi() const { return 1.0 - 1.0 / theta_; }
    // mu_t from the state after t - 1, and the state after y_t.
    double one_step(const State& before, int t) const;
    State update(const State& before, int t, double y) const;
    // Forecasts for steps 1..h with the given innovations added to each step's forecast.
    Eigen::VectorXd run(int h, const Eigen::VectorXd& shocks) const;

    ThetaVariant variant_ = ThetaVariant::Standard;
    double initial_level_ = 0, alpha_ = 0.5, theta_ = 2, criterion_ = 0, sigma2_ = 0;
    State last_;  // after the last observation
    std::vector<double> residuals_;
};

}  // namespace tradetarget
