#include "bindings.hpp"

#include "tradetarget/measurement.hpp"
#include "tradetarget/structural.hpp"

using namespace tradetarget;

void register_measurement(py::module_& m) {
    py::class_<LatentYear>(m, "LatentYear")
        .def_readonly("year", &LatentYear::year)
        .def_readonly("log_mean", &LatentYear::log_mean)
        .def_readonly("log_sd", &LatentYear::log_sd)
        .def_readonly("n_observations", &LatentYear::n_observations);
    py::class_<ObservationResidual>(m, "ObservationResidual")
        .def_readonly("id", &ObservationResidual::id)
        .def_readonly("where", &ObservationResidual::where)
        .def_readonly("year", &ObservationResidual::year)
        .def_readonly("observed", &ObservationResidual::observed)
        .def_readonly("fitted", &ObservationResidual::fitted)
        .def_readonly("standardized", &ObservationResidual::standardized);
    py::class_<SourceBias>(m, "SourceBias")
        .def_readonly("source", &SourceBias::source)
        .def_readonly("mean", &SourceBias::mean)
        .def_readonly("sd", &SourceBias::sd);
    py::class_<MeasurementRow>(m, "MeasurementRow")
        .def_readonly("id", &MeasurementRow::id)
        .def_readonly("year", &MeasurementRow::year)
        .def_readonly("how", &MeasurementRow::how);

    py::class_<MeasurementModel>(m, "MeasurementModel",
                                 "Every statement tied to one latent annual series (see measurement.hpp).")
        .def(py::init([](const std::vector<Observation>& observations, double sigma_slope, double partial_share_sd,
                         double approx_multiplier, double bias_prior_sd, int grid_points) {
                 MeasurementOptions o;
                 o.sigma_slope = sigma_slope;
                 o.partial_share_sd = partial_share_sd;
                 o.approx_multiplier = approx_multiplier;
                 o.bias_prior_sd = bias_prior_sd;
                 o.grid_points = grid_points;
                 py::gil_scoped_release release;
                 return MeasurementModel(observations, o);
             }),
             py::arg("observations"), py::arg("sigma_slope") = MeasurementOptions{}.sigma_slope,
             py::arg("partial_share_sd") = MeasurementOptions{}.partial_share_sd,
             py::arg("approx_multiplier") = MeasurementOptions{}.approx_multiplier,
             py::arg("bias_prior_sd") = MeasurementOptions{}.bias_prior_sd,
             py::arg("grid_points") = MeasurementOptions{}.grid_points)
        .def_property_readonly("rows", &MeasurementModel::rows)
        .def_property_readonly("decisions", &MeasurementModel::decisions)
        .def_property_readonly("years", &MeasurementModel::years)
        .def_property_readonly("residuals", &MeasurementModel::residuals)
        .def_property_readonly("biases", &MeasurementModel::biases)
        .def_property_readonly("last_full_year", &MeasurementModel::last_full_year)
        .def_property_readonly("sigma_level_mean", &MeasurementModel::sigma_level_mean)
        .def_property_readonly("sigma_obs_mean", &MeasurementModel::sigma_obs_mean)
        .def_property_readonly("drift_mean", &MeasurementModel::drift_mean)
        .def_property_readonly("drift_sd", &MeasurementModel::drift_sd)
        .def("observed_series", &MeasurementModel::observed_series)
        .def("point_log", &MeasurementModel::point_log, py::arg("horizon"))
        .def(
            "simulate",
            [](const MeasurementModel& model, int horizon, int n_paths, std::uint64_t seed) {
                SimulationOptions o;
                o.horizon = horizon;
                o.n_paths = n_paths;
                o.seed = seed;
                py::gil_scoped_release release;
                return model.simulate(o);
            },
            py::arg("horizon") = SimulationOptions{}.horizon, py::arg("n_paths") = SimulationOptions{}.n_paths,
            py::arg("seed") = SimulationOptions{}.seed);

    m.def(
        "local_linear_trend",
        [](const Eigen::VectorXd& y, double sigma_irregular, double sigma_level, double sigma_slope, int burn,
           double kappa, const std::vector<int>& years) {
            const auto r = local_linear_trend(y, sigma_irregular, sigma_level, sigma_slope, burn, kappa, years);
            return py::make_tuple(r.loglik, r.smoothed_state);
        },
        py::arg("y"), py::arg("sigma_irregular"), py::arg("sigma_level"), py::arg("sigma_slope"),
        py::arg("burn") = 2, py::arg("kappa") = 1e6, py::arg("years") = std::vector<int>{},
        "Log-likelihood and smoothed (level, slope) of the plain local linear trend.");
}
