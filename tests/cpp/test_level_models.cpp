#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include <boost/math/distributions/normal.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <catch2/catch.hpp>

#include "tradetarget/arima.hpp"
#include "tradetarget/box_cox.hpp"
#include "tradetarget/errors.hpp"
#include "tradetarget/evaluate.hpp"
#include "tradetarget/ets.hpp"
#include "tradetarget/optimize.hpp"
#include "tradetarget/level_models.hpp"
#include "tradetarget/random.hpp"
#include "tradetarget/theta.hpp"

using namespace tradetarget;
using Catch::Matchers::Contains;

TEST_CASE("Nelder-Mead finds the minimum of the Rosenbrock function") {
    const auto rosenbrock = [](const Eigen::VectorXd& x) {
        return 100.0 * std::pow(x(1) - x(0) * x(0), 2) + std::pow(1.0 - x(0), 2);
    };
    NelderMeadOptions options;
    options.max_evaluations = 5000;
    options.relative_tolerance = 1e-14;
    const auto r = nelder_mead(rosenbrock, Eigen::Vector2d(-1.2, 1.0), options);
    CHECK(r.converged);
    CHECK(r.x(0) == Approx(1.0).margin(1e-3));
    CHECK(r.x(1) == Approx(1.0).margin(2e-3));
    CHECK_THROWS_AS(nelder_mead([](const Eigen::VectorXd&) { return NAN; }, Eigen::Vector2d(0, 0)), InputError);
}

TEST_CASE("Nelder-Mead as an ask/tell search asks for the points worked out by hand, and refuses to go on") {
    // f(x) = x^2 from 1: the simplex {1, 1.1}; reflection 0.9 and expansion 0.8 accepted; 0.6, 0.4
    // likewise; reflection 0 accepted over expansion -0.4; then two failed reflections, each
    // followed by an accepted contraction (0.2, then 0.1).
    NelderMeadSearch search(Eigen::VectorXd::Constant(1, 1.0));
    std::vector<double> asked;
    while (!search.done() && asked.size() < 12) {
        asked.push_back(search.next()(0));
        search.tell(asked.back() * asked.back());
    }
    const std::vector<double> by_hand{1, 1.1, 0.9, 0.8, 0.6, 0.4, 0, -0.4, -0.4, 0.2, -0.2, 0.1};
    REQUIRE(asked.size() == by_hand.size());
    for (std::size_t i = 0; i < asked.size(); ++i) CHECK(asked[i] == Approx(by_hand[i]).margin(1e-12));
    while (!search.done()) search.tell(search.next()(0) * search.next()(0));
    CHECK(search.result().converged);
    CHECK(std::fabs(search.result().x(0)) < 1e-3);
    const int evaluations = search.result().evaluations;
    CHECK_THROWS_AS(search.tell(0.0), InputError);
    CHECK(search.result().evaluations == evaluations);

    NelderMeadSearch failed(Eigen::Vector2d(0, 0));
    CHECK_THROWS_WITH(failed.tell(NAN), Contains("starting values"));
    CHECK(failed.done());
    CHECK_THROWS_AS(failed.tell(1.0), InputError);
    CHECK_THROWS_AS(failed.result(), InputError);
}

TEST_CASE("BFGS with an exact gradient finds the Rosenbrock minimum and steps back from infeasible points") {
    const auto rosenbrock = [](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
        g.resize(2);
        g(0) = -400.0 * x(0) * (x(1) - x(0) * x(0)) - 2.0 * (1.0 - x(0));
        g(1) = 200.0 * (x(1) - x(0) * x(0));
        return 100.0 * std::pow(x(1) - x(0) * x(0), 2) + std::pow(1.0 - x(0), 2);
    };
    const auto r = bfgs(rosenbrock, Eigen::Vector2d(-1.2, 1.0));
    CHECK(r.converged);
    CHECK(r.x(0) == Approx(1.0).margin(1e-7));
    CHECK(r.x(1) == Approx(1.0).margin(2e-7));
    CHECK(r.evaluations < 200);  // Nelder-Mead above needs thousands for 1e-3
    // abandon: the run gives up at the first accepted point past x0 = 0.5, well before the minimum
    BfgsOptions give_up;
    give_up.abandon = [](const Eigen::VectorXd& x, double) { return x(0) > 0.5; };
    const auto a = bfgs(rosenbrock, Eigen::Vector2d(-1.2, 1.0), give_up);
    CHECK(a.abandoned);
    CHECK_FALSE(a.converged);
    CHECK(a.x(0) > 0.5);
    CHECK(a.x(0) < 0.999);
    CHECK(a.evaluations < r.evaluations);
    CHECK_FALSE(r.abandoned);
    // a quadratic whose minimum (2, -1) lies next to a region where f is not finite (x0 > 2.5):
    // the line search backs off from it
    const auto fenced = [](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
        g = Eigen::Vector2d(2.0 * (x(0) - 2.0), 20.0 * (x(1) + 1.0));
        return x(0) > 2.5 ? std::numeric_limits<double>::infinity()
                          : std::pow(x(0) - 2.0, 2) + 10.0 * std::pow(x(1) + 1.0, 2);
    };
    const auto q = bfgs(fenced, Eigen::Vector2d(-5.0, 3.0));
    CHECK(q.converged);
    CHECK(q.x(0) == Approx(2.0).margin(1e-8));
    CHECK(q.x(1) == Approx(-1.0).margin(1e-8));
    CHECK_THROWS_AS(bfgs([](const Eigen::VectorXd&, Eigen::VectorXd& g) { g = Eigen::Vector2d(0, 0); return NAN; },
                         Eigen::Vector2d(0, 0)),
                    InputError);
}

