#include <cmath>

#include <boost/random/uniform_real_distribution.hpp>
#include <catch2/catch.hpp>

#include "tradetarget/arima.hpp"
#include "tradetarget/errors.hpp"
#include "tradetarget/evaluate.hpp"
#include "tradetarget/ets.hpp"
#include "tradetarget/optimize.hpp"
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
