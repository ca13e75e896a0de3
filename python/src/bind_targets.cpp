#include "bindings.hpp"

#include "tradetarget/first_passage.hpp"
#include "tradetarget/target.hpp"

using namespace tradetarget;

void register_targets(py::module_& m) {
    py::class_<FirstPassage>(m, "FirstPassage", "Distribution of the first year at or above a target.")
        .def_readonly("target", &FirstPassage::target)
        .def_readonly("first_year", &FirstPassage::first_year)
        .def_property_readonly("last_year", &FirstPassage::last_year)
        .def_readonly("cdf", &FirstPassage::cdf)
        .def_readonly("already_reached_year", &FirstPassage::already_reached_year)
        .def("probability_by", &FirstPassage::probability_by, py::arg("year"))
        .def("quantile_year", &FirstPassage::quantile_year, py::arg("p"));

    m.def("first_passage", &first_passage, py::arg("paths"), py::arg("target"), py::arg("observed"));
    m.def("required_growth", &required_growth, py::arg("base_value"), py::arg("base_year"),
          py::arg("target"), py::arg("deadline"));

    py::class_<TargetSummary>(m, "TargetSummary")
        .def_readonly("target", &TargetSummary::target)
        .def_readonly("already_reached_year", &TargetSummary::already_reached_year)
        .def_readonly("median_year", &TargetSummary::median_year)
        .def_readonly("p10_year", &TargetSummary::p10_year)
        .def_readonly("p90_year", &TargetSummary::p90_year)
        .def_readonly("point_cross_year", &TargetSummary::point_cross_year)
        .def_readonly("prob_by", &TargetSummary::prob_by)
        .def_readonly("deadline", &TargetSummary::deadline)
        .def_readonly("base_year", &TargetSummary::base_year)
        .def_readonly("base_value", &TargetSummary::base_value)
        .def_readonly("required_growth", &TargetSummary::required_growth)
        .def_readonly("historical_growth", &TargetSummary::historical_growth)
        .def_readonly("historical_from", &TargetSummary::historical_from)
        .def_readonly("model_growth", &TargetSummary::model_growth)
        .def_readonly("horizon_end", &TargetSummary::horizon_end);
    m.def("summarize_target",
          py::overload_cast<const FirstPassage&, const Eigen::VectorXd&, double, const AnnualSeries&,
                            const std::vector<int>&, int>(&summarize_target),
          py::arg("passage"), py::arg("point_log"), py::arg("log_growth"), py::arg("observed"),
          py::arg("by"), py::arg("deadline"));

    m.def("brownian_first_passage_cdf", &brownian_first_passage_cdf, py::arg("t"),
          py::arg("distance"), py::arg("mu"), py::arg("sigma"));
    m.def(
        "random_walk_first_passage",
        [](const GrowthModel& model, double target_log, int horizon, const std::string& monitoring) {
            const auto* rw = dynamic_cast<const RandomWalkDrift*>(&model);
            if (!rw)
                throw py::type_error("random_walk_first_passage needs a rw_drift model; got " +
                                     to_string(model.kind()));
            if (monitoring != "annual" && monitoring != "continuous")
                throw py::value_error("monitoring must be 'annual' or 'continuous'; got '" + monitoring + "'");
            return random_walk_first_passage(
                *rw, target_log, horizon, monitoring == "annual" ? Monitoring::Annual : Monitoring::Continuous);
        },
        py::arg("model"), py::arg("target_log"), py::arg("horizon"), py::arg("monitoring") = "annual",
        "Closed-form first-passage CDF of a random walk with drift, parameters integrated out.");
}