TEST_CASE("ETS forecast variances follow the closed forms of HKOS class 1") {
    std::vector<double> y;
    for (int t = 0; t < 30; ++t) y.push_back(100.0 + 2.0 * t + 5.0 * std::sin(1.7 * t));
    const EtsModel m = EtsModel::fit(y, EtsSpec::parse("AAN"));
    const Eigen::VectorXd v = m.variance(5);
    // AAN: c_j = alpha + j beta, var_h = sigma^2 (1 + sum_{j<h} c_j^2).
    double sum = 0.0;
    for (int h = 1; h <= 5; ++h) {
        CHECK(v(h - 1) == Approx(m.sigma2() * (1.0 + sum)).epsilon(1e-12));
        const double c = m.alpha() + h * m.beta();
        sum += c * c;
    }
    // Means: l_n + h b_n, a straight line.
    const Eigen::VectorXd mean = m.mean(4);
    CHECK(mean(3) - mean(2) == Approx(mean(1) - mean(0)).epsilon(1e-12));
    CHECK(m.beta() <= m.alpha());
}

TEST_CASE("ETS on a constant series and on series it cannot fit") {
    const EtsModel flat = EtsModel::fit(std::vector<double>(12, 7.0), EtsSpec::parse("ANN"));
    CHECK(flat.mean(3)(2) == Approx(7.0).epsilon(1e-9));
    CHECK(std::isfinite(flat.aicc()));
    CHECK_THROWS_WITH(EtsModel::fit({1, 2, 3}, EtsSpec::parse("ANN")), Contains("needs at least 4"));
    CHECK_THROWS_WITH(EtsModel::fit({1, 2, 3, 4, 5, 6}, EtsSpec::parse("AAdN")), Contains("needs at least 7"));
    CHECK_THROWS_WITH(EtsModel::fit({1, 0, 3, 4, 5}, EtsSpec::parse("MNN")), Contains("not positive"));
    CHECK_THROWS_WITH(EtsModel::select({1, 2, 3, 4}), Contains("no ETS class can be fitted to 4"));
    CHECK_THROWS_WITH(EtsSpec::parse("ZZZ"), Contains("unknown ETS class"));
    // Found by fuzzing: values near the top of the double range overflowed the variance.
    CHECK_THROWS_WITH(EtsModel::fit({1e-301, 8e-301, 4e11, 8e307}, EtsSpec::parse("MNN")), Contains("rescale"));
}

TEST_CASE("The automatic ETS choice fits its classes in lockstep to exactly the fits of each class alone") {
    // select and aicc_weights run the classes' Nelder-Mead searches side by side, their
    // recursions interleaved in one pass (ets.cpp, run_lanes); EtsModel::fit runs one class
    // alone. Both must ask for the same points and get the same values, bit for bit: series that
    // grow, fall, cross zero (additive classes only), stay near zero, are short or are constant.
    Rng rng = make_rng(17, 0);
    boost::random::normal_distribution<double> normal;
    std::vector<std::vector<double>> panel{std::vector<double>(9, 3.0), {5, 6, 8, 7, 9, 12}};
    for (int i = 0; i < 40; ++i) {
        std::vector<double> y;
        double level = i % 4 == 3 ? 0.5 : 100.0, drift = 0.08 * normal(rng);
        for (int t = 0; t < 6 + i % 30; ++t) {
            level = i % 4 == 2 ? level + 20.0 * (drift + 0.2 * normal(rng)) : level * std::exp(drift + 0.1 * normal(rng));
            y.push_back(level);
        }
        panel.push_back(y);
    }
    int compared = 0;
    for (const auto& y : panel) {
        for (bool additive_only : {false, true}) {
            std::vector<std::pair<EtsModel, double>> weighted;
            try {
                weighted = EtsModel::aicc_weights(y, additive_only);
            } catch (const InputError&) {
                CHECK(y.size() < 6);  // only the shortest series have no class with a finite AICc
                continue;
            }
            // every class that can be fitted alone with a finite AICc is in the lockstep result
            bool positive = !additive_only;
            for (double v : y) positive = positive && v > 0.0;
            for (const EtsSpec& spec : EtsSpec::all()) {
                bool fits = spec.error == EtsError::Additive || positive;
                try {
                    fits = fits && std::isfinite(EtsModel::fit(y, spec).aicc());
                } catch (const InputError&) {
                    fits = false;
                }
                const bool listed = std::any_of(weighted.begin(), weighted.end(), [&](const auto& entry) {
                    return entry.first.spec().name() == spec.name();
                });
                CHECK(fits == listed);
            }
            for (const auto& [lockstep, weight] : weighted) {
                const EtsModel alone = EtsModel::fit(y, lockstep.spec());
                CHECK(lockstep.params() == alone.params());
                CHECK(lockstep.aicc() == alone.aicc());
                CHECK(lockstep.sigma2() == alone.sigma2());
                CHECK(lockstep.mean(3) == alone.mean(3));
                ++compared;
            }
            CHECK(EtsModel::select(y, additive_only).aicc() ==
                  std::min_element(weighted.begin(), weighted.end(), [](const auto& a, const auto& b) {
                      return a.first.aicc() < b.first.aicc();
                  })->first.aicc());
        }
    }
    CHECK(compared > 300);
}

