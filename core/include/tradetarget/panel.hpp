#pragma once
/// \file panel.hpp
/// Many series at once (every partner x commodity): each series is fitted, forecast and run
/// through the target engine independently, on a pool of threads.
///
/// Reproducibility does not depend on scheduling: series i draws its paths from the seed
/// series_seed(options.seed, id_i), a function of its id only, so the same panel gives the same
/// numbers, bit for bit, on 1 or 64 threads and split into any partitions (e.g. by Dask).
/// Memory grows with the number of series (horizon x levels numbers each); a series' sample
/// paths live only while its worker uses them, unless keep_paths asks for them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "tradetarget/forecast.hpp"
#include "tradetarget/growth_models.hpp"

namespace tradetarget {

struct PanelSeries {
    std::string id;                ///< unique within the panel
    std::vector<int> years;        ///< strictly increasing (gaps: only for the log models)
    std::vector<double> values;    ///< levels, > 0 (checked per series: a bad one is that series' error)
    std::vector<double> targets;   ///< this series' targets (levels); may be empty
};

/// The forecast options (forecast.hpp; threads: series run in parallel, each on one thread), and
/// the model every series is fitted with.
struct PanelOptions : ForecastOptions {
    ModelKind model = ModelKind::AutoEts;
};

/// One series' forecast (forecast.hpp). A series the model cannot fit (too short, a non-positive value, ...)
/// has `error` set to the reason and nothing else; the rest of the panel goes on.
struct PanelResult : SeriesForecast {
    std::string id;
    std::string error;

    bool ok() const { return error.empty(); }
};

/// The seed of the series named `id`: FNV-1a of the id mixed with `seed` by SplitMix64.
std::uint64_t series_seed(std::uint64_t seed, const std::string& id);

/// Fits every series on options.threads threads. `progress`, if given, is called on the calling
/// thread (never on a worker) with the number of series done, a few times a second and once at
/// the end. Throws InputError for bad options or a repeated id; per-series problems are results.
std::vector<PanelResult> fit_panel(const std::vector<PanelSeries>& panel, const PanelOptions& options,
                                   const std::function<void(std::size_t done)>& progress = {});

/// The result for one series alone (what each worker computes).
PanelResult fit_series(const PanelSeries& series, const PanelOptions& options);

}  // namespace tradetarget
