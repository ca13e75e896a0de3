#pragma once
// Private header of the bindings: included first by every bind_*.cpp.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

void register_observations(py::module_& m);
void register_models(py::module_& m);
void register_targets(py::module_& m);
void register_measurement(py::module_& m);
void register_ets(py::module_& m);
void register_panel(py::module_& m);
void register_mix(py::module_& m);
void register_reference(py::module_& m);
