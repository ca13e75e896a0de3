#include "bindings.hpp"

#include "tradetarget/arima.hpp"
#include "tradetarget/box_cox.hpp"
#include "tradetarget/errors.hpp"
#include "tradetarget/ets.hpp"
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
    py::class_<ThetaFamilyModel>(m, "ThetaFamilyModel",
                                 "A model of the Theta family of Fiorucci et al. 2016 (STM, OTM, DSTM, DOTM; see theta.hpp).")
        .def_property_readonly("variant", [](const ThetaFamilyModel& t) { return to_string(t.variant()); })
        .def_property_readonly("initial_level", &ThetaFamilyModel::initial_level)
        .def_property_readonly("alpha", &ThetaFamilyModel::alpha)
        .def_property_readonly("theta", &ThetaFamilyModel::theta)
        .def_property_readonly("criterion", &ThetaFamilyModel::criterion)
        .def_property_readonly("sigma2", &ThetaFamilyModel::sigma2)
        .def_property_readonly("residuals", &ThetaFamilyModel::residuals)
        .def("mean", &ThetaFamilyModel::mean, py::arg("h"))
        .def("variance", &ThetaFamilyModel::variance, py::arg("h"));
    const auto parse_variant = [](const std::string& name) {
        for (ThetaVariant v : {ThetaVariant::Standard, ThetaVariant::Optimized, ThetaVariant::DynamicStandard,
                               ThetaVariant::DynamicOptimized})
            if (to_string(v) == name) return v;
        throw InputError("unknown Theta variant '" + name + "'; expected STM, OTM, DSTM or DOTM");
    };
    m.def(
        "theta_family_fit",
        [parse_variant](const std::vector<double>& y, const std::string& variant) {
            if (variant == "auto") return ThetaFamilyModel::select(y);
            return ThetaFamilyModel::fit(y, parse_variant(variant));
        },
        py::arg("y"), py::arg("variant"), py::call_guard<py::gil_scoped_release>(),
        "Fits a Theta-family model (STM, OTM, DSTM, DOTM, or auto: the smallest criterion).");
    m.def(
        "theta_family_at",
        [parse_variant](const std::vector<double>& y, const std::string& variant, double initial_level, double alpha,
                        double theta) { return ThetaFamilyModel::at(y, parse_variant(variant), initial_level, alpha, theta); },
        py::arg("y"), py::arg("variant"), py::arg("initial_level"), py::arg("alpha"), py::arg("theta"),
        "A Theta-family model's recursion at given parameters, without fitting.");
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
    m.def("auto_arima", &auto_arima, py::arg("y"), py::call_guard<py::gil_scoped_release>(),
          "Hyndman-Khandakar automatic ARIMA: d by KPSS, stepwise search by AICc.");
    m.def("ndiffs", &ndiffs, py::arg("y"), py::arg("max_d") = 2);
    m.def("kpss_statistic", &kpss_statistic, py::arg("x"));
    m.def("ets_classes", [] {
        std::vector<std::string> names;
        for (const EtsSpec& s : EtsSpec::all()) names.push_back(s.name());
        return names;
    }, "The ETS classes, by name (ets.hpp).");
    m.def("ets_select", &EtsModel::select, py::arg("y"), py::arg("additive_only") = false,
          py::call_guard<py::gil_scoped_release>(),
          "The ETS class with the smallest AICc among those the series supports (additive_only: the additive-error ones).");
    m.def("box_cox", &box_cox, py::arg("y"), py::arg("lambda_"), "R's BoxCox: (y^lambda - 1) / lambda, log(y) at 0 (box_cox.hpp).");
    m.def("inv_box_cox", &inv_box_cox, py::arg("z"), py::arg("lambda_"), "R's InvBoxCox (box_cox.hpp).");
    m.def("guerrero_lambda", &guerrero_lambda, py::arg("y"), py::arg("lower") = -1.0, py::arg("upper") = 2.0,
          "Guerrero's Box-Cox lambda for an annual series, as R's BoxCox.lambda() (box_cox.hpp).");
}
