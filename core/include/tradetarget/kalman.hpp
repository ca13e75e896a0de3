#pragma once
/// \file kalman.hpp
/// The Kalman filter and smoother of the measurement model's state space (measurement.hpp), one
/// scalar measurement row at a time: the measurement model runs it on every statement, the local
/// linear trend (structural.hpp) on a plain series.
///
/// State a_t = (x_t, mu_t, x_{t-1}, b_1..b_S): the log level, its slope, the lagged level (so that
/// growth statements are linear) and one static bias per source. Transition: the level takes the
/// slope, the lag takes the level, the slope and the biases stay; noise on the level
/// (sigma_level^2) and the slope (sigma_slope^2). Approximate diffuse start (variance kappa) for
/// level, slope and lag; N(0, bias_prior_sd^2) for each bias.
#include <string>
#include <vector>

#include <Eigen/Core>

namespace tradetarget {

/// One observation as the measurement model sees it: a scalar row of the measurement equation.
struct MeasurementRow {
    std::string id, where, source;
    int year = 0;
    bool growth = false;        ///< x_t - x_{t-1} instead of x_t
    bool partial = false;       ///< covers part of the year only
    double y = 0.0;             ///< the measured log value (after the offset for partial periods)
    double extra_variance = 0.0;
    double multiplier = 1.0;    ///< times sigma_obs
    std::string how;
};

namespace kalman {

/// State layout: level x_t, slope mu_t, lagged level x_{t-1}, then one bias per source.
constexpr int level = 0, slope = 1, lag = 2, bias = 3;

struct Setup {
    int first_year = 0, last_year = 0;
    int n_bias = 0;  ///< 0 when biases are off
    double sigma_level = 0, sigma_slope = 0, sigma_obs = 0, bias_prior_sd = 0;
    double kappa = 1e6;
    int burn = 0;  ///< prediction errors left out of the likelihood
};

struct Filtered {
    double loglik = 0.0;
    /// Per year (index t - first_year): predicted (before the year's rows) and filtered moments;
    /// smooth() writes the smoothed ones over the filtered.
    std::vector<Eigen::VectorXd> a_pred, a_filt;
    std::vector<Eigen::MatrixXd> p_pred, p_filt;
};

/// A row's design: Z (the state combination it measures) and H (its error variance).
void design(const MeasurementRow& row, int bias_index, const Setup& s, Eigen::VectorXd& z, double& h);
/// The filter over rows sorted by year (bias_of_row: each row's source bias, -1 for none). keep:
/// the moments of every year (else only the last year's filtered ones).
Filtered run_filter(const std::vector<MeasurementRow>& rows, const std::vector<int>& bias_of_row, const Setup& s,
                    bool keep);
/// Rauch–Tung–Striebel smoother over a kept run.
void smooth(Filtered& f);

}  // namespace kalman
}  // namespace tradetarget
