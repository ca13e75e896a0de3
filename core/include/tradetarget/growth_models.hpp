#pragma once
/// \file growth_models.hpp
/// Growth models for an annual series in log levels. Each fitted model gives
///  - a point forecast and Student-t predictive quantiles (small-sample, parameter uncertainty
///    included), and
///  - sample paths that draw the parameters from their posterior under the reference prior
///    p(beta, sigma^2) ∝ 1/sigma^2 before drawing the innovations, so that each year's path
///    distribution *is* that Student-t predictive (Gelman et al., Bayesian Data Analysis, 3rd ed.,
///    §14.2 and §3.2): classical prediction intervals and simulated target probabilities agree.
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/arima.hpp"
#include "tradetarget/observations.hpp"
#include "tradetarget/posterior.hpp"
#include "tradetarget/random.hpp"

namespace tradetarget {

/// An annual series in logs, with years strictly increasing (gaps allowed) and, per year, the
/// uncertainty of the value itself (source disagreement, in logs; 0 when known exactly).
struct AnnualSeries {
    std::vector<int> years;
    Eigen::VectorXd log_level;
    Eigen::VectorXd log_sd;

    /// From levels (e.g. US$): every value must be finite and > 0, years strictly increasing.
    static AnnualSeries from_levels(const std::vector<int>& years, const std::vector<double>& levels,
                                    const std::vector<double>& log_sd = {});
    /// A series without calendar years, indexed by position 1..n (as R's ts() indexes one).
    static AnnualSeries from_steps(const std::vector<double>& levels);
    static AnnualSeries from_reconciled(const ReconciledSeries& series);

    int size() const { return static_cast<int>(years.size()); }
    int last_year() const { return years.back(); }
};

enum class ModelKind { LogLinearTrend, RandomWalkDrift, Logistic, Gompertz, LocalLinearTrend, AutoEts, EtsAicc, AutoArima, Theta,
                       ReferenceRandomWalk, Ets, Arima,
                       StandardTheta, OptimizedTheta, DynamicTheta, DynamicOptimizedTheta, AutoTheta, Ensemble };

struct ReferenceClass;   // reference_class.hpp
struct EnsembleWeights;  // ensemble.hpp

/// In-sample diagnostics of a fitted model: its innovation residuals (the one-step-ahead errors on
/// the scale of its innovations: logs for the log models; levels, or relative errors for ETS with
/// multiplicative errors, for models of levels; Hyndman & Athanasopoulos, FPP3 §5.3), with the
/// year of each, and the maximised log likelihood with the number of estimated parameters (the
/// variance included) for the information criteria. A model without a likelihood of its own (Theta,
/// the AICc-weighted ETS mixture) has NaN there; reference_rw's is its marginal likelihood given
/// the reference class, with no parameter estimated.
struct FitDiagnostics {
    std::vector<int> years;
    std::vector<double> residuals;
    double log_likelihood = std::numeric_limits<double>::quiet_NaN();
    int n_parameters = 0;
    int n_observations = 0;  ///< observations the likelihood is of
    /// The innovations' variance as the model estimates it (R's sigma2 for the models of levels;
    /// NaN for the models in logs, whose scale is among their params).
    double innovation_variance = std::numeric_limits<double>::quiet_NaN();
    /// AIC = -2 LL + 2k; AICc = AIC + 2k(k+1)/(n-k-1) (NaN when n <= k + 1); BIC = -2 LL + k log n.
    double aic() const;
    double aicc() const;
    double bic() const;
};

/// Gaussian log likelihood at the maximum over sigma^2 of residuals e_j with variances sigma^2 g_j
/// (g_j: the gap in years of each; all 1 for yearly residuals): -m/2 (log(2 pi s2) + 1) - sum log(g_j)/2,
/// s2 = sum(e_j^2 / g_j) / m.
double gaussian_log_likelihood(const std::vector<double>& residuals, const std::vector<double>& gaps = {});

/// The model's name, and back (the registry, registry.hpp, holds both).
ModelKind parse_model(const std::string& name);
std::string to_string(ModelKind kind);
/// The fewest observed years a model can be fitted to (from the registry).
int minimum_years(ModelKind kind);

class GrowthModel {
public:
    virtual ~GrowthModel() = default;
    virtual ModelKind kind() const = 0;
    /// The fitted class in words (e.g. "ETS(M,A,N)"); the model's name where there is one class.
    virtual std::string method() const { return to_string(kind()); }
    /// Estimated log growth per year, and its standard error.
    virtual double log_growth() const = 0;
    virtual double log_growth_se() const = 0;
    /// Named parameter estimates.
    virtual std::vector<std::pair<std::string, double>> params() const = 0;
    /// Predictive distribution of log level in `year` (> last observed year):
    /// location + scale * t_df.
    virtual double mean_log(int year) const = 0;
    virtual double predictive_scale(int year) const = 0;
    virtual double df() const = 0;
    /// One sample path of log levels for years first_year, first_year+1, ... (out.size() years),
    /// with parameters drawn from their posterior.
    virtual void simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const = 0;
    /// The same fit whose paths draw their parameters from the posterior (draw) or keep them at the
    /// estimates (!draw, as R's simulate()), without refitting; nullptr when that changes nothing:
    /// the models in logs always integrate their parameters out, and a fit may already be so set.
    virtual std::shared_ptr<const GrowthModel> with_parameter_uncertainty(bool draw) const;

