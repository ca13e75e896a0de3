#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/random/normal_distribution.hpp>
#include <catch2/catch.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/ets.hpp"
#include "tradetarget/level_models.hpp"
#include "tradetarget/panel.hpp"
#include "tradetarget/parallel.hpp"

using namespace tradetarget;
using Catch::Matchers::Contains;

namespace {

// Seeded synthetic panel: geometric random walks with drift, lengths 6-25, ending in 2024.
std::vector<PanelSeries> synthetic_panel(int n) {
    std::vector<PanelSeries> panel;
    Rng rng = make_rng(7, 0);
    boost::random::normal_distribution<double> normal;
    for (int i = 0; i < n; ++i) {
        const int length = 6 + i % 20;
        std::vector<int> years;
        std::vector<double> levels;
        double log_level = std::log(100.0 + i);
        for (int t = 0; t < length; ++t) {
            log_level += 0.05 + 0.1 * normal(rng);
            years.push_back(2024 - length + 1 + t);  // every series ends in 2024
            levels.push_back(std::exp(log_level));
        }
        panel.push_back({"series-" + std::to_string(i), years, levels, {2.0 * levels.back()}});
    }
    return panel;
}

void check_identical(const PanelResult& a, const PanelResult& b) {
    REQUIRE(a.id == b.id);
    REQUIRE(a.error == b.error);
    CHECK(a.method == b.method);
    CHECK((a.point.array() == b.point.array()).all());
    CHECK((a.lower.array() == b.lower.array()).all());
    REQUIRE(a.targets.size() == b.targets.size());
    for (std::size_t t = 0; t < a.targets.size(); ++t) {
        CHECK(a.targets[t].median_year == b.targets[t].median_year);
        CHECK(a.targets[t].prob_by == b.targets[t].prob_by);
    }
}

}  // namespace

TEST_CASE("panel: results do not depend on the number of threads or on the partition") {
    const auto panel = synthetic_panel(40);
    PanelOptions options;
    options.n_paths = 400;
    options.by = {2030};
    options.horizon = 12;
    options.threads = 1;
    const auto one = fit_panel(panel, options);
    for (const auto& r : one) REQUIRE(r.error.empty());
    options.threads = 3;
    const auto three = fit_panel(panel, options);
    REQUIRE(one.size() == panel.size());
    for (std::size_t i = 0; i < panel.size(); ++i) check_identical(one[i], three[i]);

    // The second half alone (as a Dask partition would see it) gives the same numbers.
    const std::vector<PanelSeries> half(panel.begin() + 20, panel.end());
    const auto part = fit_panel(half, options);
    for (std::size_t i = 0; i < half.size(); ++i) check_identical(part[i], one[20 + i]);

    // Different ids get different streams: the same data under two names gives other paths.
    std::vector<PanelSeries> twins = {panel[0], panel[0]};
    twins[1].id = "twin";
    options.keep_paths = true;
    const auto twin_results = fit_panel(twins, options);
    CHECK(twin_results[0].point == twin_results[1].point);
    CHECK(twin_results[0].paths->log_level != twin_results[1].paths->log_level);
}

TEST_CASE("panel: each series equals the model fitted alone, with R's normal intervals") {
    auto panel = synthetic_panel(5);
    for (auto& item : panel) item.targets.clear();
    PanelOptions options;
    options.n_paths = 0;
    options.horizon = 6;
    options.model_options.positive = false;  // R's forecast, bounds below zero included
    const auto results = fit_panel(panel, options);
    for (std::size_t i = 0; i < panel.size(); ++i) {
        const EtsModel ets = EtsModel::select(panel[i].values);
        const Eigen::VectorXd mean = ets.mean(6), variance = ets.variance(6);
        REQUIRE(results[i].ok());
        CHECK(results[i].method == ets.spec().label());
        const double z80 = boost::math::quantile(boost::math::normal(), 0.9);
        for (int h = 0; h < 6; ++h) {
            CHECK(results[i].point(h) == Approx(mean(h)).epsilon(1e-12));
            CHECK(results[i].lower(h, 0) == Approx(mean(h) - z80 * std::sqrt(variance(h))).epsilon(1e-12));
            CHECK(results[i].upper(h, 1) > results[i].upper(h, 0));
        }
        CHECK(results[i].targets.empty());  // no paths asked for
    }
}

