#include "bindings.hpp"

#include <cmath>
#include <limits>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>

#include "tradetarget/panel.hpp"
#include "tradetarget/reference_class.hpp"

using namespace tradetarget;

namespace {

// The panel arrives flat (what pandas holds): series i is rows offsets[i] .. offsets[i+1]-1 of
// years/values, and row i of `targets` its targets (NaN: none).
std::vector<PanelSeries> to_panel(const std::vector<std::string>& ids,
                                  const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& offsets,
                                  const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& years,
                                  const py::array_t<double, py::array::c_style | py::array::forcecast>& values,
                                  const py::array_t<double, py::array::c_style | py::array::forcecast>& targets) {
    const auto n = static_cast<py::ssize_t>(ids.size());
    if (offsets.ndim() != 1 || offsets.shape(0) != n + 1)
        throw py::value_error("offsets must have one more entry than ids");
    if (years.ndim() != 1 || values.ndim() != 1 || years.shape(0) != values.shape(0))
        throw py::value_error("years and values must be 1-d and of equal length");
    if (targets.ndim() != 2 || targets.shape(0) != n)
        throw py::value_error("targets must be a 2-d array with one row per series");
    const auto o = offsets.unchecked<1>();
    const auto y = years.unchecked<1>();
    const auto v = values.unchecked<1>();
    const auto t = targets.unchecked<2>();
    std::vector<PanelSeries> panel(static_cast<std::size_t>(n));
    for (py::ssize_t i = 0; i < n; ++i) {
        if (o(i) < 0 || o(i + 1) < o(i) || o(i + 1) > years.shape(0))
            throw py::value_error("offsets must be increasing and within the rows");
        PanelSeries& item = panel[static_cast<std::size_t>(i)];
        item.id = ids[static_cast<std::size_t>(i)];
        for (auto r = o(i); r < o(i + 1); ++r) {
            item.years.push_back(static_cast<int>(y(r)));
            item.values.push_back(v(r));
        }
        for (py::ssize_t k = 0; k < targets.shape(1); ++k)
            if (!std::isnan(t(i, k))) item.targets.push_back(t(i, k));
    }
    return panel;
}

}  // namespace

void register_panel(py::module_& m) {
    py::class_<PanelResult, SeriesForecast>(m, "PanelResult", "One series of a panel run (see panel.hpp).")
        .def_readonly("id", &PanelResult::id)
        .def_readonly("error", &PanelResult::error);
    m.def("series_seed", &series_seed, py::arg("seed"), py::arg("id"));
    const PanelOptions defaults;
    m.def(
        "fit_panel",
        [](const std::vector<std::string>& ids, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& offsets,
           const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& years,
           const py::array_t<double, py::array::c_style | py::array::forcecast>& values,
           const py::array_t<double, py::array::c_style | py::array::forcecast>& targets, const std::string& model,
           int horizon, const std::vector<double>& levels, const std::vector<int>& by, int n_paths,
           bool keep_paths, std::uint64_t seed, int threads, const ModelOptions& model_options,
           const std::function<void(std::size_t)>& progress) {
            PanelOptions options;
            static_cast<ForecastOptions&>(options) =
                forecast_options(horizon, levels, by, n_paths, keep_paths, seed, threads, true, model_options);
            options.model = parse_model(model);
            const std::vector<PanelSeries> panel = to_panel(ids, offsets, years, values, targets);
            // Called on this thread a few times a second, with or without a progress bar: Ctrl-C
            // (a pending signal) stops the run there.
            const std::function<void(std::size_t)> report = [&progress](std::size_t done) {
                py::gil_scoped_acquire gil;
                if (PyErr_CheckSignals() != 0) throw py::error_already_set();
                if (progress) progress(done);
            };
            py::gil_scoped_release release;
            return fit_panel(panel, options, report);
        },
        py::arg("ids"), py::arg("offsets"), py::arg("years"), py::arg("values"), py::arg("targets"), py::kw_only(),
        py::arg("model") = to_string(defaults.model), py::arg("horizon") = defaults.horizon,
        py::arg("levels") = defaults.levels, py::arg("by") = std::vector<int>{},
        py::arg("n_paths") = defaults.n_paths, py::arg("keep_paths") = defaults.keep_paths,
        py::arg("seed") = defaults.seed, py::arg("threads") = defaults.threads,
        py::arg("options") = ModelOptions{}, py::arg("progress") = py::none(),
        "Fits every series of a flat panel on a thread pool (the GIL released); see tradetarget.panel.");
}
