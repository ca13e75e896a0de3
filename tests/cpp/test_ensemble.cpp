#include <cmath>
#include <vector>

#include <boost/math/distributions/students_t.hpp>
#include <boost/random/normal_distribution.hpp>
#include <catch2/catch.hpp>

#include "tradetarget/ensemble.hpp"
#include "tradetarget/errors.hpp"
#include "tradetarget/random.hpp"

using namespace tradetarget;
using Catch::Matchers::Contains;

namespace {

// Levels exp(x_t): x a random walk with drift (trend = false) or a line plus iid noise (trend = true).
std::vector<double> simulated(Rng& rng, int n, bool trend) {
    boost::random::normal_distribution<double> normal;
    std::vector<double> y;
    double walk = 0.0;
    for (int t = 0; t < n; ++t) {
        walk += 0.03 + 0.1 * normal(rng);
        y.push_back(std::exp(trend ? 0.03 * t + 0.1 * normal(rng) : walk));
    }
    return y;
}

EnsembleWeights two(double w) {
    EnsembleWeights weights = EnsembleWeights::equal({ModelKind::RandomWalkDrift, ModelKind::LogLinearTrend});
    weights.weights = {w, 1.0 - w};
    return weights;
}

}  // namespace

TEST_CASE("The ensemble's point forecast is the weighted mean of its members' and one member is that member") {
    Rng rng = make_rng(11, 0);
    const AnnualSeries series = AnnualSeries::from_steps(simulated(rng, 15, false));
    const EnsembleModel ensemble(series, two(0.3));
    const auto walk = fit_model(ModelKind::RandomWalkDrift, series);
    const auto line = fit_model(ModelKind::LogLinearTrend, series);
    for (int year = 16; year <= 21; ++year)
        CHECK(ensemble.point_forecast(year) ==
              Approx(0.3 * walk->point_forecast(year) + 0.7 * line->point_forecast(year)).epsilon(1e-14));
    const EnsembleModel alone(series, two(1.0));
    REQUIRE(alone.members().size() == 1);
    CHECK(alone.forecast_quantile(18, 0.1) == walk->forecast_quantile(18, 0.1));
    CHECK(alone.point_forecast(18) == walk->point_forecast(18));
    CHECK(ensemble.params().size() == 2);
    CHECK(ensemble.params()[0].first == "weight_rw_drift");
    CHECK(ensemble.params()[0].second == Approx(0.3));
}

TEST_CASE("The ensemble's quantiles are its mixture's and its paths are drawn from that mixture") {
    Rng rng = make_rng(12, 0);
    const AnnualSeries series = AnnualSeries::from_steps(simulated(rng, 12, true));
    const EnsembleModel ensemble(series, two(0.4));
    const auto walk = fit_model(ModelKind::RandomWalkDrift, series);
    const auto line = fit_model(ModelKind::LogLinearTrend, series);
    // Both members are Student-t in logs: the mixture cdf in closed form.
    const auto cdf = [](const GrowthModel& m, int year, double x) {
        return boost::math::cdf(boost::math::students_t(m.df()), (std::log(x) - m.mean_log(year)) / m.predictive_scale(year));
    };
    const int year = 17;
    for (double p : {0.025, 0.1, 0.5, 0.9, 0.975}) {
        const double q = ensemble.forecast_quantile(year, p);
        CHECK(0.4 * cdf(*walk, year, q) + 0.6 * cdf(*line, year, q) == Approx(p).margin(1e-9));
    }
    // 40,000 paths: the share below the 10% and 90% quantiles within 4 standard errors
    const int n_paths = 40000;
    const double q10 = ensemble.forecast_quantile(year, 0.1), q90 = ensemble.forecast_quantile(year, 0.9);
    int below10 = 0, below90 = 0;
    Eigen::VectorXd path(5);
    Rng paths = make_rng(3, 1);
    for (int i = 0; i < n_paths; ++i) {
        ensemble.simulate(paths, 13, path);
        below10 += path(4) < std::log(q10);
        below90 += path(4) < std::log(q90);
    }
    const double se = std::sqrt(0.09 / n_paths);
    CHECK(below10 / static_cast<double>(n_paths) == Approx(0.1).margin(4 * se));
    CHECK(below90 / static_cast<double>(n_paths) == Approx(0.9).margin(4 * se));
}