    int last_year() const { return last_year_; }
    double last_log_level() const { return last_log_level_; }
    virtual double quantile_log(int year, double p) const;
    /// The point forecast of the level in `year`: exp(mean_log), the predictive median, for the
    /// log models; the predictive mean for models of levels (as R's forecast reports them).
    virtual double point_forecast(int year) const;
    /// The p-quantile of the level in `year`: exp(quantile_log) for the log models; models of
    /// levels give their own (normal, possibly below zero, as R's forecast).
    virtual double forecast_quantile(int year, double p) const;
    /// forecast_quantile at each of `ps` (a model of levels builds its predictive distribution once).
    virtual std::vector<double> forecast_quantiles(int year, const std::vector<double>& ps) const;
    /// P(level in `year` <= x): the distribution forecast_quantile inverts (for the log models 0
    /// at x <= 0); the ensemble mixes its members' (ensemble.hpp).
    virtual double forecast_cdf(int year, double x) const;
    /// Residuals and likelihood of the fit (FitDiagnostics above).
    const FitDiagnostics& diagnostics() const { return diagnostics_; }

protected:
    GrowthModel(int last_year, double last_log_level)
        : last_year_(last_year), last_log_level_(last_log_level) {}
    FitDiagnostics diagnostics_;  // filled by each model's constructor

private:
    int last_year_;
    double last_log_level_;
};

/// log y_t = a + b (t - tbar) + e_t, e_t ~ N(0, sigma^2) iid, fitted by least squares through a
/// Householder QR of the design (never the normal equations). Needs 3 years.
class LogLinearTrend final : public GrowthModel {
public:
    explicit LogLinearTrend(const AnnualSeries& series);
    ModelKind kind() const override { return ModelKind::LogLinearTrend; }
    double log_growth() const override { return beta_(1); }
    double log_growth_se() const override;
    std::vector<std::pair<std::string, double>> params() const override;
    double mean_log(int year) const override;
    double predictive_scale(int year) const override;
    double df() const override { return static_cast<double>(n_ - 2); }
    void simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const override;

