#include <cmath>
#include <memory>

#include <catch2/catch.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/reference_class.hpp"
#include "tradetarget/simulation.hpp"
#include "tradetarget/target.hpp"

using namespace tradetarget;
using Catch::Matchers::Contains;

namespace {

AnnualSeries kz_tr() {
    return AnnualSeries::from_levels({2020, 2021, 2022, 2024}, {3.354e9, 5.3e9, 4.0e9, 5.4e9},
                                     {0, 0, 0, 0.133});
}

}  // namespace

TEST_CASE("required growth is the compound rate to the deadline") {
    CHECK(required_growth(5.0e9, 2024, 10.0e9, 2030) == Approx(std::pow(2.0, 1.0 / 6) - 1).epsilon(1e-13));
    CHECK(required_growth(12.0e9, 2024, 10.0e9, 2030) < 0.0);
    CHECK_THROWS_WITH(required_growth(5.0e9, 2024, 10.0e9, 2024), Contains("not after the base year"));
    CHECK_THROWS_WITH(required_growth(5.0e9, 2024, -1.0, 2030), Contains("target"));
}

TEST_CASE("first-passage CDF is monotone, in [0, 1], and ordered in the target") {
    const auto series = kz_tr();
    SimulationOptions opt;
    opt.n_paths = 20000;
    for (ModelKind kind : {ModelKind::LogLinearTrend, ModelKind::RandomWalkDrift}) {
        const auto paths = simulate_paths(kind, series, opt);
        const auto ten = first_passage(paths, 10e9, series);
        const auto fifteen = first_passage(paths, 15e9, series);
        for (Eigen::Index k = 0; k < ten.cdf.size(); ++k) {
            CHECK(ten.cdf(k) >= 0.0);
            CHECK(ten.cdf(k) <= 1.0);
            if (k > 0) CHECK(ten.cdf(k) >= ten.cdf(k - 1));
            CHECK(fifteen.cdf(k) <= ten.cdf(k));
        }
        // Quantile years are ordered and consistent with the CDF.
        const auto p10 = ten.quantile_year(0.1), p50 = ten.quantile_year(0.5);
        REQUIRE(p10);
        REQUIRE(p50);
        CHECK(*p10 <= *p50);
        CHECK(ten.probability_by(*p50) >= 0.5);
        CHECK(ten.probability_by(*p50 - 1) < 0.5);
        CHECK(ten.probability_by(2024) == 0.0);
        CHECK_THROWS_WITH(ten.probability_by(2100), Contains("beyond the forecast horizon"));
    }
}

TEST_CASE("a target already reached is an answer: probability one from the year it was reached") {
    const auto series = kz_tr();
    SimulationOptions opt;
    opt.n_paths = 100;
    const auto paths = simulate_paths(ModelKind::LogLinearTrend, series, opt);
    const auto fp = first_passage(paths, 5.0e9, series);
    REQUIRE(fp.already_reached_year);
    CHECK(*fp.already_reached_year == 2021);
    CHECK(fp.probability_by(2030) == 1.0);
    CHECK(fp.probability_by(2020) == 0.0);
    CHECK(*fp.quantile_year(0.5) == 2021);
    const auto model = fit_model(ModelKind::LogLinearTrend, series);
    const auto s = summarize_target(fp, *model, series, {2030}, 2030);
    CHECK(*s.median_year == 2021);
    CHECK(*s.point_cross_year == 2021);
    CHECK(s.required_growth < 0.0);
}

TEST_CASE("a target out of reach within the horizon is reported as not reached, never a number") {
    const auto series = AnnualSeries::from_levels({2020, 2021, 2022, 2023}, {10, 9, 8.2, 7.4});
    SimulationOptions opt;
    opt.horizon = 10;
    opt.n_paths = 2000;
    const auto paths = simulate_paths(ModelKind::LogLinearTrend, series, opt);
    const auto fp = first_passage(paths, 1000.0, series);
    CHECK_FALSE(fp.quantile_year(0.5));
    const auto model = fit_model(ModelKind::LogLinearTrend, series);
    const auto s = summarize_target(fp, *model, series, {2030}, 2030);
    CHECK_FALSE(s.point_cross_year);
    CHECK_FALSE(s.median_year);
    CHECK_FALSE(s.p90_year);
    CHECK(s.prob_by.at(0).second < 0.01);
}