TEST_CASE("panel: the AICc-weighted ETS quantile is the quantile of the normal mixture") {
    std::vector<int> years;
    std::vector<double> levels;
    for (int t = 0; t < 14; ++t) {
        years.push_back(2000 + t);
        levels.push_back(50.0 * std::exp(0.06 * t) + 4.0 * std::sin(1.3 * t));
    }
    const AnnualSeries series = AnnualSeries::from_levels(years, levels);
    ModelOptions r_forecast;
    r_forecast.positive = false;
    const LevelForecastModel model(ModelKind::EtsAicc, series, r_forecast);
    const auto weights = EtsModel::aicc_weights(levels);
    REQUIRE(weights.size() > 1);
    for (double p : {0.025, 0.1, 0.5, 0.9, 0.975}) {
        const double x = model.forecast_quantile(2016, p);
        double cdf = 0.0;
        for (const auto& [ets, w] : weights)
            cdf += w * boost::math::cdf(boost::math::normal(ets.mean(3)(2), std::sqrt(ets.variance(3)(2))), x);
        CHECK(cdf == Approx(p).margin(1e-10));
    }
    // By default (positive) the classes with multiplicative errors are lognormal with their normal's
    // mean and variance; the additive ones, far from zero here, their normal. The mean is R's.
    const LevelForecastModel positive(ModelKind::EtsAicc, series);
    bool has_multiplicative = false;
    for (double p : {0.025, 0.1, 0.5, 0.9, 0.975}) {
        const double x = positive.forecast_quantile(2016, p);
        double cdf = 0.0;
        for (const auto& [ets, w] : weights) {
            const double mean = ets.mean(3)(2), variance = ets.variance(3)(2);
            if (ets.spec().error == EtsError::Multiplicative) {
                has_multiplicative = true;
                const double s2 = std::log1p(variance / (mean * mean));
                cdf += w * boost::math::cdf(boost::math::lognormal(std::log(mean) - s2 / 2, std::sqrt(s2)), x);
            } else {
                cdf += w * boost::math::cdf(boost::math::normal(mean, std::sqrt(variance)), x);
            }
        }
        CHECK(cdf == Approx(p).margin(1e-10));
    }
    CHECK(has_multiplicative);
    CHECK(positive.point_forecast(2016) == Approx(model.point_forecast(2016)).epsilon(1e-12));
}

TEST_CASE("panel: a series the model cannot fit is reported, the others go on") {
    auto panel = synthetic_panel(3);
    panel.push_back({"too-short", {2020, 2021}, {1.0, 2.0}, {}});
    panel.push_back({"negative", {2020, 2021, 2022, 2023, 2024}, {1.0, 2.0, -1.0, 2.0, 3.0}, {}});
    PanelOptions options;
    options.n_paths = 100;
    const auto results = fit_panel(panel, options);
    CHECK(results[0].ok());
    CHECK_FALSE(results[3].ok());
    CHECK_THAT(results[3].error, Contains("too short") || Contains("observations") || Contains("needs"));
    CHECK(results[3].id == "too-short");
    CHECK_THAT(results[4].error, Contains("-1"));

    panel.push_back({"series-0", panel[0].years, panel[0].values, {}});
    CHECK_THROWS_WITH(fit_panel(panel, options), Contains("'series-0' appears more than once"));
    options.levels = {120.0};
    CHECK_THROWS_WITH(fit_panel(synthetic_panel(2), options), Contains("between 0 and 100"));
    options = {};
    options.threads = -1;
    CHECK_THROWS_AS(fit_panel(synthetic_panel(2), options), InputError);
}

TEST_CASE("panel: progress is reported on the calling thread and may stop the run") {
    const auto panel = synthetic_panel(30);
    PanelOptions options;
    options.n_paths = 200;
    options.threads = 2;
    std::size_t last = 0;
    int calls = 0;
    fit_panel(panel, options, [&](std::size_t done) {
        CHECK(done >= last);
        last = done;
        ++calls;
    });
    CHECK(last == panel.size());
    CHECK(calls >= 1);
    // An exception from the callback (Ctrl-C in Python) stops the workers and reaches the caller.
    std::vector<PanelSeries> big;
    for (int copy = 0; copy < 40; ++copy)
        for (auto item : panel) {
            item.id += "/" + std::to_string(copy);
            big.push_back(item);
        }
    options.n_paths = 2000;
    CHECK_THROWS_WITH(fit_panel(big, options, [](std::size_t) { throw std::runtime_error("interrupted"); }),
                      "interrupted");
}

TEST_CASE("panel: the series seed depends on the id and the seed only") {
    CHECK(series_seed(1, "KAZ-TUR") == series_seed(1, "KAZ-TUR"));
    CHECK(series_seed(1, "KAZ-TUR") != series_seed(2, "KAZ-TUR"));
    CHECK(series_seed(1, "KAZ-TUR") != series_seed(1, "KAZ-TUR "));
    CHECK(series_seed(1, "") != series_seed(1, "a"));
}

TEST_CASE("parallel_for: every index once, on any number of threads, and exceptions reach the caller") {
    for (int threads : {1, 2, 5}) {
        std::vector<int> seen(1000, 0);
        parallel_for(seen.size(), threads, [&](std::size_t i) { seen[i] += 1; });
        CHECK(std::count(seen.begin(), seen.end(), 1) == 1000);
    }
    std::size_t reported = 0;
    parallel_for(10, 2, [](std::size_t) {}, [&](std::size_t done) { reported = done; });
    CHECK(reported == 10);
    CHECK_THROWS_WITH(parallel_for(100, 3, [](std::size_t i) { if (i == 7) throw std::runtime_error("item 7"); }),
                      "item 7");
    CHECK(resolve_threads(3) == 3);
    CHECK(resolve_threads(0) >= 1);
}

TEST_CASE("panel: kept paths are limited for the whole panel, before any is simulated") {
    std::vector<PanelSeries> panel;
    for (int i = 0; i < 20; ++i) panel.push_back({"s" + std::to_string(i), {2020, 2021, 2022, 2023}, {1.0, 1.1, 1.2, 1.3}, {}});
    PanelOptions options;
    options.model = ModelKind::RandomWalkDrift;
    options.keep_paths = true;
    options.n_paths = 2000000;
    options.horizon = 10;
    CHECK_THROWS_WITH(fit_panel(panel, options), Catch::Contains("keep_paths: 20 series x 2000000 paths x 10 years"));
}
