#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include <catch2/catch.hpp>

#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/reference_class.hpp"
#include "tradetarget/simulation.hpp"
#include "tradetarget/target.hpp"

using namespace tradetarget;
using Catch::Matchers::Contains;

namespace {

ReferenceClass known_reference() {
    ReferenceClass rc;
    rc.drift_mean = 0.06;
    rc.drift_sd = 0.05;
    rc.variance_shape = 3.0;
    rc.variance_scale = 3.0 * 0.12 * 0.12;  // sigma around 0.12
    return rc;
}

// A series of `years` years from the hierarchical model: (mu, sigma) from the prior, then a random walk.
AnnualSeries draw_series(const ReferenceClass& rc, int years, Rng& rng, double& mu, double& sigma) {
    boost::random::normal_distribution<double> normal;
    boost::random::gamma_distribution<double> gamma(rc.variance_shape, 1.0);
    sigma = std::sqrt(rc.variance_scale / gamma(rng));
    mu = rc.drift_mean + rc.drift_sd * normal(rng);
    std::vector<int> y;
    std::vector<double> v;
    double x = std::log(1000.0);
    for (int t = 0; t < years; ++t) {
        if (t > 0) x += mu + sigma * normal(rng);
        y.push_back(1990 + t);
        v.push_back(std::exp(x));
    }
    return AnnualSeries::from_levels(y, v);
}

// A 13-year series whose first 5 years come from the hierarchical model and whose last 8 grow at
// after(mu), mu its own drift (a reset or another regime), with the same volatility.
template <class After>
AnnualSeries two_regime_series(const ReferenceClass& rc, Rng& rng, After after) {
    boost::random::normal_distribution<double> normal;
    double mu = 0, sigma = 0;
    const AnnualSeries first = draw_series(rc, 5, rng, mu, sigma);
    std::vector<int> y(first.years);
    std::vector<double> v;
    for (int t = 0; t < 5; ++t) v.push_back(std::exp(first.log_level(t)));
    const double drift = after(mu);
    double x = first.log_level(4);
    for (int t = 5; t < 13; ++t) {
        x += drift + sigma * normal(rng);
        y.push_back(1990 + t);
        v.push_back(std::exp(x));
    }
    return AnnualSeries::from_levels(y, v);
}

}  // namespace

TEST_CASE("The reference class estimator recovers known hyperparameters from a simulated panel") {
    const ReferenceClass truth = known_reference();
    Rng rng = make_rng(11, 0);
    std::vector<AnnualSeries> panel;
    double mu = 0, sigma = 0;
    for (int i = 0; i < 300; ++i) panel.push_back(draw_series(truth, 25, rng, mu, sigma));
    ReferenceLearnOptions options;
    options.segment_years = 13;
    const ReferenceClass learnt = learn_reference_class(panel, options);
    CHECK(learnt.n_series == 300);
    CHECK(learnt.n_segments == 300 * 13);
    CHECK(learnt.first_year == 1990);
    CHECK(learnt.last_year == 2014);
    CHECK(learnt.drift_mean == Approx(truth.drift_mean).margin(0.01));
    CHECK(learnt.drift_sd == Approx(truth.drift_sd).epsilon(0.15));
    CHECK(learnt.median_sigma() == Approx(truth.median_sigma()).epsilon(0.05));
    CHECK(learnt.variance_shape == Approx(truth.variance_shape).epsilon(0.3));
    // the volatility did not step after the windows: the step is learnt as (almost) none
    CHECK(learnt.volatility_persistence > 0.85);
    CHECK(learnt.volatility_innovation < 0.15);
}

TEST_CASE("A panel of 20 series gives the drift spread within about a quarter (the smallest panel learnt from)") {
    const ReferenceClass truth = known_reference();
    Rng rng = make_rng(12, 0);
    std::vector<double> errors;
    for (int rep = 0; rep < 10; ++rep) {
        std::vector<AnnualSeries> panel;
        double mu = 0, sigma = 0;
        for (int i = 0; i < 20; ++i) panel.push_back(draw_series(truth, 23, rng, mu, sigma));
        const ReferenceClass learnt = learn_reference_class(panel);
        errors.push_back(std::abs(std::log(learnt.drift_sd / truth.drift_sd)));
    }
    std::sort(errors.begin(), errors.end());
    CHECK(errors[5] < 0.3);  // the median relative error of drift_sd
}

