#pragma once
/// \file ets.hpp
/// Exponential smoothing in innovations state-space form, non-seasonal classes (Hyndman, Koehler,
/// Ord & Snyder 2008, "Forecasting with Exponential Smoothing", ch. 2 and 6):
///   ANN, AAN, AAdN (additive errors) and MNN, MAN, MAdN (multiplicative errors).
/// One-step forecast f_t = l_{t-1} + phi b_{t-1}; error e_t = y_t - f_t (A) or (y_t - f_t) / f_t
/// (M); both classes share the state recursions (HKOS Table 2.1):
///   l_t = f_t + alpha (y_t - f_t),   b_t = phi b_{t-1} + (beta / alpha)(l_t - l_{t-1} - phi b_{t-1}).
/// Estimation is by maximum likelihood as in R's forecast::ets (Hyndman & Khandakar 2008):
/// minimise n log(sum e^2) (+ 2 sum log|f_t| for M) over (alpha, beta, phi, l0, b0) by
/// Nelder–Mead from R's starting values, inside the "usual" bounds
/// (1e-4 <= beta <= alpha <= 0.9999, 0.8 <= phi <= 0.98) intersected with the admissible region.
/// Information criteria follow R's conventions (the constant terms of the Gaussian likelihood
/// omitted; k = number of estimated parameters + 1 for sigma).
/// Prediction intervals are analytic: HKOS classes 1 (additive error, eq. 6.4) and 2
/// (multiplicative error, eq. 6.5-6.6), with normal quantiles, as R does.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/posterior.hpp"
#include "tradetarget/random.hpp"

namespace tradetarget {

enum class EtsError { Additive, Multiplicative };
/// What the optimiser minimises: the likelihood criterion, or the one-step mean squared error
/// (R's opt.crit = "mse", which ses() and so thetaf() use).
enum class EtsCriterion { Likelihood, Mse };
enum class EtsTrend { None, Additive, Damped };

struct EtsSpec {
    EtsError error = EtsError::Additive;
    EtsTrend trend = EtsTrend::None;

    std::string name() const;  ///< "ANN", "AAdN", "MAN", ...
    std::string label() const;  ///< as R prints it: "ETS(A,Ad,N)"
    /// Smoothing parameters plus initial states: what the optimiser estimates.
    int n_free() const;
    /// The fewest observations the class is fitted to (R: n_free < n - 1).
    int minimum_length() const { return n_free() + 2; }
    static EtsSpec parse(const std::string& name);
    static std::vector<EtsSpec> all();
};

class EtsModel {
public:
    /// Fits one class. Throws InputError if the series is too short for it, has non-finite
    /// values, or (multiplicative errors) is not strictly positive.
    static EtsModel fit(const std::vector<double>& y, EtsSpec spec,
                        EtsCriterion criterion = EtsCriterion::Likelihood);
    /// Every class the series can support, chosen by AICc (as R's ets() does, without its
    /// silent fallback to Holt–Winters on short series: too short for every class is an error).
    /// additive_only: the additive-error classes only (R's ets(additive.only = TRUE), as for a
    /// Box-Cox transformed series).
    static EtsModel select(const std::vector<double>& y, bool additive_only = false);

    /// Every class the series supports with its Akaike weight exp(-dAICc / 2) / sum (Burnham &
    /// Anderson 2002, §2.9): the AICc-weighted combination of exponential smoothing models, whose
    /// likelihoods share one scale.
    static std::vector<std::pair<EtsModel, double>> aicc_weights(const std::vector<double>& y,
                                                                 bool additive_only = false);

    const EtsSpec& spec() const { return spec_; }
    double alpha() const { return alpha_; }
    double beta() const { return beta_; }
    double phi() const { return phi_; }
    double l0() const { return l0_; }
    double b0() const { return b0_; }
    double loglik() const { return loglik_; }
    double aic() const { return aic_; }
    double aicc() const { return aicc_; }
    double bic() const { return bic_; }
    double sigma2() const { return sigma2_; }
    int n() const { return n_; }
    const std::vector<double>& residuals() const { return residuals_; }
    /// Named estimates as R's forecast names them: alpha, beta, phi, l, b.
    std::vector<std::pair<std::string, double>> params() const;

    /// Point forecasts (means) and forecast variances for steps 1..h.
    Eigen::VectorXd mean(int h) const;
    Eigen::VectorXd variance(int h) const;
    /// One simulated future path of levels for steps 1..out.size() (innovations at the
    /// estimated parameters).
    void simulate(Rng& rng, Eigen::Ref<Eigen::VectorXd> out) const;

    /// Parameter uncertainty: equally weighted draws of this class's parameters given the series
    /// `y` it was fitted to, each a model ready to simulate (its states run through y), and the
    /// effective sample size of the importance weights behind them. The posterior has a flat
    /// prior on (alpha, beta, phi, l0, b0) over the bounds and admissible region of the fit and
    /// the Jeffreys prior 1 / sigma^2; with sigma^2 integrated out its density is
    /// exp(-criterion / 2), the criterion the fit minimises (HKOS eq. 5.3 with sigma^2
    /// concentrated out; the exponent n/2 is the same), and sigma^2 given the parameters is
    /// SSE / chi^2_n (BDA3 §3.2). Sampled by importance_resample, started at the estimate.
    std::pair<std::vector<EtsModel>, double> posterior_draws(const std::vector<double>& y,
                                                             const ImportanceOptions& options = {}) const;

private:
    /// The model at the estimates x (the optimiser's coordinates), its states run through y.
    static EtsModel from_estimate(const std::vector<double>& y, EtsSpec spec, const Eigen::VectorXd& x);
    /// Every class the series supports, fitted once (select and aicc_weights share these fits),
    /// and the index of the smallest finite AICc; throws when no class has one.
    static std::pair<std::vector<EtsModel>, std::size_t> fit_every_class(const std::vector<double>& y,
                                                                         bool additive_only);

    EtsSpec spec_;
    double alpha_ = 0, beta_ = 0, phi_ = 1, l0_ = 0, b0_ = 0;
    double loglik_ = 0, aic_ = 0, aicc_ = 0, bic_ = 0, sigma2_ = 0;
    double level_ = 0, slope_ = 0;  // states after the last observation
    int n_ = 0;
    std::vector<double> residuals_;
};

}  // namespace tradetarget
