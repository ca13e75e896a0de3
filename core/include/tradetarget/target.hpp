#pragma once
/// \file target.hpp
/// The target engine, written once for every model that yields sample paths: when does the
/// annual series first reach a target, how likely by a given year, and what growth would it take.
#include <optional>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/growth_models.hpp"
#include "tradetarget/simulation.hpp"

namespace tradetarget {

/// Distribution of the first calendar year in which the annual value is at or above `target`.
struct FirstPassage {
    double target = 0.0;
    int first_year = 0;       ///< first forecast year
    Eigen::VectorXd cdf;      ///< cdf(k) = P(first year <= first_year + k); monotone
    std::optional<int> already_reached_year;  ///< the target was already reached in this observed year

    int last_year() const { return first_year + static_cast<int>(cdf.size()) - 1; }
    /// P(reached in or before `year`). Throws InputError past the horizon.
    double probability_by(int year) const;
    /// The first year by which the probability is at least p; empty when not reached within the
    /// horizon.
    std::optional<int> quantile_year(double p) const;
};

/// First passage of every path; `observed` decides whether the target was reached already.
FirstPassage first_passage(const SamplePaths& paths, double target, const AnnualSeries& observed);

/// The compound annual growth rate needed to go from base_value in base_year to target in
/// deadline: (target / base_value)^(1 / (deadline - base_year)) - 1. Negative when the target is
/// already exceeded. Throws InputError when deadline <= base_year or a value is not positive.
double required_growth(double base_value, int base_year, double target, int deadline);


/// Everything the product reports for one target and one model.
struct TargetSummary {
    double target = 0.0;
    std::optional<int> already_reached_year;
    std::optional<int> median_year, p10_year, p90_year;
    std::optional<int> point_cross_year;
    std::vector<std::pair<int, double>> prob_by;
    int deadline = 0;
    int base_year = 0;
    double base_value = 0.0;
    double required_growth = 0.0;
    double historical_growth = 0.0;  ///< compound growth from first to last observed year (NaN for one year)
    int historical_from = 0;
    double model_growth = 0.0;       ///< the model's growth rate, exp(log growth) - 1
    int horizon_end = 0;
};

/// `point_log` is the point forecast (log of the predictive median) for each forecast year of
/// the passage, `log_growth` the model's log growth per year.
TargetSummary summarize_target(const FirstPassage& passage, const Eigen::VectorXd& point_log,
                               double log_growth, const AnnualSeries& observed,
                               const std::vector<int>& by, int deadline);
/// The same for a fitted growth model, whose point forecast is mean_log(year).
TargetSummary summarize_target(const FirstPassage& passage, const GrowthModel& model,
                               const AnnualSeries& observed, const std::vector<int>& by,
                               int deadline);

}  // namespace tradetarget