TEST_CASE("Theta is SES plus half the trend slope") {
    std::vector<double> y;
    for (int t = 0; t < 20; ++t) y.push_back(50.0 + 3.0 * t);
    const ThetaModel th = ThetaModel::fit(y);
    CHECK(th.drift() == Approx(1.5).epsilon(1e-12));
    const Eigen::VectorXd mean = th.mean(3);
    CHECK(mean(1) - mean(0) == Approx(1.5).epsilon(1e-9));
}

TEST_CASE("rolling-origin evaluation on values near the double range (found by fuzzing)") {
    std::vector<int> years;
    for (int t = 0; t < 7; ++t) years.push_back(2000 + t);
    // Changes of 2e300 overflow the naive scale: every origin is skipped, nothing is scored.
    const auto overflow = rolling_origin(years, {1e300, -1e300, 1e300, -1e300, 1e300, -1e300, 1e300}, {"naive"}, 4, 2);
    CHECK(overflow.at(0).forecasts == 0);
    CHECK(std::isnan(overflow.at(0).mase));
    // 1e120 keeps the scale finite; Theta refuses such values and the failure is counted and explained.
    const auto big = rolling_origin(years, {1e120, -1e120, 1e120, -1e120, 1e120, -1e120, 1e120}, {"naive", "theta"}, 4, 2);
    CHECK(big.at(0).forecasts > 0);
    CHECK(std::isfinite(big.at(0).mase));
    CHECK(big.at(1).failures > 0);
    CHECK_THAT(big.at(1).first_failure, Contains("rescale"));
}

TEST_CASE("ARIMA: closed forms for a random walk with drift") {
    // ARIMA(0,1,0) with drift: the drift is the mean of the differences, the forecast variance h sigma^2.
    const std::vector<double> y{1, 3, 4, 7, 8, 11, 12, 15};
    const ArimaModel m = ArimaModel::fit(y, ArimaOrder{0, 1, 0, true});
    CHECK(m.params().at(0).second == Approx(2.0).epsilon(1e-6));
    const Eigen::VectorXd v = m.variance(3);
    CHECK(v(2) == Approx(3.0 * v(0)).epsilon(1e-9));
    CHECK(m.mean(2)(1) == Approx(19.0).epsilon(1e-6));
    CHECK_THROWS_WITH(ArimaModel::fit({1, 2, 3}, ArimaOrder{1, 1, 1, true}), Contains("needs at least"));
    CHECK_THROWS_WITH(ArimaModel::fit(y, ArimaOrder{1, 2, 0, true}), Contains("no constant"));
}

TEST_CASE("ARIMA: the fit is the maximum of the AR(1) exact likelihood, written in closed form") {
    // y_t - mu = phi (y_{t-1} - mu) + e_t, seeded; the exact log-likelihood with sigma^2 concentrated
    // out: S = (1 - phi^2) z_1^2 + sum_{t>1} (z_t - phi z_{t-1})^2, z = y - mu, and
    // l = -n/2 log(2 pi S / n) - n/2 + 1/2 log(1 - phi^2) (Box, Jenkins & Reinsel, §7.1.2).
    Rng rng = make_rng(5, 0);
    boost::random::normal_distribution<double> normal;
    std::vector<double> y;
    double z = 0.0;
    for (int t = 0; t < 40; ++t) {
        z = 0.6 * z + normal(rng);
        y.push_back(10.0 + z);
    }
    const auto loglik = [&](double phi, double mu) {
        const double n = static_cast<double>(y.size());
        double s = (1.0 - phi * phi) * std::pow(y[0] - mu, 2);
        for (std::size_t t = 1; t < y.size(); ++t) s += std::pow(y[t] - mu - phi * (y[t - 1] - mu), 2);
        return -0.5 * n * std::log(2.0 * M_PI * s / n) - 0.5 * n + 0.5 * std::log(1.0 - phi * phi);
    };
    const ArimaModel m = ArimaModel::fit(y, ArimaOrder{1, 0, 0, true});
    const double phi = m.params().at(0).second, mu = m.params().at(1).second;
    CHECK(phi == Approx(0.6).margin(0.25));
    CHECK(m.loglik() == Approx(loglik(phi, mu)).epsilon(1e-12));
    // the maximum: no nearby point is higher, and the slopes vanish (central differences)
    for (double step : {1e-3, 1e-2}) {
        CHECK(loglik(phi + step, mu) < m.loglik());
        CHECK(loglik(phi - step, mu) < m.loglik());
        CHECK(loglik(phi, mu + step) < m.loglik());
        CHECK(loglik(phi, mu - step) < m.loglik());
    }
    const double h = 1e-5;
    CHECK(std::fabs(loglik(phi + h, mu) - loglik(phi - h, mu)) / (2.0 * h) < 1e-5);
    CHECK(std::fabs(loglik(phi, mu + h) - loglik(phi, mu - h)) / (2.0 * h) < 1e-5);
}

