#include "bindings.hpp"

#include <limits>

#include "tradetarget/observations.hpp"

using namespace tradetarget;

void register_observations(py::module_& m) {
    py::class_<Observation>(m, "Observation", "One statement as it was made (validated).")
        .def(py::init(&make_observation), py::arg("id"), py::arg("where"), py::arg("source"),
             py::arg("statement"), py::arg("period_start"), py::arg("period_end"),
             py::arg("published"), py::arg("value"),
             py::arg("value_upper") = std::numeric_limits<double>::quiet_NaN(), py::arg("component") = "")
        .def_readonly("id", &Observation::id)
        .def_readonly("where", &Observation::where)
        .def_readonly("source", &Observation::source)
        .def_property_readonly("statement", [](const Observation& o) { return to_string(o.statement); })
        .def_readonly("published", &Observation::published)
        .def_readonly("value", &Observation::value)
        .def_readonly("component", &Observation::component)
        .def_property_readonly("is_full_year", &Observation::is_full_year);

    py::class_<YearEstimate>(m, "YearEstimate")
        .def_readonly("year", &YearEstimate::year)
        .def_readonly("value", &YearEstimate::value)
        .def_readonly("log_sd", &YearEstimate::log_sd)
        .def_readonly("n_sources", &YearEstimate::n_sources)
        .def_readonly("how", &YearEstimate::how)
        .def_readonly("ids", &YearEstimate::ids);

    py::class_<Decision>(m, "Decision")
        .def_readonly("id", &Decision::id)
        .def_readonly("where", &Decision::where)
        .def_readonly("used", &Decision::used)
        .def_readonly("year", &Decision::year)
        .def_readonly("reason", &Decision::reason);

    py::class_<ReconciledSeries>(m, "ReconciledSeries")
        .def_readonly("years", &ReconciledSeries::years)
        .def_readonly("decisions", &ReconciledSeries::decisions);

    m.def(
        "reconcile_annual",
        [](const std::vector<Observation>& observations, bool use_current_levels,
           bool use_growth_statements) {
            ReconcileOptions options;
            options.use_current_levels = use_current_levels;
            options.use_growth_statements = use_growth_statements;
            return reconcile_annual(observations, options);
        },
        py::arg("observations"), py::arg("use_current_levels") = true,
        py::arg("use_growth_statements") = true,
        "Applies the default annual rule and records a decision for every observation.");
}
