#pragma once
/// \file level_models.hpp
/// Automatic ETS, the AICc-weighted combination of the ETS classes, automatic ARIMA and Theta,
/// which model the *levels* of a gap-free annual series,
/// presented to the target engine as growth models so that time-to-target, tables and plots work
/// for them unchanged. Paths are simulated on levels and logged. They carry parameter
/// uncertainty by default: each path draws its parameters from the model's posterior
/// (EtsModel / ArimaModel / ThetaModel::posterior_draws, 1,000 draws made once, at the first
/// path, from a fixed seed, so the paths stay a function of the data and the path seed). The
/// forecast_quantile intervals are R's (innovations only) in every case, conditioned as below.
///
/// Positive series (ModelOptions::positive, the default). The models' normal predictive
/// distribution of the level puts mass at and below zero, where a trade series never goes (R's
/// forecast reports such bounds, and ARIMA point forecasts below zero). By default it is
/// conditioned on the level being above zero: in each year the normal (or normal mixture)
/// truncated at zero, whose mean is the point forecast and whose quantiles are the bounds (Johnson,
/// Kotz & Balakrishnan, Continuous Univariate Distributions 1, 2nd ed., 1994, §10.1). The ETS
/// classes with multiplicative errors instead take the lognormal with the normal's mean and
/// variance (their levels are products of (1 + error) factors), so their point forecast stays R's
/// and their bounds are positive and skewed, as their paths are: on M3 yearly, truncating their
/// normal raised auto ETS's MASE from 2.86 to 3.08, while truncation lowered the additive models'
/// sMAPE and MASE. A path of an
/// additive model maps each year's level x to Q+(F(x)), F the normal's cdf and Q+ the truncated
/// one's quantile: each year's paths have the truncated distribution, and a path keeps its ranks
/// across years (its copula), so first passages stay coherent. (Paths that draw their parameters
/// are wider than F; mapped by F they stay above zero and keep their extra spread.) A path of a
/// multiplicative class is its own, skewed and positive (its error would have to pass -100%); the
/// AICc-weighted ETS maps each path by the class it was drawn from. For the additive models, where
/// the normal puts next to no mass below zero nothing changes: below 1e-10 relative when it puts
/// less than about 1e-11 there; paths change only in the years where it puts more than 1e-15
/// there. positive = false gives R's forecast exactly; then a path at or below zero has log level
/// -inf and never reaches a target.
///
/// Box-Cox (ModelOptions::box_cox_lambda / box_cox_auto; ETS and ARIMA): the model is fitted to
/// box_cox(level / unit, lambda) (box_cox.hpp; unit the series' geometric mean by default, so that
/// the forecast is free of the unit, 1 with positive = false, as R). The level's quantiles are
/// the inverse transform's of the model's normal, conditioned by default on a positive, finite
/// level (beyond -1 / lambda the inverse is at or below zero, lambda > 0, or infinite, lambda < 0);
/// its point forecast R's bias-adjusted mean (biasadj) or the back-transformed mean.
///
/// The point forecast is the log of the forecast mean; predictive_scale() is the delta-method
/// sd / mean (a display approximation; the paths are exact).
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include "tradetarget/arima.hpp"
#include "tradetarget/ets.hpp"
#include "tradetarget/growth_models.hpp"
#include "tradetarget/theta.hpp"

namespace tradetarget {

/// Whether `kind` is one of the Theta family's models (standard_theta, optimized_theta, dynamic_theta,
/// dynamic_optimized_theta, auto_theta), and its fit to a series of levels (throws InputError for
/// another kind).
bool is_theta_family(ModelKind kind);
ThetaFamilyModel fit_theta_family(ModelKind kind, const std::vector<double>& levels);

class LevelForecastModel final : public GrowthModel {
public:
    /// kind is Ets (options.ets_class), AutoEts, EtsAicc, Arima (options.arima_order), AutoArima or
    /// Theta; the years must be consecutive. options.parameter_uncertainty: paths draw their
    /// parameters from the posterior (options.posterior; else they use the estimates, as R's
    /// simulate() does).
    LevelForecastModel(ModelKind kind, const AnnualSeries& series, const ModelOptions& options = {});