TEST_CASE("ARIMA of values too large to difference is an InputError, not a NaN variance (fuzz_models finding)") {
    const std::vector<double> y{280366605570.51965, 280366605570.51965, 1e-300, 1e-300, 1e-300, 9.9999999999873744e-301,
                                1e-300, 9.2056338152308302e+307, -4.9348438996220461e+306, 9.450980392156862e-301};
    CHECK_THROWS_WITH(tradetarget::ArimaModel::fit(y, {0, 2, 0, false}),
                      Catch::Matchers::Contains("the differenced series overflows at observation 9"));
}

TEST_CASE("Theta family: the fit is the least-squares optimum, static variances are SES's, paths have the forecasts' moments") {
    // a trending series with noise, fixed values
    const std::vector<double> y{102.1, 106.3, 108.2, 115.0, 117.9, 119.4, 127.7, 130.1, 131.2, 138.8,
                                143.5, 142.9, 150.6, 155.0, 154.1, 161.9, 166.2, 171.8};
    const int n = static_cast<int>(y.size());
    Rng rng = make_rng(11, 0);
    boost::random::uniform_real_distribution<double> unit(0.0, 1.0);
    for (ThetaVariant v : {ThetaVariant::Standard, ThetaVariant::Optimized, ThetaVariant::DynamicStandard,
                           ThetaVariant::DynamicOptimized}) {
        INFO(to_string(v));
        const ThetaFamilyModel m = ThetaFamilyModel::fit(y, v);
        const bool optimized = v == ThetaVariant::Optimized || v == ThetaVariant::DynamicOptimized;
        if (!optimized) CHECK(m.theta() == 2.0);
        // no point of the parameter box does better (the criterion is exactly minimised)
        for (int k = 0; k < 3000; ++k) {
            const double level = m.initial_level() + 200.0 * (unit(rng) - 0.5);
            const double alpha = 0.1 + 0.89 * unit(rng);
            const double theta = optimized ? 1.0 / (1.0 - unit(rng)) : 2.0;
            REQUIRE(ThetaFamilyModel::at(y, v, level, alpha, theta).criterion() >= m.criterion() * (1 - 1e-12));
        }
        // the criterion and sigma2 from the residuals (statsforecast's scale: SSE over mean |y|)
        double sse = 0.0, mean_abs = 0.0;
        for (int t = 0; t < n; ++t) {
            mean_abs += std::fabs(y[static_cast<std::size_t>(t)]) / n;
            if (t >= 3) sse += std::pow(m.residuals()[static_cast<std::size_t>(t)], 2);
        }
        CHECK(m.criterion() == Approx(sse / mean_abs).epsilon(1e-12));
        CHECK(m.sigma2() == Approx(sse / (n - 3)).epsilon(1e-12));
        const Eigen::VectorXd mean = m.mean(6), variance = m.variance(6);
        if (v == ThetaVariant::Standard || v == ThetaVariant::Optimized)
            for (int k = 0; k < 6; ++k)
                CHECK(variance(k) == Approx(m.sigma2() * (1.0 + k * m.alpha() * m.alpha())).epsilon(1e-9));
        // 20,000 paths: their mean and variance are the forecast's (4 standard errors; 5% on variance)
        const int paths = 20000;
        Eigen::VectorXd sum = Eigen::VectorXd::Zero(6), squares = Eigen::VectorXd::Zero(6), path(6);
        Rng path_rng = make_rng(5, 1);
        for (int p = 0; p < paths; ++p) {
            m.simulate(path_rng, path);
            sum += path;
            squares += path.array().square().matrix();
        }
        for (int k = 0; k < 6; ++k) {
            const double path_mean = sum(k) / paths, path_var = squares(k) / paths - path_mean * path_mean;
            CHECK(std::fabs(path_mean - mean(k)) < 4.0 * std::sqrt(variance(k) / paths));
            CHECK(path_var == Approx(variance(k)).epsilon(0.05));
        }
    }
    // theta = 1 removes the trend: the static model is simple exponential smoothing
    const ThetaFamilyModel ses = ThetaFamilyModel::at(y, ThetaVariant::Optimized, 100.0, 0.3, 1.0);
    double level = 100.0;
    for (double v : y) level = 0.3 * v + 0.7 * level;
    CHECK((ses.mean(4).array() - level).abs().maxCoeff() < 1e-10);
    // too short, not finite, out of range
    CHECK_THROWS_WITH(ThetaFamilyModel::fit({1, 2, 3, 4, 5}, ThetaVariant::Optimized),
                      Contains("OTM Theta model needs at least 6 observations; got 5"));
    CHECK_THROWS_WITH(ThetaFamilyModel::fit({1, 2, NAN, 4, 5, 6}, ThetaVariant::Standard), Contains("value 3 is not finite"));
    CHECK_THROWS_WITH(ThetaFamilyModel::at(y, ThetaVariant::Standard, 0.0, 0.5, 0.5), Contains("theta must be at least 1"));
    // five observations: only the standard variants can be fitted, and select chooses among them
    const ThetaVariant chosen = ThetaFamilyModel::select({1, 2, 3, 5, 4}).variant();
    CHECK((chosen == ThetaVariant::Standard || chosen == ThetaVariant::DynamicStandard));
}

