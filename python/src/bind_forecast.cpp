#include "bindings.hpp"

#include <cmath>
#include <limits>

#include "tradetarget/forecast.hpp"
#include "tradetarget/reference_class.hpp"

using namespace tradetarget;

ForecastOptions forecast_options(int horizon, const std::vector<double>& levels, const std::vector<int>& prob_years,
                                 int n_paths, bool keep_paths, std::uint64_t seed, int threads,
                                 bool source_uncertainty, double capacity, bool parameter_uncertainty,
                                 const ReferenceClass* reference) {
    ForecastOptions o;
    o.horizon = horizon;
    o.levels = levels;
    o.prob_years = prob_years;
    o.n_paths = n_paths;
    o.keep_paths = keep_paths;
    o.seed = seed;
    o.threads = threads;
    o.source_uncertainty = source_uncertainty;
    o.model_options.capacity = capacity;
    o.model_options.parameter_uncertainty = parameter_uncertainty;
    if (reference) o.model_options.reference = std::make_shared<ReferenceClass>(*reference);
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
           const std::vector<double>& levels, const std::vector<int>& prob_years, int n_paths, bool keep_paths,
           std::uint64_t seed, int threads, bool source_uncertainty, double capacity, bool parameter_uncertainty,
           const ReferenceClass* reference) {
            const ForecastOptions options =
                forecast_options(horizon, levels, prob_years, n_paths, keep_paths, seed, threads, source_uncertainty,
                                 capacity, parameter_uncertainty, reference);
            py::gil_scoped_release release;
            return forecast_series(model, series, targets, options);
        },
        py::arg("model"), py::arg("series"), py::kw_only(), py::arg("targets") = std::vector<double>{},
        py::arg("horizon") = defaults.horizon, py::arg("levels") = defaults.levels,
        py::arg("prob_years") = std::vector<int>{}, py::arg("n_paths") = defaults.n_paths,
        py::arg("keep_paths") = true, py::arg("seed") = defaults.seed, py::arg("threads") = defaults.threads,
        py::arg("source_uncertainty") = defaults.source_uncertainty,
        py::arg("capacity") = std::numeric_limits<double>::quiet_NaN(), py::arg("parameter_uncertainty") = true,
        py::arg("reference") = py::none(),
        "The forecast of a fitted model: paths, point, intervals and target summaries, no refit (forecast.hpp). "
        "capacity, parameter_uncertainty and reference: the fit's options, for refits to redrawn series.");
}
