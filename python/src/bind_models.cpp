#include "bindings.hpp"

#include <limits>

#include "tradetarget/ensemble.hpp"
#include "tradetarget/growth_models.hpp"
#include "tradetarget/level_models.hpp"
#include "tradetarget/reference_class.hpp"
#include "tradetarget/registry.hpp"
#include "tradetarget/saturating.hpp"
#include "tradetarget/simulation.hpp"

using namespace tradetarget;

void register_models(py::module_& m) {
    py::class_<AnnualSeries>(m, "AnnualSeries", "An annual series in logs, with per-year log_sd.")
        .def_static("from_levels", &AnnualSeries::from_levels, py::arg("years"), py::arg("levels"),
                    py::arg("log_sd") = std::vector<double>{})
        .def_static("from_steps", &AnnualSeries::from_steps, py::arg("levels"),
                    "A series without calendar years, indexed by position 1..n.")
        .def_static("from_reconciled", &AnnualSeries::from_reconciled, py::arg("series"))
        .def_readonly("years", &AnnualSeries::years)
        .def_readonly("log_level", &AnnualSeries::log_level)
        .def_readonly("log_sd", &AnnualSeries::log_sd);

    py::class_<FitDiagnostics>(m, "FitDiagnostics", "Residuals and likelihood of a fit (growth_models.hpp).")
        .def_readonly("years", &FitDiagnostics::years)
        .def_readonly("residuals", &FitDiagnostics::residuals)
        .def_readonly("log_likelihood", &FitDiagnostics::log_likelihood)
        .def_readonly("n_parameters", &FitDiagnostics::n_parameters)
        .def_readonly("n_observations", &FitDiagnostics::n_observations)
        .def_readonly("innovation_variance", &FitDiagnostics::innovation_variance)
        .def_property_readonly("aic", &FitDiagnostics::aic)
        .def_property_readonly("aicc", &FitDiagnostics::aicc)
        .def_property_readonly("bic", &FitDiagnostics::bic);

    py::class_<GrowthModel>(m, "GrowthModel", "A fitted growth model in log levels.")
        .def_property_readonly("diagnostics", &GrowthModel::diagnostics, py::return_value_policy::reference_internal)
        .def_property_readonly("name", [](const GrowthModel& g) { return to_string(g.kind()); })
        .def_property_readonly("method", &GrowthModel::method, "The fitted class in words, e.g. ETS(M,A,N).")
        .def_property_readonly("log_growth", &GrowthModel::log_growth)
        .def_property_readonly("log_growth_se", &GrowthModel::log_growth_se)
        .def_property_readonly("params", &GrowthModel::params)
        .def_property_readonly("df", &GrowthModel::df)
        .def_property_readonly("last_year", &GrowthModel::last_year)
        .def_property_readonly("last_log_level", &GrowthModel::last_log_level)
        .def("mean_log", &GrowthModel::mean_log, py::arg("year"))
        .def("predictive_scale", &GrowthModel::predictive_scale, py::arg("year"))
        .def("quantile_log", &GrowthModel::quantile_log, py::arg("year"), py::arg("p"))
        .def("point_forecast", &GrowthModel::point_forecast, py::arg("year"),
             "The point forecast of the level: the predictive median (models in logs) or mean (models of levels).")
        .def("forecast_quantile", &GrowthModel::forecast_quantile, py::arg("year"), py::arg("p"),
             "The closed-form p-quantile of the level (R's forecast() intervals for the models of levels).");
    py::class_<LogLinearTrend, GrowthModel>(m, "LogLinearTrend");
    py::class_<SaturatingCurve, GrowthModel>(m, "SaturatingCurve")
        .def_property_readonly("capacity", &SaturatingCurve::capacity)
        .def_property_readonly("capacity_given", &SaturatingCurve::capacity_given);
    py::class_<RandomWalkDrift, GrowthModel>(m, "RandomWalkDrift")
        .def_property_readonly("drift", &RandomWalkDrift::drift)
        .def_property_readonly("sigma", &RandomWalkDrift::sigma)
        .def_property_readonly("span", &RandomWalkDrift::span);
    py::class_<LevelForecastModel, GrowthModel>(m, "LevelForecastModel")
        .def_property_readonly("posterior_ess", &LevelForecastModel::posterior_ess,
                               "Effective sample size behind the ETS parameter draws (NaN before any path).");

    const auto names = [](const std::vector<ModelKind>& kinds) {
        std::vector<std::string> out;
        for (ModelKind k : kinds) out.push_back(to_string(k));
        return out;
    };
    const auto kinds = [](const std::vector<std::string>& names) {
        std::vector<ModelKind> out;
        for (const auto& n : names) out.push_back(parse_model(n));
        return out;
    };
    py::class_<EnsembleWeights>(m, "EnsembleWeights", "The ensemble's pool and weights, with where they come from (ensemble.hpp).")
        .def(py::init([kinds](const std::vector<std::string>& pool, const std::vector<double>& weights,
                              const std::string& source) {
                 EnsembleWeights w;
                 w.pool = kinds(pool);
                 w.weights = weights;
                 w.source = source;
                 w.validate();
                 return w;
             }),
             py::arg("pool"), py::arg("weights"), py::arg("source") = "given")
        .def_static("equal", [kinds](const std::vector<std::string>& pool) { return EnsembleWeights::equal(kinds(pool)); },
                    py::arg("pool") = std::vector<std::string>{})
        .def_property_readonly("pool", [names](const EnsembleWeights& w) { return names(w.pool); })
        .def_readonly("weights", &EnsembleWeights::weights)
        .def_readwrite("source", &EnsembleWeights::source)
        .def_readwrite("series", &EnsembleWeights::series)
        .def_readwrite("forecasts", &EnsembleWeights::forecasts)
        .def_readwrite("member_mase", &EnsembleWeights::member_mase)
        .def_readwrite("combined_mase", &EnsembleWeights::combined_mase)
        .def("__repr__", [](const EnsembleWeights& w) {
            std::string out = "EnsembleWeights(";
            for (std::size_t k = 0; k < w.pool.size(); ++k)
                out += (k ? ", " : "") + to_string(w.pool[k]) + "=" + std::to_string(w.weights[k]);
            return out + "; " + w.source + ")";
        })
        // pickled for Dask's workers (a panel run ships its options to them)
        .def(py::pickle(
            [names](const EnsembleWeights& w) {
                return py::make_tuple(names(w.pool), w.weights, w.source, w.series, w.forecasts, w.member_mase,
                                      w.combined_mase);
            },
            [kinds](const py::tuple& t) {
                EnsembleWeights w;
                w.pool = kinds(t[0].cast<std::vector<std::string>>());
                w.weights = t[1].cast<std::vector<double>>();
                w.source = t[2].cast<std::string>();
                w.series = t[3].cast<int>();
                w.forecasts = t[4].cast<int>();
                w.member_mase = t[5].cast<std::vector<double>>();
                w.combined_mase = t[6].cast<double>();
                w.validate();
                return w;
            }));
    m.def("default_ensemble_pool", [names] { return names(default_ensemble_pool()); });
    m.def(
        "learn_ensemble_weights",
        [kinds](const std::vector<std::vector<double>>& panel, const std::vector<std::string>& pool, int horizon,
                int origins, int threads, const std::string& source) {
            py::gil_scoped_release release;
            return learn_ensemble_weights(panel, kinds(pool), horizon, origins, threads, source);
        },
        py::arg("panel"), py::arg("pool") = std::vector<std::string>{}, py::arg("horizon") = 6, py::arg("origins") = 3,
        py::arg("threads") = 0, py::arg("source") = "a panel",
        "Learns the ensemble's weights on a panel of positive series by rolling origins (ensemble.hpp).");
    py::class_<EnsembleModel, GrowthModel>(m, "EnsembleModel")
        .def_property_readonly("weights", &EnsembleModel::weights);

    py::class_<ArimaOrder>(m, "ArimaOrder", "An ARIMA order and its constant (arima.hpp).")
        .def(py::init([](int p, int d, int q, bool constant) { return ArimaOrder{p, d, q, constant}; }), py::arg("p"),
             py::arg("d"), py::arg("q"), py::arg("constant") = true)
        .def_readonly("p", &ArimaOrder::p)
        .def_readonly("d", &ArimaOrder::d)
        .def_readonly("q", &ArimaOrder::q)
        .def_readonly("constant", &ArimaOrder::constant)
        .def_property_readonly("name", &ArimaOrder::name)
        .def("__repr__", [](const ArimaOrder& o) { return "ArimaOrder(" + o.name() + ")"; });
    // Bound once: fit_model, simulate_paths, forecast_series and fit_panel all take it.
    py::class_<ModelOptions>(m, "ModelOptions",
                             "Options some models take; ModelInfo.options says which model reads which (growth_models.hpp).")
        .def(py::init<>())
        .def("__copy__", [](const ModelOptions& o) { return o; })
        .def_readwrite("capacity", &ModelOptions::capacity)
        .def_readwrite("ets_class", &ModelOptions::ets_class)
        .def_readwrite("arima_order", &ModelOptions::arima_order)
        .def_readwrite("parameter_uncertainty", &ModelOptions::parameter_uncertainty)
        .def_readwrite("positive", &ModelOptions::positive)
        .def_readwrite("box_cox_lambda", &ModelOptions::box_cox_lambda)
        .def_readwrite("box_cox_auto", &ModelOptions::box_cox_auto)
        .def_readwrite("biasadj", &ModelOptions::biasadj)
        .def_property(
            "reference",
            [](const ModelOptions& o) { return o.reference ? std::optional<ReferenceClass>(*o.reference) : std::nullopt; },
            [](ModelOptions& o, const ReferenceClass* reference) {
                o.reference = reference ? std::make_shared<ReferenceClass>(*reference) : nullptr;
            })
        .def_property(
            "ensemble",
            [](const ModelOptions& o) { return o.ensemble ? std::optional<EnsembleWeights>(*o.ensemble) : std::nullopt; },
            [](ModelOptions& o, const EnsembleWeights* weights) {
                o.ensemble = weights ? std::make_shared<EnsembleWeights>(*weights) : nullptr;
            });
    m.def(
        "fit_model",
        [](const std::string& model, const AnnualSeries& s, const ModelOptions& options) {
            return fit_model(parse_model(model), s, options);
        },
        py::arg("model"), py::arg("series"), py::arg("options") = ModelOptions{},
        "Fits a model by name with its options (the registry says which it takes).");
    py::class_<ModelInfo>(m, "ModelInfo", "One model of the registry (registry.hpp).")
        .def_readonly("name", &ModelInfo::name)
        .def_readonly("family", &ModelInfo::family)
        .def_readonly("label", &ModelInfo::label)
        .def_readonly("minimum_years", &ModelInfo::minimum_years)
        .def_readonly("gaps_allowed", &ModelInfo::gaps_allowed)
        .def_readonly("options", &ModelInfo::options)
        .def_readonly("required_options", &ModelInfo::required_options)
        .def_readonly("evaluable", &ModelInfo::evaluable)
        .def("__repr__", [](const ModelInfo& i) { return "ModelInfo(" + i.name + ", " + i.family + ")"; });
    m.def("require_consecutive_years", &require_consecutive_years, py::arg("years"), py::arg("who"),
          "InputError (ValueError) at the first missing year, naming the models that take gaps.");
    m.def("model_registry", &model_registry, py::return_value_policy::reference,
          "Every model, in the order they are listed: name, family, label and what it needs.");
    m.def("minimum_years", [](const std::string& model) { return minimum_years(parse_model(model)); },
          py::arg("model"));

    py::class_<SamplePaths>(m, "SamplePaths")
        .def_property_readonly("model", [](const SamplePaths& p) { return to_string(p.model); })
        .def_readonly("first_year", &SamplePaths::first_year)
        .def_property_readonly("last_year", &SamplePaths::last_year)
        .def_readonly("log_level", &SamplePaths::log_level, "n_paths x horizon (read-only view)");

    m.def(
        "simulate_paths",
        [](const std::string& model, const AnnualSeries& series, int horizon, int n_paths,
           std::uint64_t seed, bool source_uncertainty, int paths_per_refit, const ModelOptions& options) {
            SimulationOptions o;
            o.model = options;
            o.horizon = horizon;
            o.n_paths = n_paths;
            o.seed = seed;
            o.source_uncertainty = source_uncertainty;
            o.paths_per_refit = paths_per_refit;
            const ModelKind kind = parse_model(model);
            py::gil_scoped_release release;
            return simulate_paths(kind, series, o);
        },
        py::arg("model"), py::arg("series"), py::arg("horizon") = SimulationOptions{}.horizon,
        py::arg("n_paths") = SimulationOptions{}.n_paths, py::arg("seed") = SimulationOptions{}.seed,
        py::arg("source_uncertainty") = true,
        py::arg("paths_per_refit") = SimulationOptions{}.paths_per_refit,
        py::arg("options") = ModelOptions{},
        "Seeded sample paths of future log levels (innovation, parameter and source uncertainty).");
    m.def(
        "mix_paths",
        [](const std::vector<const SamplePaths*>& paths, const std::vector<double>& weights) {
            return mix_paths(paths, weights);
        },
        py::arg("paths"), py::arg("weights"), "A path-level combination (mixture) of several models' paths.");
    m.def("path_quantiles", &path_quantiles, py::arg("paths"), py::arg("probabilities"),
          "Quantiles of the paths' levels: one row per year, one column per probability.");
}