namespace {

// A falling series whose ARIMA(0,1,0) with drift forecasts reach below zero: forecast mean
// last + h drift, variance h sigma^2 (closed forms; the test above checks them).
AnnualSeries falling_series(double noise) {
    std::vector<int> years;
    std::vector<double> levels;
    const double wiggle[] = {0.3, -0.5, 0.8, -0.2, 0.4, -0.9, 0.1, 0.6, -0.4};
    for (int t = 0; t < 9; ++t) {
        years.push_back(2010 + t);
        levels.push_back(100.0 - 11.0 * t + noise * wiggle[t]);
    }
    return AnnualSeries::from_levels(years, levels);
}

ModelOptions random_walk_options(bool positive) {
    ModelOptions options;
    options.arima_order = ArimaOrder{0, 1, 0, true};
    options.parameter_uncertainty = false;
    options.positive = positive;
    return options;
}

}  // namespace

TEST_CASE("positive: the forecast of a positive series is the normal conditioned on a level above zero") {
    const AnnualSeries series = falling_series(4.0);
    const LevelForecastModel r_forecast(ModelKind::Arima, series, random_walk_options(false));
    const LevelForecastModel positive(ModelKind::Arima, series, random_walk_options(true));
    const boost::math::normal standard;
    bool reaches_zero = false;
    for (int year = 2019; year <= 2026; ++year) {
        // R's forecast: the untruncated normal
        const double mean = r_forecast.point_forecast(year);
        const double sd = (r_forecast.forecast_quantile(year, 0.975) - mean) / boost::math::quantile(standard, 0.975);
        REQUIRE(sd > 0.0);
        // P(level > 0), from the upper tail (1 - P(level <= 0) cancels far below zero)
        const double above = boost::math::cdf(boost::math::complement(standard, -mean / sd));
        reaches_zero = reaches_zero || mean <= 0.0;
        // the mean above zero, by quadrature of x phi over (0, inf): E[Y | Y > 0]
        double integral = 0.0;
        const int n = 200000;
        const double top = std::max(mean, 0.0) + 12.0 * sd, step = top / n;
        for (int k = 0; k < n; ++k) {
            const double x = (k + 0.5) * step;
            integral += x * boost::math::pdf(boost::math::normal(mean, sd), x) * step;
        }
        CHECK(positive.point_forecast(year) == Approx(integral / above).epsilon(1e-6));
        for (double p : {0.025, 0.1, 0.5, 0.9, 0.975}) {
            const double q = positive.forecast_quantile(year, p);
            CHECK(q > 0.0);
            // (P(level > 0) - P(level > q)) / P(level > 0) = p
            const double beyond = boost::math::cdf(boost::math::complement(standard, (q - mean) / sd));
            CHECK((above - beyond) / above == Approx(p).margin(1e-10));
            CHECK(positive.forecast_cdf(year, q) == Approx(p).margin(1e-12));
        }
        CHECK(positive.forecast_cdf(year, 0.0) == 0.0);
        CHECK(positive.point_forecast(year) > std::max(mean, 0.0));
    }
    CHECK(reaches_zero);  // the case the guard is for: R's point forecast at or below zero
}

