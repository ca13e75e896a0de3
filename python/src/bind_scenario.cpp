#include "bindings.hpp"

#include "tradetarget/scenario.hpp"
#include "tradetarget/simulation.hpp"

using namespace tradetarget;

void register_scenario(py::module_& m) {
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
