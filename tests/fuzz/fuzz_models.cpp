// Arbitrary series (any doubles, any years) -> models -> quantiles, paths, first passage, and the
// closed forms on arbitrary parameters.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_check.hpp"
#include "tradetarget/tradetarget.hpp"

using namespace tradetarget;

// One thread and one block of paths: the same coverage, so the same run, on every machine. Under
// ThreadSanitizer (make fuzz-tsan) two threads share three blocks of paths, to look for races.
#ifndef TRADETARGET_FUZZ_THREADS
#define TRADETARGET_FUZZ_THREADS 1
#define TRADETARGET_FUZZ_PATHS 30
#endif

namespace {

double any_double(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 6)) {
        case 0: return std::nan("");
        case 1: return in.ConsumeBool() ? INFINITY : -INFINITY;
        case 2: return in.ConsumeFloatingPoint<double>();
        case 3: return in.ConsumeFloatingPointInRange<double>(-1e-300, 1e-300);
        default: return in.ConsumeFloatingPointInRange<double>(1e-3, 1e12);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::vector<int> years;
    std::vector<double> levels, log_sd;
    int year = in.ConsumeIntegralInRange(-5, 3005);
    const int n = in.ConsumeIntegralInRange(0, 10);
    for (int i = 0; i < n; ++i) {
        years.push_back(year);
        year += in.ConsumeIntegralInRange(-1, 3);
        levels.push_back(any_double(in));
        log_sd.push_back(in.ConsumeBool() ? 0.0 : any_double(in));
    }
    try {
        const AnnualSeries series = AnnualSeries::from_levels(years, levels, log_sd);
        ModelOptions model_options;  // reference_rw's prior: the bundled world-trade class, roughly
        ReferenceClass reference;
        reference.drift_mean = 0.088;
        reference.drift_sd = 0.026;
        reference.variance_shape = 1.29;
        reference.variance_scale = 0.023;
        model_options.reference = std::make_shared<ReferenceClass>(reference);
        for (ModelKind kind : {ModelKind::LogLinearTrend, ModelKind::RandomWalkDrift, ModelKind::ReferenceRandomWalk}) {
            try {
                const auto model = fit_model(kind, series, model_options);
                const int ahead = series.last_year() + in.ConsumeIntegralInRange(1, 60);
                const double p = in.ConsumeFloatingPointInRange<double>(1e-9, 1.0 - 1e-9);
                FUZZ_CHECK(!std::isnan(model->quantile_log(ahead, p)));
                SimulationOptions options;
                options.n_paths = TRADETARGET_FUZZ_PATHS;
                options.threads = TRADETARGET_FUZZ_THREADS;
                options.model = model_options;
                options.horizon = in.ConsumeIntegralInRange(1, 40);
                options.seed = in.ConsumeIntegral<std::uint64_t>();
                const SamplePaths paths = simulate_paths(kind, series, options);
                const double target = any_double(in);
                try {
                    check_cdf(first_passage(paths, target, series).cdf);
                } catch (const InputError&) {
                }
                if (const auto* rw = dynamic_cast<const RandomWalkDrift*>(model.get()))
                    check_cdf(random_walk_first_passage(*rw, std::log(std::fabs(target) + 1.0) + rw->last_log_level(),
                                                        in.ConsumeIntegralInRange(1, 12), Monitoring::Annual));
            } catch (const InputError&) {
            }
        }
    } catch (const InputError&) {
    }
    // Exponential smoothing and Theta on arbitrary values.
    try {
        static const char* const classes[] = {"ANN", "AAN", "AAdN", "MNN", "MAN", "MAdN"};
        const EtsModel ets = in.ConsumeBool() ? EtsModel::select(levels)
                                              : EtsModel::fit(levels, EtsSpec::parse(in.PickValueInArray(classes)));
        const Eigen::VectorXd v = ets.variance(in.ConsumeIntegralInRange(1, 12));
        if (v.hasNaN() && std::getenv("FUZZ_PRINT")) {
            std::fprintf(stderr, "%s sigma2=%g params:", ets.spec().name().c_str(), ets.sigma2());
            for (const auto& [k, x] : ets.params()) std::fprintf(stderr, " %s=%g", k.c_str(), x);
            std::fprintf(stderr, "\nlevels:");
            for (double x : levels) std::fprintf(stderr, " %.17g", x);
            std::fprintf(stderr, "\n");
        }
        FUZZ_CHECK(!v.hasNaN());
        FUZZ_CHECK(!ThetaModel::fit(levels).mean(3).hasNaN());
    } catch (const InputError&) {
    }
    // ARIMA of any small order, automatic ARIMA, and the rolling-origin evaluation.
    try {
        const ArimaOrder order{in.ConsumeIntegralInRange(0, 3), in.ConsumeIntegralInRange(0, 2),
                               in.ConsumeIntegralInRange(0, 3), in.ConsumeBool()};
        const ArimaModel arima = in.ConsumeBool() ? auto_arima(levels) : ArimaModel::fit(levels, order);
        const Eigen::VectorXd v = arima.variance(4);
        if ((v.hasNaN() || (v.array() < 0.0).any()) && std::getenv("FUZZ_PRINT")) {
            std::fprintf(stderr, "%s sigma2=%g variance:", arima.order().name().c_str(), arima.sigma2());
            for (Eigen::Index i = 0; i < v.size(); ++i) std::fprintf(stderr, " %g", v(i));
            std::fprintf(stderr, "\nlevels:");
            for (double x : levels) std::fprintf(stderr, " %.17g", x);
            std::fprintf(stderr, "\n");
        }
        FUZZ_CHECK(!v.hasNaN() && (v.array() >= 0.0).all());
        FUZZ_CHECK(!arima.mean(4).hasNaN());
    } catch (const InputError&) {
    }
    try {
        std::vector<int> consecutive(levels.size());
        for (std::size_t i = 0; i < consecutive.size(); ++i) consecutive[i] = 2000 + static_cast<int>(i);
        const auto rows = rolling_origin(consecutive, levels, {"naive", "ANN", "theta", "rw_drift"},
                                         in.ConsumeIntegralInRange(2, 6), in.ConsumeIntegralInRange(1, 3), 1);
        for (const auto& r : rows) FUZZ_CHECK(r.forecasts == 0 || !std::isnan(r.mase));
    } catch (const InputError&) {
    }
    // One panel series (any model, the level models' quantiles included: the AICc mixture's root).
    try {
        PanelOptions options;
        static const ModelKind kinds[] = {ModelKind::AutoEts, ModelKind::EtsAicc, ModelKind::Theta, ModelKind::RandomWalkDrift};
        options.model = in.PickValueInArray(kinds);
        options.horizon = in.ConsumeIntegralInRange(1, 8);
        options.n_paths = in.ConsumeIntegralInRange(0, 20);
        options.threads = 1;
        options.levels = {in.ConsumeFloatingPointInRange<double>(1.0, 99.0)};
        options.validate();
        const PanelResult r = fit_series({"fuzz", years, levels, {any_double(in)}}, options);
        if (r.ok()) {
            FUZZ_CHECK(!r.point.hasNaN());
            FUZZ_CHECK(!r.lower.hasNaN() && !r.upper.hasNaN());
            FUZZ_CHECK((r.lower.array() <= r.upper.array()).all());
        }
    } catch (const InputError&) {
    }
    // The export mix and scenario levers on arbitrary values.
    try {
        std::vector<MixItem> items;
        for (std::size_t i = 0; i < levels.size(); ++i)
            items.push_back({"c" + std::to_string(in.ConsumeIntegralInRange(0, 12)), levels[i], in.ConsumeBool(), in.ConsumeBool()});
        const MixSummary mix = summarize_mix(items, any_double(in), any_double(in));
        double total = 0.0;
        for (const MixLine& line : mix.lines) total += line.share_of_exports;
        FUZZ_CHECK(std::fabs(total - 1.0) < 1e-9 && mix.hhi <= mix.hhi_upper && mix.hhi_upper <= 1.0 + 1e-12);
    } catch (const InputError&) {
    }
    try {
        PathMatrix baseline(3, 4);
        for (Eigen::Index i = 0; i < baseline.size(); ++i) baseline.data()[i] = any_double(in);
        static const LeverKind lever_kinds[] = {LeverKind::NewExports, LeverKind::Price, LeverKind::Volume,
                                                LeverKind::ImportGrowth, LeverKind::GrowthUplift};
        Lever lever{"fuzz", in.PickValueInArray(lever_kinds), any_double(in), in.ConsumeIntegralInRange(990, 3010),
                    in.ConsumeIntegralInRange(-1, 5), any_double(in), {{2026, any_double(in)}}, any_double(in),
                    any_double(in)};
        const ScenarioPaths s = apply_levers(baseline, 2025, {lever}, in.ConsumeIntegral<std::uint64_t>());
        FUZZ_CHECK(!s.total.hasNaN());
    } catch (const InputError&) {
    }
    // The closed forms on their own.
    try {
        const double d = any_double(in), mu = any_double(in) - 1.0, sigma = any_double(in);
        check_cdf(annual_first_passage_cdf(in.ConsumeIntegralInRange(1, 25), d, mu, sigma));
        const double cdf = brownian_first_passage_cdf(in.ConsumeFloatingPointInRange<double>(0.0, 100.0), d, mu, sigma);
        FUZZ_CHECK(cdf >= 0.0 && cdf <= 1.0);
    } catch (const InputError&) {
    }
    return 0;
}