TEST_CASE("positive: far from zero nothing changes, far below zero the forecast is the exponential tail") {
    // rising: R's forecast to 1e-12
    std::vector<int> years;
    std::vector<double> rising;
    for (int t = 0; t < 9; ++t) {
        years.push_back(2010 + t);
        rising.push_back(100.0 + 11.0 * t + 3.0 * std::sin(1.7 * t));
    }
    const AnnualSeries up = AnnualSeries::from_levels(years, rising);
    const LevelForecastModel r_up(ModelKind::Arima, up, random_walk_options(false));
    const LevelForecastModel positive_up(ModelKind::Arima, up, random_walk_options(true));
    for (int year = 2019; year <= 2024; ++year) {
        CHECK(positive_up.point_forecast(year) == Approx(r_up.point_forecast(year)).epsilon(1e-12));
        CHECK(positive_up.forecast_quantile(year, 0.1) == Approx(r_up.forecast_quantile(year, 0.1)).epsilon(1e-12));
    }
    // falling with almost no noise: in 2024 the normal is hundreds of sds below zero; given Y > 0,
    // Y is about exponential with mean sd^2 / |mean| (the Mills ratio's leading term)
    const AnnualSeries down = falling_series(1e-3);
    const LevelForecastModel r_down(ModelKind::Arima, down, random_walk_options(false));
    const LevelForecastModel positive_down(ModelKind::Arima, down, random_walk_options(true));
    const double mean = r_down.point_forecast(2024);
    const double sd = (r_down.forecast_quantile(2024, 0.975) - mean) / 1.959963984540054;
    REQUIRE(mean / sd < -100.0);
    const double exponential_mean = sd * sd / -mean;
    CHECK(positive_down.point_forecast(2024) == Approx(exponential_mean).epsilon(1e-3));
    CHECK(positive_down.forecast_quantile(2024, 0.5) == Approx(exponential_mean * std::log(2.0)).epsilon(1e-3));
    // there the quantile solves the conditioned cdf (Newton on the tail's logarithm)
    for (double p : {1e-6, 0.1, 0.5, 0.9, 0.999})
        CHECK(positive_down.forecast_cdf(2024, positive_down.forecast_quantile(2024, p)) == Approx(p).margin(1e-12));
    // and far from zero, the extreme quantiles stay R's (from the lower tail, where 1 - P(Z > a)
    // would round to 1)
    for (double p : {1e-17, 1e-10})
        CHECK(positive_up.forecast_quantile(2019, p) == Approx(r_up.forecast_quantile(2019, p)).epsilon(1e-12));
}

TEST_CASE("positive: a path keeps its ranks across years, far horizons stay above zero, multiplicative paths are their own") {
    // additive: the map is increasing in each year, so the paths' ranks are R's paths' ranks
    const AnnualSeries series = falling_series(4.0);
    ModelOptions r_options = random_walk_options(false), options = random_walk_options(true);
    r_options.parameter_uncertainty = options.parameter_uncertainty = true;  // wider than the normal mapped by
    const LevelForecastModel r_forecast(ModelKind::Arima, series, r_options);
    const LevelForecastModel positive(ModelKind::Arima, series, options);
    const int n = 400, years = 80;  // beyond the 50 years first cached
    Eigen::MatrixXd raw(n, years), mapped(n, years);
    Rng rng_r = make_rng(9, 0), rng = make_rng(9, 0);
    for (int k = 0; k < n; ++k) {
        Eigen::VectorXd a(years), b(years);
        r_forecast.simulate(rng_r, 2019, a);
        positive.simulate(rng, 2019, b);
        raw.row(k) = a.transpose();
        mapped.row(k) = b.transpose();
    }
    CHECK(mapped.allFinite());
    CHECK(!raw.allFinite());  // R's paths go to or below zero
    for (int j : {0, 5, 30, 79}) {
        // order by R's level (-inf: at or below zero, ordered by nothing) and check the mapped order
        for (int k = 0; k + 1 < n; ++k)
            for (int m = k + 1; m < n; ++m)
                if (std::isfinite(raw(k, j)) && std::isfinite(raw(m, j)) && raw(k, j) < raw(m, j))
                    REQUIRE(mapped(k, j) <= mapped(m, j));
    }
    // multiplicative ETS: the model's own paths, to the last digit
    std::vector<int> years_up;
    std::vector<double> up;
    for (int t = 0; t < 12; ++t) {
        years_up.push_back(2000 + t);
        up.push_back(50.0 * std::exp(0.05 * t) * (1.0 + 0.08 * std::sin(2.1 * t)));
    }
    ModelOptions man_r, man;
    man_r.ets_class = man.ets_class = "MAN";
    man_r.positive = false;
    const LevelForecastModel ets_r(ModelKind::Ets, AnnualSeries::from_levels(years_up, up), man_r);
    const LevelForecastModel ets(ModelKind::Ets, AnnualSeries::from_levels(years_up, up), man);
    Rng a_rng = make_rng(4, 0), b_rng = make_rng(4, 0);
    for (int k = 0; k < 200; ++k) {
        Eigen::VectorXd a(20), b(20);
        ets_r.simulate(a_rng, 2012, a);
        ets.simulate(b_rng, 2012, b);
        REQUIRE((a.array() == b.array()).all());
    }
    CHECK(ets.point_forecast(2020) == Approx(ets_r.point_forecast(2020)).epsilon(1e-14));  // R's mean
}

