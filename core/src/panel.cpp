#include "tradetarget/panel.hpp"

#include <algorithm>
#include <unordered_set>

#include "tradetarget/errors.hpp"
#include "tradetarget/parallel.hpp"

namespace tradetarget {

std::uint64_t series_seed(std::uint64_t seed, const std::string& id) {
    std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, 64 bit
    for (char c : id) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    // SplitMix64 finaliser (Steele, Lea & Flood 2014) of the seed combined with the hash.
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (hash | 1ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

PanelResult fit_series(const PanelSeries& item, const PanelOptions& options) {
    PanelResult result;
    result.id = item.id;
    try {
        if (item.years.empty()) throw InputError("no observations");
        const AnnualSeries series = AnnualSeries::from_levels(item.years, item.values);
        const auto model = fit_model(options.model, series, options.model_options);
        ForecastOptions one = options;
        one.seed = series_seed(options.seed, item.id);
        one.threads = 1;  // the panel already runs one series per thread
        static_cast<SeriesForecast&>(result) = forecast_series(*model, series, item.targets, one);
    } catch (const InputError& e) {
        PanelResult failed;
        failed.id = item.id;
        failed.error = e.what();
        return failed;
    }
    return result;
}

std::vector<PanelResult> fit_panel(const std::vector<PanelSeries>& panel, const PanelOptions& options,
                                   const std::function<void(std::size_t)>& progress) {
    options.validate();
    std::unordered_set<std::string> seen;
    for (const PanelSeries& item : panel)
        if (!seen.insert(item.id).second) throw InputError("series id '" + item.id + "' appears more than once");

    if (options.keep_paths) {  // every series' paths are kept at once: the limit is on the whole panel
        const double path_years = static_cast<double>(panel.size()) * options.n_paths * options.horizon;
        if (path_years > SimulationOptions::max_path_values)
            throw InputError("keep_paths: " + std::to_string(panel.size()) + " series x " + std::to_string(options.n_paths) +
                             " paths x " + std::to_string(options.horizon) + " years would take " +
                             std::to_string(path_years * 8 / 1e9) + " GB; ask for at most " +
                             std::to_string(static_cast<long long>(SimulationOptions::max_path_values)) + " path-years");
    }
    std::vector<PanelResult> results(panel.size());
    parallel_for(panel.size(), options.threads, [&](std::size_t i) { results[i] = fit_series(panel[i], options); },
                 progress);
    return results;
}

}  // namespace tradetarget