TEST_CASE("A panel too small to learn from is a clear error, and so is a missing or bad reference class") {
    const ReferenceClass truth = known_reference();
    Rng rng = make_rng(13, 0);
    std::vector<AnnualSeries> panel;
    double mu = 0, sigma = 0;
    for (int i = 0; i < 5; ++i) panel.push_back(draw_series(truth, 15, rng, mu, sigma));
    CHECK_THROWS_WITH(learn_reference_class(panel),
                      Contains("too small to learn a reference class from: 5 series and 15 segments of 13"));
    ReferenceLearnOptions period;
    period.first_year = 2010;
    period.last_year = 2000;
    CHECK_THROWS_WITH(learn_reference_class(panel, period), Contains("reference period 2010 to 2000 is empty"));
    const AnnualSeries s = draw_series(truth, 5, rng, mu, sigma);
    CHECK_THROWS_WITH(fit_model(ModelKind::ReferenceRandomWalk, s), Contains("needs a reference class"));
    ReferenceClass bad = truth;
    bad.drift_sd = -1.0;
    ModelOptions options;
    options.reference = std::make_shared<ReferenceClass>(bad);
    CHECK_THROWS_WITH(fit_model(ModelKind::ReferenceRandomWalk, s, options), Contains("drift_sd is -1"));
}

TEST_CASE("Segments stop at gaps and at the edges of the reference period") {
    std::vector<int> years;
    std::vector<double> values;
    for (int y = 1970; y <= 2000; ++y)
        if (y != 1985) { years.push_back(y); values.push_back(100.0 + y); }
    const std::vector<AnnualSeries> panel{AnnualSeries::from_levels(years, values)};
    ReferenceLearnOptions options;
    options.segment_years = 10;
    // 1970-1984 (15 years): 6 segments; 1986-2000 (15 years): 6 segments
    CHECK(count_segments(panel, options).segments == 12);
    options.first_year = 1975;
    options.last_year = 1995;
    // 1975-1984 (10 years): 1; 1986-1995 (10 years): 1
    CHECK(count_segments(panel, options).segments == 2);
    CHECK(count_segments(panel, options).series == 1);
}

TEST_CASE("The posterior moves from the reference class to the series' own drift as the series grows") {
    const ReferenceClass rc = known_reference();
    // a series growing steadily at 20% in logs with small noise
    const auto growing = [](int n) {
        std::vector<int> y;
        std::vector<double> v;
        for (int t = 0; t < n; ++t) {
            y.push_back(2000 + t);
            v.push_back(std::exp(0.2 * t + 0.01 * ((t % 2) ? 1 : -1)));
        }
        return AnnualSeries::from_levels(y, v);
    };
    const ReferenceRandomWalk short_fit(growing(3), rc), long_fit(growing(40), rc);
    CHECK(short_fit.log_growth() < long_fit.log_growth());
    CHECK(long_fit.log_growth() == Approx(0.2).margin(0.005));
    CHECK(short_fit.own_weight() < long_fit.own_weight());
    CHECK(long_fit.own_weight() > 0.95);
    // one increment: the posterior is the prior's normal-normal update at every sigma, so the
    // posterior mean drift lies strictly between the reference mean and the series' own growth
    const ReferenceRandomWalk two(growing(2), rc);
    CHECK(two.log_growth() > rc.drift_mean);
    CHECK(two.log_growth() < 0.2);
}

TEST_CASE("reference_rw paths have the predictive quantiles of the mixture it states") {
    ReferenceClass rc = known_reference();
    SECTION("the window's volatility carried forward") {}
    SECTION("the volatility stepping after the window") {
        rc.volatility_persistence = 0.5;
        rc.volatility_innovation = 0.3;
    }
    ModelOptions mo;
    mo.reference = std::make_shared<ReferenceClass>(rc);
    const AnnualSeries s = AnnualSeries::from_levels({2019, 2020, 2021, 2022, 2023}, {3.0, 3.4, 3.1, 3.9, 4.2});
    const auto model = fit_model(ModelKind::ReferenceRandomWalk, s, mo);
    SimulationOptions so;
    so.n_paths = 40000;
    so.horizon = 8;
    so.model = mo;
    const SamplePaths paths = simulate_paths(*model, s, so);
    for (int k : {0, 3, 7}) {
        std::vector<double> c(static_cast<std::size_t>(paths.log_level.rows()));
        for (Eigen::Index i = 0; i < paths.log_level.rows(); ++i) c[static_cast<std::size_t>(i)] = paths.log_level(i, k);
        std::sort(c.begin(), c.end());
        for (double p : {0.1, 0.5, 0.9}) {
            const double empirical = c[static_cast<std::size_t>(p * static_cast<double>(c.size()))];
            CHECK(empirical == Approx(model->quantile_log(2024 + k, p)).margin(0.01));
        }
    }
    CHECK(model->point_forecast(2024) == Approx(std::exp(model->quantile_log(2024, 0.5))));
}