TEST_CASE("positive: paths stay above zero and have the conditioned distribution") {
    const AnnualSeries series = falling_series(4.0);
    const LevelForecastModel r_forecast(ModelKind::Arima, series, random_walk_options(false));
    const LevelForecastModel positive(ModelKind::Arima, series, random_walk_options(true));
    // one year ahead, conditioning the path is conditioning the year: the mean of the paths
    const int year = 2026;  // 8 years on: R's mean is below zero
    REQUIRE(r_forecast.point_forecast(year) < 0.0);
    Rng rng = make_rng(5, 0);
    Eigen::VectorXd path(1);
    const int n = 40000;
    double sum = 0.0, sum2 = 0.0, below_median = 0.0;
    const double median = positive.forecast_quantile(year, 0.5);
    for (int k = 0; k < n; ++k) {
        positive.simulate(rng, year, path);
        REQUIRE(std::isfinite(path(0)));
        const double v = std::exp(path(0));
        sum += v;
        sum2 += v * v;
        below_median += v <= median;
    }
    const double m = sum / n, se = std::sqrt((sum2 / n - m * m) / n);
    CHECK(std::fabs(m - positive.point_forecast(year)) < 4.0 * se);
    CHECK(std::fabs(below_median / n - 0.5) < 4.0 * std::sqrt(0.25 / n));
    // whole paths stay above zero
    Eigen::VectorXd paths(8);
    for (int k = 0; k < 2000; ++k) {
        positive.simulate(rng, 2019, paths);
        REQUIRE(paths.allFinite());
    }
}

TEST_CASE("Box-Cox: closed forms, R's values beyond the range, Guerrero's lambda recovered") {
    CHECK(box_cox(8.0, 1.0 / 3.0) == Approx(3.0).epsilon(1e-14));  // (8^(1/3) - 1) * 3
    CHECK(box_cox(std::exp(1.0), 0.0) == Approx(1.0).epsilon(1e-15));
    CHECK(box_cox(4.0, -0.5) == Approx(1.0).epsilon(1e-15));       // (1/2 - 1) / -0.5
    for (double lambda : {-0.9, -1e-9, 0.0, 1e-9, 0.4, 1.0, 2.0})
        for (double y : {0.01, 0.3, 1.0, 7.0, 1e4})  // (near the pole, 1 + lambda z cancels: R's too)
            CHECK(inv_box_cox(box_cox(y, lambda), lambda) == Approx(y).epsilon(1e-11));
    CHECK(inv_box_cox(-4.0, 0.5) == -1.0);  // R: sign(x) |x|^(1/lambda) for lambda z + 1 = -1
    CHECK(std::isinf(inv_box_cox(3.0, -0.5)));  // R: NA (the level would be infinite)
    CHECK(box_cox_mean(2.0, 0.5, 0.0) == Approx(std::exp(2.0) * 1.25).epsilon(1e-15));
    CHECK(box_cox_mean(2.0, 0.5, 1.0) == Approx(3.0).epsilon(1e-15));  // lambda 1: a shift, no adjustment
    CHECK_THROWS_WITH(box_cox(0.0, 0.5), Contains("finite and > 0"));
    CHECK_THROWS_AS(box_cox(1.0, NAN), InputError);

    // pairs whose sd is exactly proportional to mean^(1 - 0.3): the criterion is 0 at lambda = 0.3
    std::vector<double> y;
    for (int j = 0; j < 8; ++j) {
        const double m = 10.0 * std::pow(1.3, j), d = 0.1 * std::pow(m, 0.7) / std::sqrt(2.0);
        y.push_back(m - d);
        y.push_back(m + d);
    }
    CHECK(guerrero_lambda(y) == Approx(0.3).margin(1e-7));
    y.insert(y.begin(), 1e9);  // an odd length drops the first value, as R does
    CHECK(guerrero_lambda(y) == Approx(0.3).margin(1e-7));
    CHECK(guerrero_lambda(y, 0.5, 2.0) == Approx(0.5).margin(1e-7));  // at the search interval's edge
    CHECK_THROWS_WITH(guerrero_lambda({1.0, 2.0, 3.0}), Contains("at least 4 values"));
    CHECK_THROWS_WITH(guerrero_lambda({1.0, 2.0, -3.0, 4.0}), Contains("value 3 is -3"));
    CHECK_THROWS_WITH(guerrero_lambda({1.0, 1.0, 3.0, 3.0}), Contains("every pair of consecutive values is equal"));
    CHECK_THROWS_WITH(guerrero_lambda({1.0, 2.0, 3.0, 4.0}, 1.0, 1.0), Contains("lower < upper"));
}

