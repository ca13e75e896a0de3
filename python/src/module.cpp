#include "bindings.hpp"

#include "tradetarget/version.hpp"

// The compiled core. Thin by design: every computation is in the C++ library; this module only
// converts types. tradetarget.InputError (std::invalid_argument) arrives in Python as ValueError.
PYBIND11_MODULE(_core, m) {
    m.doc() = "tradetarget C++ core (observations, growth models, sample paths, first passage)";
    m.def("version", &tradetarget::version, "The C++ library version.");
    register_observations(m);
    register_models(m);
    register_reference(m);
    register_targets(m);
    register_measurement(m);
    register_level_models(m);
    register_evaluate(m);
    register_forecast(m);
    register_panel(m);
    register_mix(m);
    register_hierarchy(m);
    register_scenario(m);
}