    ModelKind kind() const override { return kind_; }
    double log_growth() const override;
    double log_growth_se() const override;
    std::vector<std::pair<std::string, double>> params() const override;
    double mean_log(int year) const override;
    double predictive_scale(int year) const override;
    double df() const override { return 1e9; }
    void simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const override;
    /// The forecast mean, and normal quantiles at the forecast mean and variance (HKOS eq. 6.4
    /// for ETS, as R's forecast.ets; exact for ARIMA and Theta); for the AICc-weighted ETS the
    /// quantile of the normal mixture, found by TOMS 748 root finding.
    double point_forecast(int year) const override;
    double forecast_quantile(int year, double p) const override;
    std::vector<double> forecast_quantiles(int year, const std::vector<double>& ps) const override;
    double forecast_cdf(int year, double x) const override;

    std::string method() const override;
    std::shared_ptr<const GrowthModel> with_parameter_uncertainty(bool draw) const override;

    /// Effective sample size of the importance weights behind the parameter draws (the smallest
    /// over the mixture's classes); NaN until a path has been simulated, or when paths carry no
    /// parameter uncertainty.
    double posterior_ess() const;

private:
    /// The fit of `other` (its estimates shared, not copied) with paths that draw or do not.
    LevelForecastModel(const LevelForecastModel& other, bool draw);
    /// The forecast mean and variance, 1..steps years ahead, of the model, or of each class of the
    /// AICc-weighted mixture with its weight; multiplicative: ETS with multiplicative errors.
    struct ComponentForecast {
        double weight;
        Eigen::VectorXd mean, variance;
        bool multiplicative;
    };
    std::vector<ComponentForecast> component_forecasts(int steps) const;
    /// component_forecasts for at least `steps` years, computed once for every quantile, cdf and
    /// point forecast asked of the model (an ARIMA's variances cost O(steps^2) matrix products);
    /// grown, under forecasts_mutex_, when more years are asked for (a caller holds the pointer while
    /// it reads: another thread may replace the cache meanwhile).
    std::shared_ptr<const std::vector<ComponentForecast>> cached_forecasts(int steps) const;
    mutable std::mutex forecasts_mutex_;
    mutable std::shared_ptr<const std::vector<ComponentForecast>> forecasts_;
    mutable int forecast_years_ = 0;
    /// The predictive distribution of the level in `year` (conditioned on it being above zero when
    /// `conditioned`): a mixture of one normal or more, each perhaps truncated at zero.
    struct Predictive;
    Predictive predictive(int year, bool conditioned) const;
    /// Per year ahead and per component, how a simulated level maps to the forecast conditioned on
    /// a positive level; built for the years asked for, and grown (under transform_mutex_) when more are.
    struct PathTransform;
    std::shared_ptr<const PathTransform> path_transform(int years) const;
    mutable std::mutex transform_mutex_;
    mutable std::shared_ptr<const PathTransform> transform_;
    void draw_parameters() const;  // once, at the first simulated path

    std::vector<double> levels_;
    bool parameter_uncertainty_ = true;
    bool positive_ = true;
    bool biasadj_ = true;
    double lambda_ = std::numeric_limits<double>::quiet_NaN();  // Box-Cox (NaN: none); levels_ transformed
    bool lambda_chosen_ = false;  // by Guerrero's method (box_cox_auto)
    double unit_ = 1.0;  // with Box-Cox: levels_ = box_cox(level / unit_, lambda_)
    ImportanceOptions posterior_options_;
    mutable std::once_flag drawn_;
    mutable std::vector<std::vector<EtsModel>> draws_;  // per ETS model (one, or one per mixture class)
    mutable std::vector<ArimaModel> arima_draws_;
    mutable std::vector<ThetaModel> theta_draws_;
    mutable double posterior_ess_ = std::numeric_limits<double>::quiet_NaN();

    ModelKind kind_;
    std::shared_ptr<const EtsModel> ets_;
    std::shared_ptr<const ArimaModel> arima_;
    std::shared_ptr<const ThetaModel> theta_;
    std::shared_ptr<const ThetaFamilyModel> theta_family_;  // paths at the estimates
    std::vector<std::pair<std::shared_ptr<const EtsModel>, double>> mixture_;  // EtsAicc: class, weight
};

}  // namespace tradetarget
