// Arbitrary observation fields -> make_observation -> reconcile_annual -> models -> targets.
#include <cstdint>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_check.hpp"
#include "tradetarget/tradetarget.hpp"

using namespace tradetarget;

namespace {

std::string month(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 3)) {
        case 0: return in.ConsumeRandomLengthString(10);
        case 1: return "";
        default: {
            char text[32];
            std::snprintf(text, sizeof text, "%04d-%02d", in.ConsumeIntegralInRange(1990, 2030),
                          in.ConsumeIntegralInRange(0, 13));
            return text;
        }
    }
}

double value(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 5)) {
        case 0: return std::nan("");
        case 1: return in.ConsumeBool() ? INFINITY : -INFINITY;
        case 2: return in.ConsumeFloatingPoint<double>();
        default: return in.ConsumeFloatingPointInRange<double>(-2.0, 1e10);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    static const char* const statements[] = {"level", "approx_level", "current_level", "lower_bound",
                                             "range", "growth", "expectation", "other"};
    std::vector<Observation> observations;
    const int n = in.ConsumeIntegralInRange(0, 12);
    for (int i = 0; i < n; ++i) {
        const std::string statement = in.PickValueInArray(statements);
        const std::string start = month(in), end = month(in);
        const std::string published = in.ConsumeBool() ? in.ConsumeRandomLengthString(12) : "2025-08-04";
        const std::string source = in.ConsumeBool() ? "a" : "b";
        const double v = value(in), upper = value(in);
        try {
            observations.push_back(make_observation("o" + std::to_string(i), "row " + std::to_string(i),
                                                    source, statement, start, end, published, v, upper));
        } catch (const InputError&) {
        }
    }
    try {
        const ReconciledSeries r = reconcile_annual(observations);
        FUZZ_CHECK(r.decisions.size() == observations.size());
        for (std::size_t i = 0; i < r.years.size(); ++i) {
            FUZZ_CHECK(std::isfinite(r.years[i].value) && r.years[i].value > 0.0);
            FUZZ_CHECK(std::isfinite(r.years[i].log_sd) && r.years[i].log_sd >= 0.0);
            if (i > 0) FUZZ_CHECK(r.years[i].year > r.years[i - 1].year);
        }
        const AnnualSeries series = AnnualSeries::from_reconciled(r);
        SimulationOptions options;
        options.n_paths = 40;
        options.threads = 1;  // one thread: the same coverage, so the same run, on every machine
        options.horizon = in.ConsumeIntegralInRange(1, 30);
        for (ModelKind kind : {ModelKind::LogLinearTrend, ModelKind::RandomWalkDrift}) {
            try {
                const SamplePaths paths = simulate_paths(kind, series, options);
                const FirstPassage fp = first_passage(paths, series.log_level.maxCoeff() > 700 ? 1e300 : 2.0 * std::exp(series.log_level.maxCoeff()), series);
                check_cdf(fp.cdf);
            } catch (const InputError&) {
            }
        }
    } catch (const InputError&) {
    }
    return 0;
}
