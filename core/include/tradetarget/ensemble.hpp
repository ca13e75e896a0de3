#pragma once
/// \file ensemble.hpp
/// `ensemble`: a weighted combination of a pool of the registry's models. The weights are equal by
/// default, or learnt out of sample across a panel (stacking; Breiman 1996, Wolpert 1992): every
/// model of the pool forecasts a panel
/// of series from rolling origins (each forecast made from the years before its origin only) and
/// the weights, on the simplex, minimise the combination's mean absolute scaled error over them
/// (MASE, Hyndman & Koehler 2006), by exponentiated gradient (Kivinen & Warmuth 1997). Equal
/// weights are the default because learnt ones often lose to them out of sample (the "forecast
/// combination puzzle", Smith & Wallis 2009; Claeskens et al. 2016): on M3 yearly, weights learnt
/// on the years before each series' last six forecast those six worse (docs/guide/more-models.md).
/// See Hyndman & Athanasopoulos, FPP3 §13.4, and Petropoulos & Svetunkov (2020, IJF 36(1)).
///
/// Point forecast: sum_k w_k f_k (each member's own point forecast). Paths: a proper mixture, each
/// path drawn from member k with probability w_k (so the target engine works on it unchanged);
/// quantiles: the mixture's, sum_k w_k F_k(x) = p solved by TOMS 748 between the members' own
/// p-quantiles (F_k: each member's forecast_cdf).
#include <memory>
#include <string>
#include <vector>

#include "tradetarget/growth_models.hpp"

namespace tradetarget {

/// A pool and its weights, with where the weights come from.
struct EnsembleWeights {
    std::vector<ModelKind> pool;
    std::vector<double> weights;  ///< on the simplex, one per pool member
    std::string source;           ///< "equal weights", or the panel they were learnt from
    int series = 0;               ///< series and (series, origin) forecasts they were learnt on
    int forecasts = 0;
    /// Mean MASE of each pool member alone over the forecasts it made itself (NaN: none), and of
    /// the combination over all of them (a member that failed at an origin counts there as the
    /// mean of the others).
    std::vector<double> member_mase;
    double combined_mase = 0.0;

    /// Equal weights over `pool` (default: default_ensemble_pool()).
    static EnsembleWeights equal(std::vector<ModelKind> pool = {});
    /// Throws InputError unless the pool is non-empty, holds each model once and only models that
    /// need no options of their own, and the weights match it, are finite, >= 0 and not all 0.
    void validate() const;
};

/// The default pool: auto_ets, auto_arima, theta, dynamic_optimized_theta, optimized_theta and
/// rw_drift: different structures (smoothing, ARIMA, the Theta family, a random walk in logs).
std::vector<ModelKind> default_ensemble_pool();

/// Learns the weights of `pool` on a panel of gap-free positive series (levels, one vector per
/// series): for each series, origins at o - k for k = 0 .. origins - 1, o = max(n - horizon, the
/// pool's largest minimum years) (those that leave every member its minimum years and at least
/// one year to score), every member
/// fitted on the years before the origin and scored over up to `horizon` years after it. A member
/// that cannot be fitted at an origin takes the mean of the others' forecasts there, so a failure
/// is neither rewarded nor fatal. Runs on `threads` threads (0: all); the result does not depend
/// on the thread count. Throws InputError naming the problem: a pool validate() refuses, a series
/// with a value that is not finite and positive, no origin to learn from (every series too short
/// or flat before its origins, or no member fitted).
EnsembleWeights learn_ensemble_weights(const std::vector<std::vector<double>>& panel, std::vector<ModelKind> pool = {},
                                       int horizon = 6, int origins = 3, int threads = 0,
                                       const std::string& source = "a panel");

class EnsembleModel final : public GrowthModel {
public:
    /// Fits every member of weights.pool to `series` that its length allows (and that converges)
    /// and renormalises the weights over them. Throws InputError naming each member's reason when
    /// none can be fitted.
    EnsembleModel(const AnnualSeries& series, const EnsembleWeights& weights, const ModelOptions& options = {});

    ModelKind kind() const override { return ModelKind::Ensemble; }
    std::string method() const override;
    double log_growth() const override;
    double log_growth_se() const override;
    /// weight_<member> for each fitted member.
    std::vector<std::pair<std::string, double>> params() const override;
    /// log of the point forecast, and the mixture's sd of the log level (members' mean_log and
    /// predictive_scale, mixed by weight): a display approximation; paths and quantiles are exact.
    double mean_log(int year) const override;
    double predictive_scale(int year) const override;
    double df() const override { return 1e9; }
    void simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const override;
    double point_forecast(int year) const override;
    double forecast_quantile(int year, double p) const override;
    double forecast_cdf(int year, double x) const override;
    std::shared_ptr<const GrowthModel> with_parameter_uncertainty(bool draw) const override;

    struct Member {
        std::shared_ptr<const GrowthModel> model;
        double weight;
    };
    const std::vector<Member>& members() const { return members_; }
    const EnsembleWeights& weights() const { return weights_; }

private:
    EnsembleModel(const EnsembleModel& other, std::vector<Member> members);
    double log_moment(int year, bool variance) const;

    EnsembleWeights weights_;
    std::vector<Member> members_;
};

}  // namespace tradetarget
