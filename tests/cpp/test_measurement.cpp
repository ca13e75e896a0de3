#include <cmath>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <catch2/catch.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/measurement.hpp"
#include "tradetarget/structural.hpp"
#include "tradetarget/target.hpp"

using namespace tradetarget;
using Catch::Matchers::Contains;

namespace {

Observation level(const std::string& id, const std::string& source, int year, double value,
                  const std::string& statement = "level", const std::string& component = "") {
    const std::string y = std::to_string(year);
    return make_observation(id, "row " + id, source, statement, y + "-01", y + "-12", "", value, 0.0, component);
}

Observation months(const std::string& id, const std::string& source, int year, int from, int to, double value) {
    char a[16], b[16];
    std::snprintf(a, sizeof a, "%d-%02d", year, from);
    std::snprintf(b, sizeof b, "%d-%02d", year, to);
    return make_observation(id, "row " + id, source, "level", a, b, "", value, 0.0);
}

std::vector<Observation> seed_like() {
    return {
        level("t2021", "004", 2021, 5.3e9),
        make_observation("g2021", "row g2021", "004", "growth", "2021-01", "2021-12", "", 0.58, 0.0),
        level("t2022", "000", 2022, 4.0e9),
        level("t2024a", "000", 2024, 6.3e9),
        level("t2024b", "002", 2024, 5.0e9, "approx_level"),
        level("t2024c", "002", 2024, 5.0e9),
        level("x2024", "002", 2024, 3.3e9, "level", "exports"),
        level("m2024", "002", 2024, 1.7e9, "level", "imports"),
        make_observation("cur", "row cur", "001", "current_level", "", "", "2025-08-04", 5.0e9, 0.0),
        months("jm2025", "002", 2025, 1, 5, 1.9e9),
    };
}

}  // namespace

TEST_CASE("with clean complete points and fixed scales, the measurement model is the plain filter") {
    const std::vector<double> y{1.0, 1.3, 1.2, 1.6, 1.5, 1.9, 2.1};
    std::vector<Observation> obs;
    for (int t = 0; t < 7; ++t) obs.push_back(level("y" + std::to_string(t), "s", 2000 + t, std::exp(y[static_cast<std::size_t>(t)])));
    MeasurementOptions o;
    o.grid_points = 1;
    o.sigma_level_min = o.sigma_level_max = 0.15;
    o.sigma_obs_min = o.sigma_obs_max = 0.08;
    o.bias_prior_sd = 0.0;
    const MeasurementModel m(obs, o);
    const auto plain = local_linear_trend(Eigen::Map<const Eigen::VectorXd>(y.data(), 7), 0.08, 0.15, 0.0);
    REQUIRE(m.years().size() == 7);
    for (int t = 0; t < 7; ++t) CHECK(m.years()[static_cast<std::size_t>(t)].log_mean == Approx(plain.smoothed_state(t, 0)).epsilon(1e-9));
    // A random walk with drift: the smoothed slope is constant over time.
    CHECK(plain.smoothed_state(0, 1) == Approx(plain.smoothed_state(6, 1)).epsilon(1e-9));
}

TEST_CASE("the seed figures: every statement is used or reported, 2023 and 2025 are estimated") {
    const MeasurementModel m(seed_like());
    REQUIRE(m.years().front().year == 2020);
    REQUIRE(m.years().back().year == 2025);
    CHECK(m.last_full_year() == 2024);
    for (const auto& d : m.decisions()) CHECK_FALSE(d.reason.empty());
    // Exports + imports from the source that also states the total: consistent, not counted twice.
    CHECK_THAT(m.decisions()[6].reason, Contains("not counted twice"));
    // 2023 has no figure: estimated, with more uncertainty than its neighbours.
    const auto& y = m.years();
    CHECK(y[3].year == 2023);
    CHECK(y[3].n_observations == 0);
    CHECK(y[3].log_sd > y[2].log_sd);
    // 2024 lies between the $5B and $6.3B reports; the 2025 nowcast uses January–May.
    CHECK(std::exp(y[4].log_mean) > 4.9e9);
    CHECK(std::exp(y[4].log_mean) < 6.4e9);
    CHECK(y[5].n_observations == 1);
    CHECK(std::isfinite(y[5].log_sd));
    // Residuals for every used measurement, and the $6.3B figure is the one most out of line in 2024.
    double r63 = 0, r50 = 0;
    for (const auto& r : m.residuals()) {
        CHECK(std::isfinite(r.standardized));
        if (r.id == "t2024a") r63 = r.standardized;
        if (r.id == "t2024c") r50 = r.standardized;
    }
    CHECK(r63 > 0.0);
    CHECK(r50 < 0.0);
}

TEST_CASE("paths start with the nowcast year and carry its uncertainty") {
    const MeasurementModel m(seed_like());
    SimulationOptions o;
    o.n_paths = 20000;
    o.horizon = 12;
    const SamplePaths paths = m.simulate(o);
    CHECK(paths.first_year == 2025);
    const auto& nowcast = m.years().back();
    const Eigen::VectorXd first = paths.log_level.col(0);
    const double mean = first.mean();
    const double sd = std::sqrt((first.array() - mean).square().sum() / (first.size() - 1));
    CHECK(mean == Approx(nowcast.log_mean).margin(0.02));
    CHECK(sd == Approx(nowcast.log_sd).epsilon(0.1));
    const auto again = m.simulate(o);
    CHECK((again.log_level.array() == paths.log_level.array()).all());
}

