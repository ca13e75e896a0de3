#include "tradetarget/forecast.hpp"

#include <algorithm>

#include "tradetarget/errors.hpp"

namespace tradetarget {

void ForecastOptions::validate() const {
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
    if (keep_paths && n_paths == 0) throw InputError("n_paths is 0; keeping the paths needs at least 1");
    if (threads < 0) throw InputError("threads is " + std::to_string(threads) + "; it must be >= 0 (0: all cores)");
}

SeriesForecast forecast_series(const GrowthModel& fitted, const AnnualSeries& series,
                               const std::vector<double>& targets, const ForecastOptions& options) {
    options.validate();
    if (options.n_paths == 0 && !targets.empty()) throw InputError("targets need sample paths: n_paths is 0");
    SeriesForecast out;
    out.method = fitted.method();
    out.log_growth = fitted.log_growth();
    out.first_year = series.last_year() + 1;
    const auto h = static_cast<Eigen::Index>(options.horizon);
    const auto n_levels = static_cast<Eigen::Index>(options.levels.size());
    out.point.resize(h);
    out.point_log.resize(h);
    out.lower.resize(h, n_levels);
    out.upper.resize(h, n_levels);
    for (Eigen::Index k = 0; k < h; ++k) {
        const int year = out.first_year + static_cast<int>(k);
        out.point(k) = fitted.point_forecast(year);
        out.point_log(k) = fitted.mean_log(year);
        for (Eigen::Index j = 0; j < n_levels; ++j) {
            const double tail = (1.0 - options.levels[static_cast<std::size_t>(j)] / 100.0) / 2.0;
            out.lower(k, j) = fitted.forecast_quantile(year, tail);
            out.upper(k, j) = fitted.forecast_quantile(year, 1.0 - tail);
        }
    }
    if (options.n_paths == 0 || (targets.empty() && !options.keep_paths)) return out;

    SimulationOptions simulation;
    simulation.horizon = options.horizon;  // at least to the last year a probability is asked for
    for (int year : options.by) simulation.horizon = std::max(simulation.horizon, year - series.last_year());
    simulation.n_paths = options.n_paths;
    simulation.seed = options.seed;
    simulation.threads = options.threads;
    simulation.source_uncertainty = options.source_uncertainty;
    simulation.model = options.model_options;
    // The paths keep or draw the parameters as asked, whatever the fit was made with.
    const auto switched = fitted.with_parameter_uncertainty(options.model_options.parameter_uncertainty);
    SamplePaths paths = simulate_paths(switched ? *switched : fitted, series, simulation);
    const int deadline = options.by.empty() ? paths.last_year() : options.by.front();
    for (double target : targets)
        out.targets.push_back(
            summarize_target(first_passage(paths, target, series), fitted, series, options.by, deadline));
    if (options.keep_paths) out.paths = std::move(paths);
    return out;
}

}  // namespace tradetarget
