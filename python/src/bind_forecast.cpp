#include "bindings.hpp"

#include <cmath>
#include <limits>

#include "tradetarget/forecast.hpp"
#include "tradetarget/reference_class.hpp"

using namespace tradetarget;

ForecastOptions forecast_options(int horizon, const std::vector<double>& levels, const std::vector<int>& by,
                                 int n_paths, bool keep_paths, std::uint64_t seed, int threads,
                                 bool source_uncertainty, const ModelOptions& model) {
    ForecastOptions o;
    o.horizon = horizon;
    o.levels = levels;
    o.by = by;
    o.n_paths = n_paths;
    o.keep_paths = keep_paths;
    o.seed = seed;
    o.threads = threads;
    o.source_uncertainty = source_uncertainty;
    o.model_options = model;
    return o;
}

void register_forecast(py::module_& m) {
    py::class_<SeriesForecast>(m, "SeriesForecast", "One series' forecast (forecast.hpp).")
        .def_readonly("method", &SeriesForecast::method)
        .def_readonly("log_growth", &SeriesForecast::log_growth)
        .def_readonly("first_year", &SeriesForecast::first_year)
        .def_readonly("point", &SeriesForecast::point)
        .def_readonly("point_log", &SeriesForecast::point_log)
        .def_readonly("lower", &SeriesForecast::lower)
        .def_readonly("upper", &SeriesForecast::upper)
        .def_readonly("targets", &SeriesForecast::targets)
        .def_readonly("paths", &SeriesForecast::paths);
    m.attr("DEFAULT_SEED") = default_seed;
    m.attr("MAX_PATH_VALUES") = SimulationOptions::max_path_values;
    const ForecastOptions defaults;
    m.def(
        "forecast_series",
        [](const GrowthModel& model, const AnnualSeries& series, const std::vector<double>& targets, int horizon,
           const std::vector<double>& levels, const std::vector<int>& by, int n_paths, bool keep_paths,
           std::uint64_t seed, int threads, bool source_uncertainty, const ModelOptions& model_options) {
            const ForecastOptions options = forecast_options(horizon, levels, by, n_paths, keep_paths, seed,
                                                             threads, source_uncertainty, model_options);
            py::gil_scoped_release release;
            return forecast_series(model, series, targets, options);
        },
        py::arg("model"), py::arg("series"), py::kw_only(), py::arg("targets") = std::vector<double>{},
        py::arg("horizon") = defaults.horizon, py::arg("levels") = defaults.levels,
        py::arg("by") = std::vector<int>{}, py::arg("n_paths") = defaults.n_paths,
        py::arg("keep_paths") = true, py::arg("seed") = defaults.seed, py::arg("threads") = defaults.threads,
        py::arg("source_uncertainty") = defaults.source_uncertainty,
        py::arg("options") = ModelOptions{},
        "The forecast of a fitted model: paths, point, intervals and target summaries, no refit (forecast.hpp). "
        "options: the fit's, for refits to redrawn series.");
}
