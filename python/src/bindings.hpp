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
void register_level_models(py::module_& m);
void register_evaluate(py::module_& m);
void register_panel(py::module_& m);
void register_mix(py::module_& m);
void register_hierarchy(py::module_& m);
void register_scenario(py::module_& m);
void register_reference(py::module_& m);
void register_forecast(py::module_& m);

#include <cstdint>
#include <vector>

#include "tradetarget/forecast.hpp"

// The forecast options from keyword arguments, for every binding that forecasts (bind_forecast.cpp).
tradetarget::ForecastOptions forecast_options(int horizon, const std::vector<double>& levels,
                                              const std::vector<int>& by, int n_paths, bool keep_paths,
                                              std::uint64_t seed, int threads, bool source_uncertainty,
                                              const tradetarget::ModelOptions& model);
