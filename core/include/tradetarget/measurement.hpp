#pragma once
/// \file measurement.hpp
/// The measurement model: every statement, as it was made, tied to one latent annual series.
///
/// Latent process (log annual level x_t), the local linear trend of Harvey (1989, §2.3.2):
///   x_t = x_{t-1} + mu_{t-1} + eta_t,  mu_t = mu_{t-1} + zeta_t,
///   eta ~ N(0, sigma_level^2), zeta ~ N(0, sigma_slope^2) (sigma_slope = 0: random walk with a
///   drift that the filter estimates, with its uncertainty).
/// State a_t = (x_t, mu_t, x_{t-1}, b_1..b_S): the lagged level makes growth statements linear,
/// and b_s is the bias of source s, a static state with prior N(0, bias_prior_sd^2) that shrinks
/// it towards zero (Durbin & Koopman 2012, §3.2 and §6.4 for static regression effects).
///
/// Measurement equations, one scalar row each (all in logs, all linear in the state):
///   level / approx_level / current_level (year t):  y = x_t + b_s + e,
///   partial period of m months of year t:           y = x_t + log(m / 12) + b_s + e + s,
///       s ~ N(0, partial_share_sd^2) the unknown seasonal share (a documented prior: no monthly
///       data exist for it here),
///   growth rate g for year t:                       log(1 + g) = x_t - x_{t-1} + e,
///   range [L, U] for year t:                        y = (log L + log U) / 2, with the variance
///       (log U - log L)^2 / 12 of a uniform added (moment matching),
///   exports + imports of the same year and source:  their sum is a level of the total.
/// e ~ N(0, (k sigma_obs)^2) with k = 1 for levels and growth, approx_multiplier for approximate
/// and current levels. Bounds, multi-year sums and expectations are reported and not used.
///
/// Parameters (sigma_level, sigma_obs) are integrated out on a log-spaced grid with a log-uniform
/// prior; each grid point is a Kalman filter run (approximate diffuse start, kappa = 1e6). Sample
/// paths draw a grid point by its posterior weight, then the final state from its filtered
/// distribution, then the future: innovation, parameter, state and source uncertainty together.
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/kalman.hpp"
#include "tradetarget/observations.hpp"
#include "tradetarget/simulation.hpp"

namespace tradetarget {

struct MeasurementOptions {
    double sigma_slope = 0.0;         ///< slope noise; 0 = random walk with (estimated) drift
    double partial_share_sd = 0.10;   ///< log sd of a partial period's share of its year
    double approx_multiplier = 2.0;   ///< error scale of approximate and "current" levels
    double bias_prior_sd = 0.10;      ///< prior sd of each source's bias; 0 = no biases
    double sigma_level_min = 0.01, sigma_level_max = 1.0;
    /// Prior range of the error scale of a figure as reported: rounding and reporting noise.
    /// Systematic differences (definitions, mirror statistics) are the sources' biases.
    double sigma_obs_min = 0.005, sigma_obs_max = 0.15;
    int grid_points = 25;             ///< per parameter
    int threads = 0;                  ///< the grid's cells run on this many threads (0: all cores)

    void validate() const;
};


/// Reconciled year: posterior of the latent level.
struct LatentYear {
    int year = 0;
    double log_mean = 0.0;
    double log_sd = 0.0;
    int n_observations = 0;  ///< measurements that refer to this year
};

struct ObservationResidual {
    std::string id, where;
    int year = 0;
    double observed = 0.0;      ///< in logs, as measured
    double fitted = 0.0;        ///< smoothed prediction of the measurement
    double standardized = 0.0;  ///< (observed - fitted) / its sd: which figure is out of line
};

struct SourceBias {
    std::string source;
    double mean = 0.0, sd = 0.0;  ///< in logs
};


class MeasurementModel {
public:
    MeasurementModel(const std::vector<Observation>& observations, const MeasurementOptions& options = {});

    const std::vector<MeasurementRow>& rows() const { return rows_; }
    const std::vector<Decision>& decisions() const { return decisions_; }
    /// Every year from the first to the last one any observation refers to, gaps included.
    const std::vector<LatentYear>& years() const { return years_; }
    const std::vector<ObservationResidual>& residuals() const { return residuals_; }
    const std::vector<SourceBias>& biases() const { return biases_; }
    double sigma_level_mode() const { return sigma_level_mode_; }
    double sigma_obs_mode() const { return sigma_obs_mode_; }
    /// Posterior means of the two scales.
    double sigma_level_mean() const { return sigma_level_mean_; }
    double sigma_obs_mean() const { return sigma_obs_mean_; }
    /// The last year with a full-year level; the nowcast years are after it.
    int last_full_year() const { return last_full_year_; }
    /// The last latent year (with any observation, e.g. a partial year).
    int last_year() const { return years_.back().year; }
    double drift_mean() const { return drift_mean_; }
    double drift_sd() const { return drift_sd_; }

    /// The reconciled years up to the last full year (smoothed log means and sds), as the
    /// observed series for the target engine.
    AnnualSeries observed_series() const;
    /// Point forecast (posterior mean of the log level) for last_full_year() + 1, ...
    Eigen::VectorXd point_log(int horizon) const;

    /// Paths of log levels for last_full_year() + 1, ..., + horizon: years with only partial
    /// information (a January–May figure) are nowcast, not taken as known.
    SamplePaths simulate(const SimulationOptions& options) const;

private:
    std::vector<MeasurementRow> rows_;
    std::vector<Decision> decisions_;
    std::vector<std::string> sources_;
    std::vector<LatentYear> years_;
    std::vector<ObservationResidual> residuals_;
    std::vector<SourceBias> biases_;
    MeasurementOptions options_;
    int first_year_ = 0, last_full_year_ = 0;
    double sigma_level_mode_ = 0, sigma_obs_mode_ = 0, sigma_level_mean_ = 0, sigma_obs_mean_ = 0;
    double drift_mean_ = 0, drift_sd_ = 0;
    // Grid points with non-negligible posterior weight: their level noise, weight, and the
    // filtered (x_T, mu_T, x_{T-1}) at the last latent year T.
    std::vector<double> cell_sigma_level_, cell_weight_;
    std::vector<Eigen::VectorXd> cell_mean_;
    std::vector<Eigen::MatrixXd> cell_chol_;  // lower Cholesky factor of its covariance
};

}  // namespace tradetarget
