#pragma once
/// \file simulation.hpp
/// Sample paths of future annual log levels, for any growth model, with three sources of
/// uncertainty: the innovations, the model's parameters (drawn per path, see growth_models.hpp),
/// and the observed series itself (each block of paths refits the model to a copy of the series
/// redrawn within each year's source disagreement, log_sd: a parametric bootstrap over sources).
#include <cstdint>
#include <functional>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/growth_models.hpp"
#include "tradetarget/random.hpp"

namespace tradetarget {

using PathMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct SimulationOptions {
    int horizon = 30;                 ///< years after the last observed year
    int n_paths = 20000;
    std::uint64_t seed = default_seed;
    bool source_uncertainty = true;   ///< redraw the observed years within their log_sd
    int paths_per_refit = 10;         ///< paths simulated from each redrawn series
    ModelOptions model;               ///< passed to fit_model (e.g. a given capacity)
    int threads = 0;                  ///< blocks of paths run on this many threads (0: all cores)

    /// Throws InputError for a non-positive or absurd horizon/path count, or a request whose
    /// paths would not fit in memory (more than max_path_values doubles).
    void validate() const;
    static constexpr double max_path_values = 2.5e8;  // 2 GB of doubles
    /// Paths per random stream when the series is not redrawn (blocks are the unit of threading).
    static constexpr int paths_per_block = 1024;
};

struct SamplePaths {
    ModelKind model = ModelKind::LogLinearTrend;
    int first_year = 0;    ///< year of column 0
    PathMatrix log_level;  ///< n_paths x horizon

    int horizon() const { return static_cast<int>(log_level.cols()); }
    int last_year() const { return first_year + horizon() - 1; }
};

/// Simulates `options.n_paths` paths of `kind` fitted to `series`. The same seed gives the same
/// paths, bit for bit, on any number of threads: block b always uses stream b of the seed.
SamplePaths simulate_paths(ModelKind kind, const AnnualSeries& series,
                           const SimulationOptions& options = {});

/// The loop every simulator shares: paths 0..n_paths-1 in blocks of `block`, block b given stream b
/// of `seed` and its path range [begin, end), the blocks run on `threads` (0: all cores). The paths
/// do not depend on how the blocks are shared among threads.
void for_each_path_block(int n_paths, int block, std::uint64_t seed, int threads,
                         const std::function<void(int b, Rng& rng, int begin, int end)>& run);

/// The same for a model already fitted to `series` (fitted.kind() is refitted to redrawn series).
SamplePaths simulate_paths(const GrowthModel& fitted, const AnnualSeries& series,
                           const SimulationOptions& options = {});

/// A combination of models at the level of sample paths: the mixture whose share of paths from
/// model k is weights[k] (normalised). All inputs must start in the same year and have the same
/// horizon; the result has as many paths as the first input. Rows are taken in order, so the
/// result is as reproducible as the inputs.
SamplePaths mix_paths(const std::vector<const SamplePaths*>& paths, const std::vector<double>& weights);

/// Sample paths from paths of levels (e.g. reconciled or scenario totals): log levels, and a path
/// at or below zero gets -inf, so it never reaches a target.
SamplePaths paths_from_levels(int first_year, const PathMatrix& levels);

/// Quantiles (0 < p < 1) of the paths' levels (exp of log level), one row per year, one column
/// per probability.
Eigen::MatrixXd path_quantiles(const SamplePaths& paths, const std::vector<double>& probabilities);

}  // namespace tradetarget