    double sigma() const { return s_; }

private:
    int n_;
    double t_mean_;
    Eigen::Vector2d beta_;
    Eigen::Matrix2d r_inverse_;  // R^{-1} from X = QR, so (X'X)^{-1} = R^{-1} R^{-T}
    double s_;                   // residual standard error, RSS / (n - 2)
};

/// log y_t = log y_{t-1} + mu + sigma e_t (geometric Brownian motion sampled once a year).
/// With gaps, an increment over d years has mean d mu and variance d sigma^2, so
/// mu_hat = (y_last - y_first) / span and s^2 = sum (dy - mu_hat d)^2 / d / (m - 1) for m
/// increments (Hyndman & Athanasopoulos, FPP3 §5.5 for the gap-free case). Needs 3 years.
class RandomWalkDrift final : public GrowthModel {
public:
    explicit RandomWalkDrift(const AnnualSeries& series);
    ModelKind kind() const override { return ModelKind::RandomWalkDrift; }
    double log_growth() const override { return mu_; }
    double log_growth_se() const override;
    std::vector<std::pair<std::string, double>> params() const override;
    double mean_log(int year) const override;
    double predictive_scale(int year) const override;
    double df() const override { return static_cast<double>(increments_ - 1); }
    void simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const override;

    double drift() const { return mu_; }
    double sigma() const { return s_; }
    /// Years between the first and the last observation.
    double span() const { return span_; }
    int increments() const { return increments_; }

private:
    double mu_;
    double s_;
    double span_;
    int increments_;
};

/// Options some models take (the registry, registry.hpp, lists which model takes which).
struct ModelOptions {
    /// The capacity of a saturating curve (NaN: estimated).
    double capacity = std::numeric_limits<double>::quiet_NaN();
    /// The class of `ets`: "ANN", "AAN", "AAdN", "MNN", "MAN" or "MAdN" (required by it).
    std::string ets_class;
    /// The order of `arima`, with its constant: the mean for d = 0, the drift for d = 1 (required by it).
    std::optional<ArimaOrder> arima_order;
    /// The level models' paths (ets, auto_ets, ets_aicc, arima, auto_arima, theta) draw their parameters
    /// from the posterior; false: at the estimates, as R's simulate().
    bool parameter_uncertainty = true;
    /// How those posterior draws are made (simulate_paths makes them smaller for a model refitted
    /// to a redrawn series, which serves only a few paths).
    ImportanceOptions posterior;
    /// The prior of reference_rw (required by it, ignored by the others).
    std::shared_ptr<const ReferenceClass> reference;
    /// The pool and weights of `ensemble` (default: equal weights over default_ensemble_pool()).
    std::shared_ptr<const EnsembleWeights> ensemble;
    /// The models of levels forecast a positive series as positive: their normal predictive
    /// distribution conditioned on the level being above zero (level_models.hpp); false: R's
    /// forecast exactly, whose point forecasts and bounds can be at or below zero.
    bool positive = true;
    /// The Box-Cox lambda of the ETS and ARIMA models (ets, auto_ets, ets_aicc, arima,
    /// auto_arima; box_cox.hpp): the model is fitted to the transformed series, as R's
    /// ets(lambda =) and auto.arima(lambda =) (ETS then takes its additive-error classes only).
    /// NaN: no transformation, unless box_cox_auto.
    double box_cox_lambda = std::numeric_limits<double>::quiet_NaN();
    /// Choose lambda by Guerrero's method in [-0.9, 2] (guerrero_lambda), as R's lambda = "auto".
    bool box_cox_auto = false;
    /// With a Box-Cox lambda, the point forecast is the level's (approximate) mean, R's
    /// biasadj = TRUE; false: the inverse transform of the transformed mean (a median), R's default.
    bool biasadj = true;
};

/// Fits `kind` to `series`; throws InputError if the series is too short for it.
std::unique_ptr<GrowthModel> fit_model(ModelKind kind, const AnnualSeries& series,
                                       const ModelOptions& options = {});

/// Compound annual growth rate between two levels: (v1 / v0)^(1 / (y1 - y0)) - 1.
double compound_growth(double value0, int year0, double value1, int year1);

}  // namespace tradetarget
