#include <cmath>

#include <boost/math/distributions/inverse_gaussian.hpp>
#include <boost/random/normal_distribution.hpp>
#include <catch2/catch.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/first_passage.hpp"
#include "tradetarget/random.hpp"
#include "tradetarget/simulation.hpp"
#include "tradetarget/target.hpp"

using namespace tradetarget;

namespace {

// Monte Carlo of the discretely observed walk with known parameters.
double discrete_mc(int years, double d, double mu, double sigma, int n, std::uint64_t seed) {
    Rng rng = make_rng(seed, 0);
    boost::random::normal_distribution<double> normal;
    int hits = 0;
    for (int i = 0; i < n; ++i) {
        double x = 0.0;
        for (int k = 0; k < years; ++k) {
            x += mu + sigma * normal(rng);
            if (x >= d) {
                ++hits;
                break;
            }
        }
    }
    return static_cast<double>(hits) / n;
}

}  // namespace

TEST_CASE("continuous first passage is Boost's inverse Gaussian for positive drift") {
    for (double mu : {0.05, 0.12, 0.4}) {
        for (double sigma : {0.1, 0.37}) {
            const double d = 0.58;
            const boost::math::inverse_gaussian ig(d / mu, d * d / (sigma * sigma));
            for (double t : {0.5, 3.0, 6.0, 20.0}) {
                INFO("mu " << mu << " sigma " << sigma << " t " << t);
                CHECK(brownian_first_passage_cdf(t, d, mu, sigma) ==
                      Approx(boost::math::cdf(ig, t)).epsilon(1e-10));
            }
        }
    }
}

TEST_CASE("closed forms of the first-passage law at the edges") {
    // No drift: the reflection principle, P = 2 Phi(-d / (sigma sqrt t)).
    CHECK(brownian_first_passage_cdf(1.0, 1.0, 0.0, 1.0) == Approx(0.31731050786291415).epsilon(1e-12));
    // Negative drift: defective, the limit is exp(2 mu d / sigma^2).
    CHECK(brownian_first_passage_cdf(1e6, 0.5, -0.1, 0.3) ==
          Approx(std::exp(2 * -0.1 * 0.5 / 0.09)).epsilon(1e-6));
    // Already at the target.
    CHECK(brownian_first_passage_cdf(1.0, 0.0, -1.0, 0.2) == 1.0);
    // Tiny volatility, where exp(2 mu d / sigma^2) alone overflows: no NaN, the deterministic answer.
    CHECK(brownian_first_passage_cdf(10.0, 0.6, 0.1, 0.001) == Approx(1.0));
    CHECK(brownian_first_passage_cdf(5.0, 0.6, 0.1, 0.001) == Approx(0.0).margin(1e-12));
    CHECK(std::isfinite(brownian_first_passage_cdf(6.0, 0.6, 0.1, 0.001)));
}

TEST_CASE("annual monitoring: the exact recursion matches the discrete walk, continuous overstates it") {
    // Kazakhstan–Türkiye-like: 0.58 in logs below $10B, drift 0.13, sigma 0.37.
    const double d = 0.58, mu = 0.13, sigma = 0.37;
    const Eigen::VectorXd exact = annual_first_passage_cdf(11, d, mu, sigma);
    // One year: no recursion, Phi((mu - d) / sigma).
    CHECK(exact(0) == Approx(0.5 * std::erfc(-(mu - d) / sigma / std::sqrt(2.0))).epsilon(1e-12));
    for (int years : {2, 3, 6, 11}) {
        const double mc = discrete_mc(years, d, mu, sigma, 400000, 11 + static_cast<std::uint64_t>(years));
        const double continuous = brownian_first_passage_cdf(years, d, mu, sigma);
        INFO("years " << years << " mc " << mc << " exact " << exact(years - 1) << " continuous " << continuous);
        CHECK(exact(years - 1) == Approx(mc).margin(0.0035));  // 4.4 MC standard errors
        // The size of the difference: continuous monitoring overstates by 5 to 14 points here.
        CHECK(continuous - exact(years - 1) > 0.045);
    }
    // A finer grid changes nothing that matters.
    const Eigen::VectorXd fine = annual_first_passage_cdf(11, d, mu, sigma, 0.02);
    CHECK((fine - exact).cwiseAbs().maxCoeff() < 1e-3);
}

