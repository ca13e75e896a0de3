#include <vector>

#include <catch2/catch.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/first_passage.hpp"
#include "tradetarget/forecast.hpp"

using namespace tradetarget;

namespace {
AnnualSeries trade_like() {
    return AnnualSeries::from_levels({2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022},
                                     {3.1e9, 3.4e9, 3.3e9, 3.9e9, 4.2e9, 3.7e9, 4.6e9, 5.1e9},
                                     {0.0, 0.0, 0.0, 0.0, 0.05, 0.0, 0.1, 0.0});
}
}  // namespace

TEST_CASE("forecast_series is the fitted model's paths, point and target summaries in one pass") {
    const AnnualSeries series = trade_like();
    for (ModelKind kind : {ModelKind::RandomWalkDrift, ModelKind::LogLinearTrend, ModelKind::AutoEts}) {
        const auto fitted = fit_model(kind, series);
        ForecastOptions options;
        options.horizon = 6;
        options.by = {2027, 2030};
        options.n_paths = 3000;
        options.keep_paths = true;
        options.seed = 7;
        const SeriesForecast f = forecast_series(*fitted, series, {6e9, 9e9}, options);
        // the paths are those of simulate_paths (which fits the same model), to the last probability year
        SimulationOptions simulation;
        simulation.horizon = 8;
        simulation.n_paths = 3000;
        simulation.seed = 7;
        const SamplePaths direct = simulate_paths(kind, series, simulation);
        REQUIRE(f.paths);
        CHECK(f.paths->first_year == 2023);
        CHECK((f.paths->log_level.array() == direct.log_level.array()).all());
        CHECK(f.method == fitted->method());
        CHECK(f.log_growth == fitted->log_growth());
        REQUIRE(f.point.size() == 6);
        CHECK(f.point(2) == fitted->point_forecast(2025));
        CHECK(f.point_log(2) == fitted->mean_log(2025));
        CHECK(f.lower(0, 0) == Approx(fitted->forecast_quantile(2023, 0.1)).epsilon(1e-12));
        CHECK(f.upper(5, 1) == Approx(fitted->forecast_quantile(2028, 0.975)).epsilon(1e-12));
        REQUIRE(f.targets.size() == 2);
        const TargetSummary again = summarize_target(first_passage(direct, 9e9, series), *fitted, series, {2027, 2030}, 2027);
        CHECK(f.targets[1].target == 9e9);
        CHECK(f.targets[1].prob_by == again.prob_by);
        CHECK(f.targets[1].median_year == again.median_year);
        CHECK(f.targets[0].prob_by.front().second <= f.targets[0].prob_by.back().second);
    }
}

TEST_CASE("forecast_series refuses targets without paths and bad options, naming them") {
    const AnnualSeries series = trade_like();
    const auto fitted = fit_model(ModelKind::RandomWalkDrift, series);
    ForecastOptions options;
    options.n_paths = 0;
    CHECK_THROWS_WITH(forecast_series(*fitted, series, {1e10}, options), Catch::Contains("n_paths is 0"));
    CHECK(forecast_series(*fitted, series, {}, options).point.size() == 10);
    options.n_paths = 100;
    options.levels = {120.0};
    CHECK_THROWS_AS(forecast_series(*fitted, series, {}, options), InputError);
    options.levels = {80.0};
    options.horizon = 0;
    CHECK_THROWS_WITH(forecast_series(*fitted, series, {}, options), Catch::Contains("horizon is 0"));
}