TEST_CASE("Box-Cox: the level's forecast is the inverse transform of the model's, conditioned on a finite level, to the tails") {
    // a series whose ETS(A,N,N) on the lambda = -0.5 scale puts mass beyond the pole (an infinite
    // level: z >= 2), so the conditioning is at work from the first year ahead
    const std::vector<int> years{2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019};
    const std::vector<double> values{40.0, 90.0, 30.0, 200.0, 60.0, 900.0, 80.0, 3000.0, 150.0, 5000.0};
    const AnnualSeries series = AnnualSeries::from_levels(years, values);
    const double lambda = -0.5;
    std::vector<double> z;
    for (double v : values) z.push_back(box_cox(v, lambda));
    const EtsModel ann = EtsModel::fit(z, EtsSpec::parse("ANN"));
    const boost::math::normal standard;
    for (bool positive : {false, true}) {
        ModelOptions options;
        options.ets_class = "ANN";
        options.box_cox_lambda = lambda;
        options.positive = positive;
        options.parameter_uncertainty = false;
        const LevelForecastModel fit(ModelKind::Ets, series, options);
        const Eigen::VectorXd mean = ann.mean(3), variance = ann.variance(3);
        for (int h = 1; h <= 3; ++h) {
            const double m = mean(h - 1), s = std::sqrt(variance(h - 1));
            const double beyond = boost::math::cdf(boost::math::complement(standard, (2.0 - m) / s));  // P(z >= -1/lambda)
            REQUIRE(beyond > 1e-6);
            for (double p : {0.01, 0.2, 0.5, 0.8, 0.97}) {
                const double q = fit.forecast_quantile(2019 + h, p);
                // positive = false: R's InvBoxCox of the normal quantile (+inf beyond the pole);
                // positive: the normal conditioned on z < 2, P(z <= box_cox(q)) / P(z < 2) = p
                const double zq = m + s * boost::math::quantile(standard, p);
                if (!positive) {
                    CHECK(q == Approx(inv_box_cox(zq, lambda)).epsilon(1e-12));
                } else {
                    REQUIRE(std::isfinite(q));
                    const double below = boost::math::cdf(standard, (box_cox(q, lambda) - m) / s);
                    CHECK(below / (1.0 - beyond) == Approx(p).margin(1e-10));
                    CHECK(fit.forecast_cdf(2019 + h, q) == Approx(p).margin(1e-10));
                }
            }
        }
    }
    // the support's edges and the far tails (lambda < 0: the level falls as the coordinate rises)
    for (double lambda_value : {-0.5, 0.5}) {
        ModelOptions options;
        options.ets_class = "ANN";
        options.box_cox_lambda = lambda_value;
        options.parameter_uncertainty = false;
        const LevelForecastModel fit(ModelKind::Ets, series, options);
        CHECK(fit.forecast_cdf(2020, -1.0) == 0.0);
        CHECK(fit.forecast_cdf(2020, 0.0) == 0.0);
        CHECK(fit.forecast_cdf(2020, std::numeric_limits<double>::infinity()) == 1.0);
        double previous = 0.0;
        for (double p : {1e-150, 1e-100, 1e-20, 1e-16, 1e-10, 1e-4, 0.5, 1.0 - 1e-10}) {
            const double q = fit.forecast_quantile(2020, p);
            CHECK(q > previous);
            CHECK(std::isfinite(q));
            CHECK(fit.forecast_cdf(2020, q) == Approx(p).epsilon(1e-9));
            previous = q;
        }
    }
    ModelOptions bad;
    bad.box_cox_lambda = 0.5;
    CHECK_THROWS_WITH(fit_model(ModelKind::Theta, series, bad), Contains("theta does not take one"));
    bad.box_cox_auto = true;
    CHECK_THROWS_WITH(fit_model(ModelKind::AutoEts, series, bad), Contains("not both"));
}

TEST_CASE("A level model's forecasts do not depend on the order the years are asked in, nor on threads asking at once") {
    std::vector<int> years;
    std::vector<double> levels;
    for (int t = 0; t < 30; ++t) {
        years.push_back(1990 + t);
        levels.push_back(100.0 * std::exp(0.04 * t + 0.1 * std::sin(1.3 * t)));
    }
    const AnnualSeries series = AnnualSeries::from_levels(years, levels);
    ModelOptions options;
    options.arima_order = ArimaOrder{1, 1, 1, true};
    // The forecasts are computed once per model, for the years asked for, and grown when more are.
    const LevelForecastModel near_first(ModelKind::Arima, series, options);
    const LevelForecastModel far_first(ModelKind::Arima, series, options);
    const double far = far_first.forecast_quantile(2049, 0.9);
    for (int year = 2020; year <= 2049; ++year) {
        CHECK(near_first.forecast_quantile(year, 0.1) == far_first.forecast_quantile(year, 0.1));
        CHECK(near_first.point_forecast(year) == far_first.point_forecast(year));
    }
    CHECK(near_first.forecast_quantile(2049, 0.9) == far);
    // One model shared by threads, each asking for more years than the last: every answer is the
    // one a model of its own gives (run under ASan and TSan in make cpp-sanitize / cpp-tsan).
    const LevelForecastModel shared(ModelKind::Arima, series, options);
    std::vector<double> answers(8);
    std::vector<int> last_years(answers.size());
    std::vector<std::thread> threads;
    for (std::size_t k = 0; k < answers.size(); ++k)
        threads.emplace_back([&, k] {
            for (int year = 2020; year <= 2020 + 40 * static_cast<int>(k + 1); year += 7) {
                answers[k] = shared.forecast_quantile(year, 0.95);
                last_years[k] = year;
            }
        });
    for (auto& thread : threads) thread.join();
    for (std::size_t k = 0; k < answers.size(); ++k)
        CHECK(answers[k] == LevelForecastModel(ModelKind::Arima, series, options).forecast_quantile(last_years[k], 0.95));
}