TEST_CASE("contradictions and unusable input are clear errors or documented decisions") {
    auto bad = seed_like();
    bad[7] = level("m2024", "002", 2024, 2.7e9, "level", "imports");  // 3.3 + 2.7 != 5.0
    CHECK_THROWS_WITH(MeasurementModel(bad), Contains("contradictory identity") && Contains("002"));
    CHECK_THROWS_WITH(MeasurementModel({months("p", "s", 2024, 1, 5, 1.0)}), Contains("full-year"));
    CHECK_THROWS_WITH(MeasurementModel({level("a", "s", 2020, 1.0), months("p", "s", 2022, 1, 5, 1.0)}),
                      Contains("at most one year can be nowcast"));
    CHECK_THROWS_WITH(MeasurementModel({level("a", "s", 2020, 1.0)}), Contains("at least two different years"));
    const MeasurementModel lone({level("a", "s", 2020, 1.0), level("b", "s", 2021, 1.2),
                                 level("x", "t", 2021, 0.7, "level", "exports")});
    CHECK_THAT(lone.decisions()[2].reason, Contains("one component alone"));
    MeasurementOptions o;
    o.grid_points = 0;
    CHECK_THROWS_WITH(MeasurementModel(seed_like(), o), Contains("grid_points"));
}

TEST_CASE("simulation study: biased sources, partial years and gaps - 80% intervals cover ~80%") {
    // 500 replications of a random walk with drift observed by two biased sources, one year
    // missing, the last year seen only January–May; the truth is the latent log level.
    Rng rng = make_rng(2024, 0);
    boost::random::normal_distribution<double> normal;
    boost::random::uniform_01<double> uniform;
    MeasurementOptions options;
    options.grid_points = 12;
    int covered = 0, total = 0, covered_last = 0;
    const int reps = 500;
    for (int rep = 0; rep < reps; ++rep) {
        const double mu = 0.08, sigma_level = 0.10, sigma_obs = 0.05;
        const double bias_a = 0.1 * normal(rng), bias_b = 0.1 * normal(rng);
        std::vector<double> truth;
        double x = std::log(5.0) + 0.2 * normal(rng);
        const int missing = 2012 + static_cast<int>(uniform(rng) * 6);
        std::vector<Observation> obs;
        for (int year = 2010; year <= 2020; ++year) {
            x += mu + sigma_level * normal(rng);
            truth.push_back(x);
            const std::string tag = std::to_string(rep) + "_" + std::to_string(year);
            if (year == 2020) {
                const double share = 5.0 / 12.0 * std::exp(options.partial_share_sd * normal(rng));
                obs.push_back(months("p" + tag, "A", year, 1, 5, std::exp(x + bias_a + sigma_obs * normal(rng)) * share));
                continue;
            }
            if (year == missing) continue;
            obs.push_back(level("a" + tag, "A", year, std::exp(x + bias_a + sigma_obs * normal(rng))));
            if (uniform(rng) < 0.5) obs.push_back(level("b" + tag, "B", year, std::exp(x + bias_b + sigma_obs * normal(rng))));
        }
        const MeasurementModel m(obs, options);
        for (const auto& y : m.years()) {
            const double t = truth[static_cast<std::size_t>(y.year - 2010)];
            const bool in = std::fabs(t - y.log_mean) <= 1.2815515655 * y.log_sd;
            covered += in ? 1 : 0;
            ++total;
            if (y.year == 2020) covered_last += in ? 1 : 0;
        }
    }
    const double coverage = static_cast<double>(covered) / total;
    const double coverage_nowcast = static_cast<double>(covered_last) / reps;
    INFO("coverage all years " << coverage << ", nowcast year " << coverage_nowcast);
    CHECK(coverage >= 0.75);
    CHECK(coverage <= 0.85);
    CHECK(coverage_nowcast >= 0.75);
    CHECK(coverage_nowcast <= 0.85);
}

TEST_CASE("many sources: the grid on several threads gives the numbers of one thread, bit for bit") {
    // 40 sources (43 states), 3 levels each over 2010-2024 with a bias per source: the O(n^2)
    // filter (rank-one updates, structured transition) on 1 thread and on all cores (a coarse grid:
    // the suite also runs under the sanitizers).
    std::vector<Observation> obs;
    for (int s = 0; s < 40; ++s)
        for (int k = 0; k < 3; ++k) {
            const int year = 2010 + (s * 7 + k * 5) % 15;
            const double value = 5e9 * std::exp(0.05 * (year - 2010) + 0.02 * ((s % 5) - 2) + 0.01 * ((k + s) % 3 - 1));
            obs.push_back(level("o" + std::to_string(s) + "_" + std::to_string(k), "src" + std::to_string(s), year, value));
        }
    MeasurementOptions all;
    all.grid_points = 8;
    MeasurementOptions one = all;
    one.threads = 1;
    const MeasurementModel a(obs, one), b(obs, all);
    REQUIRE(a.years().size() == b.years().size());
    for (std::size_t i = 0; i < a.years().size(); ++i) {
        CHECK(a.years()[i].log_mean == b.years()[i].log_mean);
        CHECK(a.years()[i].log_sd == b.years()[i].log_sd);
    }
    CHECK(a.biases().size() == 40);
    CHECK(a.drift_mean() == b.drift_mean());
    CHECK(a.drift_mean() == Approx(0.05).margin(0.01));
    MeasurementOptions bad = all;
    bad.threads = -1;
    CHECK_THROWS_WITH(MeasurementModel(obs, bad), Contains("threads must be >= 0"));
}
