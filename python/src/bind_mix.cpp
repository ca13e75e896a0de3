#include "bindings.hpp"

#include <cmath>
#include <limits>

#include "tradetarget/mix.hpp"

using namespace tradetarget;

void register_mix(py::module_& m) {
    py::class_<MixItem>(m, "MixItem")
        .def(py::init([](std::string name, double value, py::object primary) {
                 MixItem item{std::move(name), value, false, !primary.is_none()};
                 if (item.classified) item.primary = primary.cast<bool>();
                 return item;
             }),
             py::arg("name"), py::arg("value"), py::arg("primary") = py::none());
    py::class_<MixLine>(m, "MixLine")
        .def_readonly("name", &MixLine::name)
        .def_readonly("value", &MixLine::value)
        .def_readonly("share_of_exports", &MixLine::share_of_exports)
        .def_readonly("share_of_trade", &MixLine::share_of_trade)
        .def_readonly("remainder", &MixLine::remainder);
    py::class_<MixSummary>(m, "MixSummary")
        .def_readonly("lines", &MixSummary::lines)
        .def_readonly("exports_total", &MixSummary::exports_total)
        .def_readonly("exports_known", &MixSummary::exports_known)
        .def_readonly("listed_total", &MixSummary::listed_total)
        .def_readonly("remainder", &MixSummary::remainder)
        .def_readonly("hhi", &MixSummary::hhi)
        .def_readonly("hhi_upper", &MixSummary::hhi_upper)
        .def_readonly("hhi_normalised", &MixSummary::hhi_normalised)
        .def_readonly("top_k", &MixSummary::top_k)
        .def_readonly("primary_share", &MixSummary::primary_share)
        .def_readonly("unclassified_share", &MixSummary::unclassified_share);
    m.def("summarize_mix", &summarize_mix, py::arg("items"),
          py::arg("exports_total") = std::numeric_limits<double>::quiet_NaN(),
          py::arg("trade_total") = std::numeric_limits<double>::quiet_NaN(),
          "Shares, remainder, HHI (range), top-k and raw-material share of one export snapshot.");
}
