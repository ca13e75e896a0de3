#pragma once
/// \file forecast.hpp
/// One series' forecast: the pipeline every caller shares (`tt.fit(...).forecast()`, `tt.analyze`,
/// `forecast_panel` and the CLI). A fitted model -> seeded sample paths -> point forecast,
/// intervals and time-to-target summaries, in one pass. The model is not refitted here, except
/// once per block of paths when the series' source disagreement is redrawn (simulation.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/growth_models.hpp"
#include "tradetarget/random.hpp"
#include "tradetarget/simulation.hpp"
#include "tradetarget/target.hpp"

namespace tradetarget {

struct ForecastOptions {
    int horizon = 10;                           ///< forecast years after the last observed year
    std::vector<double> levels = {80.0, 95.0};  ///< interval levels, percent
    std::vector<int> by;                        ///< P(target reached by each year); the first is the deadline
    int n_paths = 1000;                         ///< 0: no paths (then no targets); paths run at least
                                                ///< to the last of `by`
    bool keep_paths = false;
    std::uint64_t seed = default_seed;
    int threads = 0;                            ///< threads for the blocks of paths (0: all cores)
    bool source_uncertainty = true;             ///< redraw the observed years within their log_sd
    ModelOptions model_options;                 ///< for the refits to redrawn series (as the fit's)

    /// Throws InputError naming the bad option.
    void validate() const;
};

struct SeriesForecast {
    std::string method;          ///< the fitted class, e.g. "ETS(M,A,N)", "ARIMA(0,1,1) with drift"
    double log_growth = 0.0;     ///< the model's log growth per year
    int first_year = 0;          ///< first forecast year
    Eigen::VectorXd point;       ///< level per year: median (log models), mean (level models)
    Eigen::VectorXd point_log;   ///< the predictive distribution's location in logs (mean_log)
    Eigen::MatrixXd lower, upper;  ///< horizon x levels: the model's predictive quantiles
    std::vector<TargetSummary> targets;  ///< one per target, from the paths
    std::optional<SamplePaths> paths;    ///< if keep_paths
};

/// The forecast of `fitted` (fitted to `series`) and the time-to-target summary of each target.
/// Throws InputError for bad options, or targets without paths.
SeriesForecast forecast_series(const GrowthModel& fitted, const AnnualSeries& series,
                               const std::vector<double>& targets, const ForecastOptions& options);

}  // namespace tradetarget