TEST_CASE("Weights learnt across a panel go to the model that made the series, whatever the thread count") {
    Rng rng = make_rng(13, 0);
    for (bool trend : {false, true}) {
        std::vector<std::vector<double>> panel;
        for (int s = 0; s < 60; ++s) panel.push_back(simulated(rng, 25, trend));
        const auto pool = std::vector<ModelKind>{ModelKind::RandomWalkDrift, ModelKind::LogLinearTrend};
        const EnsembleWeights one = learn_ensemble_weights(panel, pool, 6, 3, 1, "simulated");
        const EnsembleWeights both = learn_ensemble_weights(panel, pool, 6, 3, 2, "simulated");
        CHECK(one.weights == both.weights);
        CHECK(one.series == 60);
        CHECK(one.forecasts == 180);
        CHECK(one.weights[trend ? 1 : 0] > 0.8);
        // the members' scores on the forecasts learnt from: the true model's is the better one
        CHECK(one.member_mase[trend ? 1 : 0] < one.member_mase[trend ? 0 : 1]);
    }
}

TEST_CASE("The ensemble names what is wrong with its pool, its weights or its series") {
    Rng rng = make_rng(14, 0);
    const AnnualSeries series = AnnualSeries::from_steps(simulated(rng, 10, false));
    CHECK_THROWS_WITH(EnsembleWeights::equal({ModelKind::Ets}), Contains("cannot hold 'ets'"));
    CHECK_THROWS_WITH(EnsembleWeights::equal({ModelKind::Theta, ModelKind::Theta}), Contains("names 'theta' twice"));
    EnsembleWeights bad = two(0.5);
    bad.weights = {0.5};
    CHECK_THROWS_WITH(EnsembleModel(series, bad), Contains("2 models but 1 weights"));
    bad.weights = {-0.5, 1.5};
    CHECK_THROWS_WITH(EnsembleModel(series, bad), Contains("weights must be >= 0"));
    bad.weights = {0.0, 0.0};
    CHECK_THROWS_WITH(EnsembleModel(series, bad), Contains("weights are all 0"));
    // a member with no spread (a constant series: theta's and rw_drift's forecasts are points)
    // puts the mixture's quantile on an end of the members' bracket
    const AnnualSeries flat = AnnualSeries::from_steps(std::vector<double>(8, 5.0));
    const EnsembleModel points(flat, two(0.5));
    CHECK(points.forecast_quantile(10, 0.1) == Approx(5.0));
    CHECK(points.forecast_quantile(10, 0.9) == Approx(5.0));
    // a series too short for every member: each one's reason
    const AnnualSeries short_series = AnnualSeries::from_steps({1.0, 1.1, 1.3, 1.2});
    CHECK_THROWS_WITH(EnsembleModel(short_series, EnsembleWeights::equal({ModelKind::DynamicOptimizedTheta})),
                      Contains("no model of the ensemble's pool can be fitted to this series of 4 years") &&
                          Contains("dynamic_optimized_theta: needs 6 years"));
    // a member that cannot be fitted is left out, and the others' weights renormalised
    const EnsembleModel partial(short_series, EnsembleWeights::equal({ModelKind::DynamicOptimizedTheta, ModelKind::RandomWalkDrift}));
    REQUIRE(partial.members().size() == 1);
    CHECK(partial.members()[0].weight == 1.0);
    CHECK_THROWS_WITH(learn_ensemble_weights({{1.0, 2.0, -1.0}}), Contains("series 1, value 3"));
    CHECK_THROWS_WITH(learn_ensemble_weights({{1.0, 2.0, 3.0}}), Contains("no origin to learn from"));
}

TEST_CASE("Every model's forecast_cdf inverts its forecast_quantile") {
    Rng rng = make_rng(15, 0);
    const AnnualSeries series = AnnualSeries::from_steps(simulated(rng, 14, false));
    for (ModelKind kind : {ModelKind::RandomWalkDrift, ModelKind::LogLinearTrend, ModelKind::LocalLinearTrend,
                           ModelKind::AutoEts, ModelKind::EtsAicc, ModelKind::AutoArima, ModelKind::Theta,
                           ModelKind::DynamicOptimizedTheta}) {
        const auto model = fit_model(kind, series);
        for (int year : {15, 20})
            for (double p : {0.01, 0.2, 0.5, 0.9}) {
                INFO(to_string(kind) << " " << year << " " << p);
                CHECK(model->forecast_cdf(year, model->forecast_quantile(year, p)) == Approx(p).margin(1e-9));
            }
    }
}
