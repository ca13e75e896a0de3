#include "bindings.hpp"

#include <cmath>
#include <limits>

#include "tradetarget/hierarchy.hpp"
#include "tradetarget/mix.hpp"
#include "tradetarget/scenario.hpp"

using namespace tradetarget;


void register_mix(py::module_& m) {
    py::class_<MixItem>(m, "MixItem")
        .def(py::init([](std::string name, double value, py::object primary) {
                 MixItem item{std::move(name), value, false, !primary.is_none()};
                 if (item.classified) item.primary = primary.cast<bool>();
                 return item;
             }),
             py::arg("name"), py::arg("value"), py::arg("primary") = py::none());
    py::class_<MixLine>(m, "MixLine")
        .def_readonly("name", &MixLine::name)
        .def_readonly("value", &MixLine::value)
        .def_readonly("share_of_exports", &MixLine::share_of_exports)
        .def_readonly("share_of_trade", &MixLine::share_of_trade)
        .def_readonly("remainder", &MixLine::remainder);
    py::class_<MixSummary>(m, "MixSummary")
        .def_readonly("lines", &MixSummary::lines)
        .def_readonly("exports_total", &MixSummary::exports_total)
        .def_readonly("exports_known", &MixSummary::exports_known)
        .def_readonly("listed_total", &MixSummary::listed_total)
        .def_readonly("remainder", &MixSummary::remainder)
        .def_readonly("hhi", &MixSummary::hhi)
        .def_readonly("hhi_upper", &MixSummary::hhi_upper)
        .def_readonly("hhi_normalised", &MixSummary::hhi_normalised)
        .def_readonly("top_k", &MixSummary::top_k)
        .def_readonly("primary_share", &MixSummary::primary_share)
        .def_readonly("unclassified_share", &MixSummary::unclassified_share);
    m.def("summarize_mix", &summarize_mix, py::arg("items"),
          py::arg("exports_total") = std::numeric_limits<double>::quiet_NaN(),
          py::arg("trade_total") = std::numeric_limits<double>::quiet_NaN(),
          "Shares, remainder, HHI (range), top-k and raw-material share of one export snapshot.");

    m.def(
        "reconciliation_matrix",
        [](const Eigen::MatrixXd& s, const std::string& method, const Eigen::VectorXd& p, const Eigen::MatrixXd& r) {
            return reconciliation_matrix(s, parse_reconciliation(method), p, r);
        },
        py::arg("summing"), py::arg("method"), py::arg("proportions") = Eigen::VectorXd(),
        py::arg("residuals") = Eigen::MatrixXd(), "G of ytilde = S G yhat (bottom_up, top_down, mint_shrink).");
    m.def("shrinkage_intensity", &shrinkage_intensity, py::arg("residuals"));
    m.def("shrunk_covariance", &shrunk_covariance, py::arg("residuals"));
    m.def("reconcile_paths", &reconcile_paths, py::arg("base"), py::arg("summing"), py::arg("g"),
          py::call_guard<py::gil_scoped_release>(), "Reconciles every path and year: coherent by construction.");

    py::class_<Lever>(m, "Lever")
        .def(py::init([](std::string name, const std::string& kind, double amount, int start_year, int phase_years,
                         double share, std::vector<std::pair<int, double>> percent_by_year, double rate,
                         double uncertainty) {
                 return Lever{std::move(name), parse_lever_kind(kind), amount, start_year, phase_years, share,
                              std::move(percent_by_year), rate, uncertainty};
             }),
             py::arg("name"), py::arg("kind"), py::arg("amount") = 0.0, py::arg("start_year") = 0,
             py::arg("phase_years") = 1, py::arg("share") = 1.0,
             py::arg("percent_by_year") = std::vector<std::pair<int, double>>{}, py::arg("rate") = 0.0,
             py::arg("uncertainty") = 0.0)
        .def_readonly("name", &Lever::name)
        .def_readonly("share", &Lever::share);
    py::class_<ScenarioPaths>(m, "ScenarioPaths")
        .def_readonly("first_year", &ScenarioPaths::first_year)
        .def_readonly("total", &ScenarioPaths::total)
        .def_readonly("contributions", &ScenarioPaths::contributions)
        .def("total_paths", [](const ScenarioPaths& s) { return paths_from_levels(s.first_year, s.total); });
    m.def("paths_from_levels", &paths_from_levels, py::arg("first_year"), py::arg("levels"),
          "SamplePaths (log levels) from level paths; a path at or below zero never reaches a target.");
    m.def("apply_levers", &apply_levers, py::arg("baseline"), py::arg("first_year"), py::arg("levers"), py::arg("seed"),
          py::call_guard<py::gil_scoped_release>(), "Baseline level paths plus each lever's contribution.");
}
