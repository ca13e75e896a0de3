#include "tradetarget/panel.hpp"

#include <algorithm>
#include <unordered_set>

#include "tradetarget/errors.hpp"
#include "tradetarget/parallel.hpp"

namespace tradetarget {

void PanelOptions::validate() const {
    if (horizon < 1 || horizon > 500)
        throw InputError("horizon is " + std::to_string(horizon) + " years; it must be 1 to 500");
    for (double level : levels)
        if (!(level > 0.0 && level < 100.0))
            throw InputError("an interval level must be a percentage between 0 and 100; got " + std::to_string(level));
    if (n_paths < 0) throw InputError("n_paths is " + std::to_string(n_paths) + "; it must be >= 0 (0: no paths)");
    if (n_paths > 0) {
        SimulationOptions check;
        check.horizon = horizon;
        check.n_paths = n_paths;
        check.validate();
    }
    if (keep_paths && n_paths == 0) throw InputError("keep_paths needs n_paths > 0");
    if (threads < 0) throw InputError("threads is " + std::to_string(threads) + "; it must be >= 0 (0: all cores)");
}

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
        result.method = model->method();
        result.growth_rate = model->growth_rate();
        result.first_year = series.last_year() + 1;
        const auto h = static_cast<Eigen::Index>(options.horizon);
        const auto n_levels = static_cast<Eigen::Index>(options.levels.size());
        result.point.resize(h);
        result.lower.resize(h, n_levels);
        result.upper.resize(h, n_levels);
        for (Eigen::Index k = 0; k < h; ++k) {
            const int year = result.first_year + static_cast<int>(k);
            result.point(k) = model->point_forecast(year);
            for (Eigen::Index j = 0; j < n_levels; ++j) {
                const double tail = (1.0 - options.levels[static_cast<std::size_t>(j)] / 100.0) / 2.0;
                result.lower(k, j) = model->forecast_quantile(year, tail);
                result.upper(k, j) = model->forecast_quantile(year, 1.0 - tail);
            }
        }
        if (options.n_paths > 0 && (!item.targets.empty() || options.keep_paths)) {
            SimulationOptions simulation;
            // Paths run at least to the last year a probability is asked for.
            simulation.horizon = options.horizon;
            for (int year : options.prob_years)
                simulation.horizon = std::max(simulation.horizon, year - series.last_year());
            simulation.n_paths = options.n_paths;
            simulation.seed = series_seed(options.seed, item.id);
            simulation.model = options.model_options;
            simulation.threads = 1;  // the panel already runs one series per thread
            SamplePaths paths = simulate_paths(*model, series, simulation);
            const int deadline = options.prob_years.empty() ? paths.last_year() : options.prob_years.front();
            for (double target : item.targets)
                result.targets.push_back(
                    summarize_target(first_passage(paths, target, series), *model, series, options.prob_years, deadline));
            if (options.keep_paths) result.paths = std::move(paths);
        } else if (!item.targets.empty()) {
            throw InputError("targets need sample paths: n_paths is 0");
        }
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

    std::vector<PanelResult> results(panel.size());
    parallel_for(panel.size(), options.threads, [&](std::size_t i) { results[i] = fit_series(panel[i], options); },
                 progress);
    return results;
}

}  // namespace tradetarget