TEST_CASE("reference_rw's P(target reached) is calibrated on a panel drawn from its prior, and a wrong prior is not") {
    // 3,000 windows of 5 years drawn from the hierarchical model, each with 8 years of truth; the
    // stated P(max reaches 1.25x the last value within k years), binned by decile, against what happened.
    const ReferenceClass truth = known_reference();
    ReferenceClass wrong = truth;
    wrong.drift_sd = 0.005;   // a prior that ignores how much growth differs across series
    wrong.variance_scale = truth.variance_scale / 9.0;  // and a third of the volatility
    const int n = 3000, K = 8;
    auto reliability = [&](const ReferenceClass& rc) {
        Rng data_rng = make_rng(15, 0);  // the same windows for both priors
        std::vector<double> stated_sum(10, 0.0), happened(10, 0.0), count(10, 0.0);
        ModelOptions mo;
        mo.reference = std::make_shared<ReferenceClass>(rc);
        SimulationOptions so;
        so.n_paths = 400;
        so.horizon = K;
        so.model = mo;
        so.threads = 1;
        for (int i = 0; i < n; ++i) {
            double mu = 0, sigma = 0;
            const AnnualSeries full = draw_series(truth, 5 + K, data_rng, mu, sigma);
            std::vector<int> y(full.years.begin(), full.years.begin() + 5);
            std::vector<double> v;
            for (int t = 0; t < 5; ++t) v.push_back(std::exp(full.log_level(t)));
            const AnnualSeries window = AnnualSeries::from_levels(y, v);
            so.seed = static_cast<std::uint64_t>(i) + 1;
            const SamplePaths paths = simulate_paths(ModelKind::ReferenceRandomWalk, window, so);
            const double target = window.log_level(4) + std::log(1.25);
            double best = -INFINITY;
            for (int k = 0; k < K; ++k) {
                best = std::max(best, full.log_level(5 + k));
                double reached = 0;
                for (Eigen::Index r = 0; r < paths.log_level.rows(); ++r)
                    reached += paths.log_level.row(r).head(k + 1).maxCoeff() >= target ? 1.0 : 0.0;
                const double p = reached / static_cast<double>(paths.log_level.rows());
                const auto bin = static_cast<std::size_t>(std::min(9, static_cast<int>(p * 10)));
                stated_sum[bin] += p;
                happened[bin] += best >= target ? 1.0 : 0.0;
                count[bin] += 1.0;
            }
        }
        double rel = 0, total = 0, worst = 0;
        for (std::size_t b = 0; b < 10; ++b) {
            total += count[b];
            if (count[b] < 20) continue;
            const double gap = stated_sum[b] / count[b] - happened[b] / count[b];
            rel += count[b] * gap * gap;
            worst = std::max(worst, std::abs(gap));
        }
        return std::make_pair(rel / total, worst);
    };
    const auto right = reliability(truth);
    const auto off = reliability(wrong);
    CHECK(right.first < 0.002);
    CHECK(right.second < 0.05);
    CHECK(off.first > 0.005);  // the calibration issue's threshold
}

TEST_CASE("The estimator recovers how often a drift resets after the window (drift_reset)") {
    // 13-year series whose drift, after the first 5 years, is redrawn from the class with probability 0.4.
    const ReferenceClass truth = known_reference();
    Rng rng = make_rng(16, 0);
    boost::random::normal_distribution<double> normal;
    boost::random::uniform_01<double> uniform;
    std::vector<AnnualSeries> panel;
    for (int i = 0; i < 1000; ++i)
        panel.push_back(two_regime_series(truth, rng, [&](double mu) {
            return uniform(rng) < 0.4 ? truth.drift_mean + truth.drift_sd * normal(rng) : mu;
        }));
    const ReferenceClass learnt = learn_reference_class(panel);
    CHECK(learnt.window_years == 5);
    CHECK(learnt.drift_reset == Approx(0.4).margin(0.12));
    CHECK(learnt.drift_sd == Approx(truth.drift_sd).epsilon(0.2));
    // and none where there is none (the panel of the first test, without resets)
    Rng rng2 = make_rng(11, 0);
    std::vector<AnnualSeries> steady;
    double mu = 0, sigma = 0;
    for (int i = 0; i < 150; ++i) steady.push_back(draw_series(truth, 25, rng2, mu, sigma));
    CHECK(learn_reference_class(steady).drift_reset < 0.1);
}

