#include "bindings.hpp"

#include "tradetarget/errors.hpp"
#include "tradetarget/reference_class.hpp"

using namespace tradetarget;

namespace {

// A panel of series (ids, and their years and values cut by offsets) as AnnualSeries; a bad series
// is an error naming it.
std::vector<AnnualSeries> to_series(const std::vector<std::string>& ids, const std::vector<std::int64_t>& offsets,
                                    const std::vector<int>& years, const std::vector<double>& values) {
    if (offsets.size() != ids.size() + 1) throw InputError("offsets must have one more entry than ids");
    if (years.size() != values.size()) throw InputError("years and values differ in length");
    std::vector<AnnualSeries> out;
    out.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto from = static_cast<std::size_t>(offsets[i]), to = static_cast<std::size_t>(offsets[i + 1]);
        if (to < from || to > years.size()) throw InputError("offsets must be increasing and within the rows");
        try {
            out.push_back(AnnualSeries::from_levels(std::vector<int>(years.begin() + static_cast<std::ptrdiff_t>(from), years.begin() + static_cast<std::ptrdiff_t>(to)),
                                                    std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(from), values.begin() + static_cast<std::ptrdiff_t>(to))));
        } catch (const InputError& e) {
            throw InputError("series '" + ids[i] + "': " + e.what());
        }
    }
    return out;
}

ReferenceLearnOptions learn_options(int segment_years, int window_years, int first_year, int last_year,
                                    int min_series, int min_segments, bool predictive = false) {
    ReferenceLearnOptions o;
    o.predictive = predictive;
    o.segment_years = segment_years;
    o.window_years = window_years;
    o.first_year = first_year;
    o.last_year = last_year;
    o.min_series = min_series;
    o.min_segments = min_segments;
    return o;
}

}  // namespace

void register_reference(py::module_& m) {
    py::class_<ReferenceClass>(m, "ReferenceClass", "Hyperparameters of a reference class (reference_class.hpp).")
        .def(py::init([](double drift_mean, double drift_sd, double variance_shape, double variance_scale,
                         double drift_reset, int segment_years, int window_years, int n_series, int n_segments,
                         int first_year, int last_year, double log_likelihood, bool predictive,
                         double volatility_persistence, double volatility_innovation) {
                 ReferenceClass rc;
                 rc.predictive = predictive;
                 rc.volatility_persistence = volatility_persistence;
                 rc.volatility_innovation = volatility_innovation;
                 rc.drift_reset = drift_reset;
                 rc.window_years = window_years;
                 rc.drift_mean = drift_mean;
                 rc.drift_sd = drift_sd;
                 rc.variance_shape = variance_shape;
                 rc.variance_scale = variance_scale;
                 rc.segment_years = segment_years;
                 rc.n_series = n_series;
                 rc.n_segments = n_segments;
                 rc.first_year = first_year;
                 rc.last_year = last_year;
                 rc.log_likelihood = log_likelihood;
                 rc.validate();
                 return rc;
             }),
             py::arg("drift_mean"), py::arg("drift_sd"), py::arg("variance_shape"), py::arg("variance_scale"),
             py::arg("drift_reset") = 0.0, py::arg("segment_years") = 0, py::arg("window_years") = 0,
             py::arg("n_series") = 0, py::arg("n_segments") = 0,
             py::arg("first_year") = 0, py::arg("last_year") = 0, py::arg("log_likelihood") = 0.0,
             py::arg("predictive") = false, py::arg("volatility_persistence") = 1.0,
             py::arg("volatility_innovation") = 0.0)
        .def_readonly("drift_mean", &ReferenceClass::drift_mean)
        .def_readonly("drift_sd", &ReferenceClass::drift_sd)
        .def_readonly("variance_shape", &ReferenceClass::variance_shape)
        .def_readonly("variance_scale", &ReferenceClass::variance_scale)
        .def_readonly("drift_reset", &ReferenceClass::drift_reset)
        .def_readonly("volatility_persistence", &ReferenceClass::volatility_persistence)
        .def_readonly("volatility_innovation", &ReferenceClass::volatility_innovation)
        .def_readonly("segment_years", &ReferenceClass::segment_years)
        .def_readonly("window_years", &ReferenceClass::window_years)
        .def_readonly("predictive", &ReferenceClass::predictive)
        .def_readonly("n_series", &ReferenceClass::n_series)
        .def_readonly("n_segments", &ReferenceClass::n_segments)
        .def_readonly("first_year", &ReferenceClass::first_year)
        .def_readonly("last_year", &ReferenceClass::last_year)
        .def_readonly("log_likelihood", &ReferenceClass::log_likelihood)
        .def_property_readonly("median_sigma", &ReferenceClass::median_sigma);
    m.def(
        "learn_reference_class",
        [](const std::vector<std::string>& ids, const std::vector<std::int64_t>& offsets, const std::vector<int>& years,
           const std::vector<double>& values, int segment_years, int window_years, int first_year, int last_year,
           int min_series, int min_segments, bool predictive) {
            const auto panel = to_series(ids, offsets, years, values);
            const auto options =
                learn_options(segment_years, window_years, first_year, last_year, min_series, min_segments, predictive);
            py::gil_scoped_release release;
            return learn_reference_class(panel, options);
        },
        py::arg("ids"), py::arg("offsets"), py::arg("years"), py::arg("values"),
        py::arg("segment_years") = ReferenceLearnOptions{}.segment_years,
        py::arg("window_years") = ReferenceLearnOptions{}.window_years,
        py::arg("first_year") = ReferenceLearnOptions{}.first_year,
        py::arg("last_year") = ReferenceLearnOptions{}.last_year,
        py::arg("min_series") = ReferenceLearnOptions{}.min_series,
        py::arg("min_segments") = ReferenceLearnOptions{}.min_segments,
        py::arg("predictive") = ReferenceLearnOptions{}.predictive,
        "Learns a reference class from a panel by marginal likelihood (see reference_class.hpp).");
    m.def(
        "count_segments",
        [](const std::vector<std::string>& ids, const std::vector<std::int64_t>& offsets, const std::vector<int>& years,
           const std::vector<double>& values, int segment_years, int first_year, int last_year) {
            const auto c = count_segments(to_series(ids, offsets, years, values),
                                          learn_options(segment_years, 0, first_year, last_year, 0, 0));
            return std::make_pair(c.series, c.segments);
        },
        py::arg("ids"), py::arg("offsets"), py::arg("years"), py::arg("values"),
        py::arg("segment_years") = ReferenceLearnOptions{}.segment_years,
        py::arg("first_year") = ReferenceLearnOptions{}.first_year,
        py::arg("last_year") = ReferenceLearnOptions{}.last_year,
        "(series, segments): how much a panel holds to learn a reference class from.");
    m.attr("MIN_REFERENCE_SERIES") = ReferenceLearnOptions{}.min_series;
    m.attr("MIN_REFERENCE_SEGMENTS") = ReferenceLearnOptions{}.min_segments;
    // Its estimates reach Python through GrowthModel::params() (own_drift, own_weight, sigma, ...).
    py::class_<ReferenceRandomWalk, GrowthModel>(m, "ReferenceRandomWalk");
}