TEST_CASE("annual recursion: negative drift and far targets") {
    const Eigen::VectorXd down = annual_first_passage_cdf(30, 0.5, -0.1, 0.3);
    for (Eigen::Index k = 1; k < down.size(); ++k) CHECK(down(k) >= down(k - 1));
    // Never above the continuous (defective) law.
    CHECK(down(29) <= brownian_first_passage_cdf(30, 0.5, -0.1, 0.3));
    CHECK(down(29) == Approx(discrete_mc(30, 0.5, -0.1, 0.3, 200000, 5)).margin(0.005));
    const Eigen::VectorXd far = annual_first_passage_cdf(5, 50.0, 0.01, 0.1);
    CHECK(far.maxCoeff() == 0.0);
}

TEST_CASE("regressions found by fuzzing: extreme parameters give answers, not UB or NaN") {
    for (double sigma : {1e-300, 1e-160, 5e-324}) {
        for (double mu : {-1.0, 0.0, 0.1, 1e300}) {
            for (double d : {1e-300, 0.58, 1e300}) {
                INFO("sigma " << sigma << " mu " << mu << " d " << d);
                const Eigen::VectorXd cdf = annual_first_passage_cdf(12, d, mu, sigma);
                CHECK(cdf.allFinite());
                CHECK(cdf.minCoeff() >= 0.0);
                CHECK(cdf.maxCoeff() <= 1.0);
                const double b = brownian_first_passage_cdf(3.0, d, mu, sigma);
                CHECK(b >= 0.0);
                CHECK(b <= 1.0);
            }
        }
    }
    CHECK(annual_first_passage_cdf(3, 1e300, 1.0, 1.0).maxCoeff() == 0.0);
    CHECK(annual_first_passage_cdf(3, 0.5, 1e300, 1.0).minCoeff() == 1.0);
}

TEST_CASE("annual recursion: drift far larger than the noise stays exact and small") {
    // Nearly deterministic: 0.1 a year towards 0.58 crosses in year 6.
    const Eigen::VectorXd sure = annual_first_passage_cdf(10, 0.58, 0.1, 1e-9);
    for (int k = 0; k < 5; ++k) CHECK(sure(k) == Approx(0.0).margin(1e-12));
    for (int k = 5; k < 10; ++k) CHECK(sure(k) == Approx(1.0).epsilon(1e-12));
    // Drift of 3 sigma a year, against the discrete walk.
    const Eigen::VectorXd fast = annual_first_passage_cdf(6, 1.0, 0.3, 0.1);
    for (int k : {2, 3, 4}) CHECK(fast(k - 1) == Approx(discrete_mc(k, 1.0, 0.3, 0.1, 200000, 21)).margin(0.004));
    // The longest horizon runs (the window keeps the lattice small).
    const Eigen::VectorXd longest = annual_first_passage_cdf(max_analytic_horizon, 3.0, 0.05, 0.3);
    CHECK(longest(max_analytic_horizon - 1) <= 1.0);
    CHECK(longest(max_analytic_horizon - 1) > longest(9));
    CHECK_THROWS_AS(annual_first_passage_cdf(max_analytic_horizon + 1, 3.0, 0.05, 0.3), InputError);
}

TEST_CASE("analytic first passage with parameter uncertainty matches the Monte Carlo engine") {
    std::vector<double> levels;
    for (double y : {1.21, 1.67, 1.39, 1.50, 1.72, 1.80}) levels.push_back(std::exp(y));
    const auto series = AnnualSeries::from_levels({2019, 2020, 2021, 2022, 2023, 2024}, levels);
    const RandomWalkDrift model(series);
    const double target = std::exp(1.80 + 0.6);
    SimulationOptions opt;
    opt.horizon = 15;
    opt.n_paths = 200000;
    const auto paths = simulate_paths(ModelKind::RandomWalkDrift, series, opt);
    const auto mc = first_passage(paths, target, series);
    const auto analytic = random_walk_first_passage(model, std::log(target), 15, Monitoring::Annual);
    const auto continuous = random_walk_first_passage(model, std::log(target), 15, Monitoring::Continuous);
    for (int k = 0; k < 15; ++k) {
        INFO("year " << 2025 + k << " mc " << mc.cdf(k) << " analytic " << analytic(k));
        CHECK(analytic(k) == Approx(mc.cdf(k)).margin(0.006));
        CHECK(continuous(k) >= analytic(k));
        if (k > 0) CHECK(analytic(k) >= analytic(k - 1));
    }
    CHECK(continuous(5) - mc.cdf(5) > 0.03);
}