TEST_CASE("The predictive stage fits the drift to the years after the window, where they differ from the window") {
    // Series that grow at about 6%/yr for 5 years and then at a fresh drift around 2%/yr (fast early
    // growth that does not last, as in M3): the likelihood alone fits a compromise between the two
    // drifts; the predictive score of the 8 years after each window finds the 2% the future holds.
    const ReferenceClass truth = known_reference();
    Rng rng = make_rng(23, 0);
    boost::random::normal_distribution<double> normal;
    std::vector<AnnualSeries> panel;
    for (int i = 0; i < 600; ++i)
        panel.push_back(two_regime_series(truth, rng, [&](double) { return 0.02 + truth.drift_sd * normal(rng); }));
    ReferenceLearnOptions likelihood_only;
    likelihood_only.predictive = false;
    const ReferenceClass joint = learn_reference_class(panel, likelihood_only);
    const ReferenceClass predictive = learn_reference_class(panel);
    CHECK_FALSE(joint.predictive);
    CHECK(predictive.predictive);
    CHECK(joint.drift_mean > 0.03);
    CHECK(predictive.drift_mean == Approx(0.02).margin(0.008));
    CHECK(predictive.drift_reset > 0.8);  // the window's own drift says little about what follows
    // the volatility prior is the likelihood's in both
    CHECK(predictive.variance_shape == joint.variance_shape);
    CHECK(predictive.variance_scale == joint.variance_scale);
}

TEST_CASE("The predictive stage recovers how far the volatility regresses after the window") {
    // 13-year series: a window of 5 years with sigma from the class, then 8 years whose log sigma is
    // one AR(1) step from it, towards the class's mean log sigma, with persistence 0.4 and innovation 0.25.
    ReferenceClass truth = known_reference();
    truth.variance_shape = 1.5;
    truth.variance_scale = 1.5 * 0.12 * 0.12;
    const double rho = 0.4, innovation = 0.25, centre = truth.log_sigma_mean();
    Rng rng = make_rng(29, 0);
    boost::random::normal_distribution<double> normal;
    std::vector<AnnualSeries> panel;
    for (int i = 0; i < 800; ++i) {
        double mu = 0, sigma = 0;
        const AnnualSeries first = draw_series(truth, 5, rng, mu, sigma);
        const double future = std::exp(centre + rho * (std::log(sigma) - centre) + innovation * normal(rng));
        std::vector<int> y(first.years);
        std::vector<double> v;
        for (int t = 0; t < 5; ++t) v.push_back(std::exp(first.log_level(t)));
        double x = first.log_level(4);
        for (int t = 5; t < 13; ++t) {
            x += mu + future * normal(rng);
            y.push_back(1990 + t);
            v.push_back(std::exp(x));
        }
        panel.push_back(AnnualSeries::from_levels(y, v));
    }
    const ReferenceClass learnt = learn_reference_class(panel);
    CHECK(learnt.volatility_persistence == Approx(rho).margin(0.15));
    CHECK(learnt.volatility_innovation == Approx(innovation).margin(0.1));
    // and the model's predictive quantiles follow: a volatile window's band is narrower than if its
    // volatility persisted
    ReferenceClass carried = learnt;
    carried.volatility_persistence = 1.0;
    carried.volatility_innovation = 0.0;
    const AnnualSeries volatile_window = AnnualSeries::from_levels({2020, 2021, 2022, 2023, 2024}, {100, 160, 90, 170, 100});
    const auto width = [&](const ReferenceClass& rc) {
        const ReferenceRandomWalk model(volatile_window, rc);
        return model.quantile_log(2029, 0.9) - model.quantile_log(2029, 0.1);
    };
    CHECK(width(learnt) < 0.9 * width(carried));
}
