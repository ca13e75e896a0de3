#include "bindings.hpp"

#include "tradetarget/evaluate.hpp"

using namespace tradetarget;

void register_evaluate(py::module_& m) {
    py::class_<EvaluationRow>(m, "EvaluationRow")
        .def_readonly("model", &EvaluationRow::model)
        .def_readonly("origins", &EvaluationRow::origins)
        .def_readonly("failures", &EvaluationRow::failures)
        .def_readonly("forecasts", &EvaluationRow::forecasts)
        .def_readonly("mase", &EvaluationRow::mase)
        .def_readonly("rmsse", &EvaluationRow::rmsse)
        .def_readonly("smape", &EvaluationRow::smape)
        .def_readonly("coverage80", &EvaluationRow::coverage80)
        .def_readonly("coverage95", &EvaluationRow::coverage95)
        .def_readonly("crps", &EvaluationRow::crps)
        .def_readonly("first_failure", &EvaluationRow::first_failure);
    m.def("evaluable_models", &evaluable_models);
    m.def("rolling_origin", &rolling_origin, py::arg("years"), py::arg("values"), py::arg("models"),
          py::arg("min_train"), py::arg("horizon"), py::arg("threads") = 0, py::call_guard<py::gil_scoped_release>(),
          "Rolling-origin evaluation: MASE, RMSSE, sMAPE, 80%/95% coverage and scaled CRPS per model.");
}
