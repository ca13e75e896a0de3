#include "bindings.hpp"

#include "tradetarget/arima.hpp"
#include "tradetarget/ets.hpp"
#include "tradetarget/evaluate.hpp"
#include "tradetarget/theta.hpp"

using namespace tradetarget;

void register_level_models(py::module_& m) {
    py::class_<EtsModel>(m, "EtsModel", "A fitted exponential smoothing model (see ets.hpp).")
        .def_property_readonly("name", [](const EtsModel& e) { return e.spec().name(); })
        .def_property_readonly("params", &EtsModel::params)
        .def_property_readonly("loglik", &EtsModel::loglik)
        .def_property_readonly("aic", &EtsModel::aic)
        .def_property_readonly("aicc", &EtsModel::aicc)
        .def_property_readonly("bic", &EtsModel::bic)
        .def_property_readonly("sigma2", &EtsModel::sigma2)
        .def_property_readonly("n", &EtsModel::n)
        .def_property_readonly("residuals", &EtsModel::residuals)
        .def("mean", &EtsModel::mean, py::arg("h"))
        .def("variance", &EtsModel::variance, py::arg("h"));
    m.def(
        "ets_fit", [](const std::vector<double>& y, const std::string& spec) { return EtsModel::fit(y, EtsSpec::parse(spec)); },
        py::arg("y"), py::arg("spec"), py::call_guard<py::gil_scoped_release>(),
        "Fits one ETS class (ANN, AAN, AAdN, MNN, MAN, MAdN) by maximum likelihood.");
    py::class_<ThetaModel>(m, "ThetaModel", "The Theta method as SES with drift (see theta.hpp).")
        .def_property_readonly("alpha", &ThetaModel::alpha)
        .def_property_readonly("drift", &ThetaModel::drift)
        .def_property_readonly("sigma2", &ThetaModel::sigma2)
        .def("mean", &ThetaModel::mean, py::arg("h"))
        .def("variance", &ThetaModel::variance, py::arg("h"));
    m.def("theta_fit", &ThetaModel::fit, py::arg("y"), py::call_guard<py::gil_scoped_release>());
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
    py::class_<ArimaModel>(m, "ArimaModel", "ARIMA(p,d,q) with a constant, exact ML (see arima.hpp).")
        .def_property_readonly("name", [](const ArimaModel& a) { return a.order().name(); })
        .def_property_readonly("params", &ArimaModel::params)
        .def_property_readonly("loglik", &ArimaModel::loglik)
        .def_property_readonly("aic", &ArimaModel::aic)
        .def_property_readonly("aicc", &ArimaModel::aicc)
        .def_property_readonly("bic", &ArimaModel::bic)
        .def_property_readonly("sigma2", &ArimaModel::sigma2)
        .def("mean", &ArimaModel::mean, py::arg("h"))
        .def("variance", &ArimaModel::variance, py::arg("h"));
    m.def(
        "arima_fit",
        [](const std::vector<double>& y, int p, int d, int q, bool constant) {
            return ArimaModel::fit(y, ArimaOrder{p, d, q, constant});
        },
        py::arg("y"), py::arg("p"), py::arg("d"), py::arg("q"), py::arg("constant") = true,
        py::call_guard<py::gil_scoped_release>());
    m.def("auto_arima", &auto_arima, py::arg("y"), py::call_guard<py::gil_scoped_release>(),
          "Hyndman-Khandakar automatic ARIMA: d by KPSS, stepwise search by AICc.");
    m.def("ndiffs", &ndiffs, py::arg("y"), py::arg("max_d") = 2);
    m.def("kpss_statistic", &kpss_statistic, py::arg("x"));
    m.def("evaluable_models", &evaluable_models);
    m.def("ets_classes", [] {
        std::vector<std::string> names;
        for (const EtsSpec& s : EtsSpec::all()) names.push_back(s.name());
        return names;
    }, "The ETS classes, by name (ets.hpp).");
    m.def("rolling_origin", &rolling_origin, py::arg("years"), py::arg("values"), py::arg("models"),
          py::arg("min_train"), py::arg("horizon"), py::call_guard<py::gil_scoped_release>(),
          "Rolling-origin evaluation: MASE, RMSSE, sMAPE, 80%/95% coverage and scaled CRPS per model.");
    m.def("ets_select", &EtsModel::select, py::arg("y"), py::call_guard<py::gil_scoped_release>(),
          "The ETS class with the smallest AICc among those the series supports.");
}