TEST_CASE("summary: point crossing, historical and required growth") {
    const auto series = kz_tr();
    SimulationOptions opt;
    const auto paths = simulate_paths(ModelKind::RandomWalkDrift, series, opt);
    const auto model = fit_model(ModelKind::RandomWalkDrift, series);
    const auto s = summarize_target(first_passage(paths, 10e9, series), *model, series, {2030, 2035}, 2030);
    CHECK(s.base_year == 2024);
    CHECK(s.historical_from == 2020);
    CHECK(s.historical_growth == Approx(std::pow(5.4 / 3.354, 0.25) - 1).epsilon(1e-12));
    CHECK(s.required_growth == Approx(std::pow(10 / 5.4, 1.0 / 6) - 1).epsilon(1e-12));
    // Drift = log(5.4/3.354)/4 per year: the median path crosses $10B when 5.4 e^{mu h} >= 10.
    const double mu = std::log(5.4 / 3.354) / 4;
    const int expected = 2024 + static_cast<int>(std::ceil(std::log(10 / 5.4) / mu));
    CHECK(*s.point_cross_year == expected);
    REQUIRE(s.prob_by.size() == 2);
    CHECK(s.prob_by[0].first == 2030);
    CHECK(s.prob_by[1].second >= s.prob_by[0].second);
}

TEST_CASE("path-level combination takes each model's share of paths in order") {
    const auto series = kz_tr();
    SimulationOptions opt;
    opt.n_paths = 1000;
    const auto a = simulate_paths(ModelKind::LogLinearTrend, series, opt);
    const auto b = simulate_paths(ModelKind::RandomWalkDrift, series, opt);
    const auto mix = mix_paths({&a, &b}, {3.0, 1.0});
    CHECK(mix.log_level.rows() == 1000);
    CHECK((mix.log_level.topRows(750).array() == a.log_level.topRows(750).array()).all());
    CHECK((mix.log_level.bottomRows(250).array() == b.log_level.topRows(250).array()).all());
    CHECK_THROWS_WITH(mix_paths({&a, &b}, {1.0, -1.0}), Contains("weights"));
    opt.horizon = 10;
    const auto shorter = simulate_paths(ModelKind::RandomWalkDrift, series, opt);
    CHECK_THROWS_WITH(mix_paths({&a, &shorter}, {1.0, 1.0}), Contains("same years"));
}

TEST_CASE("a single observed year has no past growth rate: NaN, not an error") {
    const AnnualSeries one = AnnualSeries::from_levels({2024}, {5.4e9});
    ReferenceClass rc;
    rc.drift_mean = 0.08;
    rc.drift_sd = 0.03;
    rc.variance_shape = 1.3;
    rc.variance_scale = 0.02;
    ModelOptions options;
    options.reference = std::make_shared<ReferenceClass>(rc);
    const auto model = fit_model(ModelKind::ReferenceRandomWalk, one, options);
    SimulationOptions simulation;
    simulation.horizon = 10;
    simulation.n_paths = 500;
    const SamplePaths paths = simulate_paths(*model, one, simulation);
    const TargetSummary s = summarize_target(first_passage(paths, 10e9, one), *model, one, {2030}, 2030);
    CHECK(std::isnan(s.historical_growth));
    CHECK(s.historical_from == 2024);
    CHECK(s.required_growth == Approx(std::pow(10.0 / 5.4, 1.0 / 6.0) - 1.0).epsilon(1e-12));
    CHECK(s.prob_by.front().second > 0.0);
}
