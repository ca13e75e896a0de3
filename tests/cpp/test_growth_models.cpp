#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/ets.hpp"
#include "tradetarget/growth_models.hpp"
#include "tradetarget/measurement.hpp"
#include "tradetarget/simulation.hpp"
#include "tradetarget/structural.hpp"

#include <boost/random/normal_distribution.hpp>

using namespace tradetarget;
using Catch::Matchers::Contains;

namespace {

AnnualSeries from_logs(const std::vector<int>& years, const std::vector<double>& logs,
                       const std::vector<double>& log_sd = {}) {
    std::vector<double> levels;
    for (double y : logs) levels.push_back(std::exp(y));
    return AnnualSeries::from_levels(years, levels, log_sd);
}

// Empirical quantile of column k.
double column_quantile(const SamplePaths& paths, Eigen::Index k, double p) {
    std::vector<double> c;
    for (Eigen::Index i = 0; i < paths.log_level.rows(); ++i) c.push_back(paths.log_level(i, k));
    std::sort(c.begin(), c.end());
    return c[static_cast<std::size_t>(p * static_cast<double>(c.size() - 1))];
}

}  // namespace

TEST_CASE("compound growth is the closed form") {
    CHECK(compound_growth(100.0, 2000, 200.0, 2010) == Approx(std::pow(2.0, 0.1) - 1.0).epsilon(1e-14));
    CHECK(compound_growth(3.3544e9, 2020, 5.3e9, 2021) == Approx(5.3 / 3.3544 - 1.0).epsilon(1e-12));
    CHECK_THROWS_WITH(compound_growth(1.0, 2020, 2.0, 2020), Contains("later end year"));
    CHECK_THROWS_AS(compound_growth(-1.0, 2020, 2.0, 2021), InputError);
}

TEST_CASE("log-linear trend: least squares on a known line, by hand") {
    // x = 2001..2005, y = 1 3 2 5 4: slope Sxy/Sxx = 8/10, level 3 at 2003, RSS = 3.6, s^2 = 1.2.
    const LogLinearTrend m(from_logs({2001, 2002, 2003, 2004, 2005}, {1, 3, 2, 5, 4}));
    CHECK(m.log_growth() == Approx(0.8).epsilon(1e-12));
    CHECK(m.mean_log(2003) == Approx(3.0).epsilon(1e-12));
    CHECK(m.sigma() == Approx(std::sqrt(1.2)).epsilon(1e-12));
    CHECK(m.log_growth_se() == Approx(std::sqrt(1.2 / 10.0)).epsilon(1e-12));
    CHECK(m.df() == 3.0);
    // Prediction at 2006: s sqrt(1 + 1/n + (2006 - 2003)^2 / Sxx).
    CHECK(m.predictive_scale(2006) == Approx(std::sqrt(1.2 * 2.1)).epsilon(1e-12));
    CHECK(m.quantile_log(2006, 0.975) ==
          Approx(5.4 + 3.182446305284263 * std::sqrt(1.2 * 2.1)).epsilon(1e-10));
}

TEST_CASE("log-linear trend recovers an exact exponential exactly") {
    std::vector<double> logs;
    for (int t = 0; t < 6; ++t) logs.push_back(std::log(2.0) + 0.07 * t);
    const LogLinearTrend m(from_logs({2000, 2001, 2002, 2003, 2004, 2005}, logs));
    CHECK(m.log_growth() == Approx(0.07).epsilon(1e-12));
    CHECK(m.sigma() == Approx(0.0).margin(1e-12));
    CHECK(m.mean_log(2010) == Approx(std::log(2.0) + 0.7).epsilon(1e-12));
}

TEST_CASE("random walk with drift: estimates with and without a gap, by hand") {
    const RandomWalkDrift m(from_logs({2000, 2001, 2002, 2003}, {0.0, 0.1, 0.3, 0.35}));
    CHECK(m.drift() == Approx(0.35 / 3).epsilon(1e-12));
    const double mu = 0.35 / 3;
    const double rss = std::pow(0.1 - mu, 2) + std::pow(0.2 - mu, 2) + std::pow(0.05 - mu, 2);
    CHECK(m.sigma() == Approx(std::sqrt(rss / 2)).epsilon(1e-12));
    CHECK(m.predictive_scale(2005) == Approx(m.sigma() * std::sqrt(2 + 4.0 / 3)).epsilon(1e-12));

    // A missing year: the two-year increment counts with variance 2 sigma^2.
    const RandomWalkDrift g(from_logs({2000, 2001, 2003}, {0.0, 0.1, 0.4}));
    CHECK(g.drift() == Approx(0.4 / 3).epsilon(1e-12));
    const double rss_g = std::pow(0.1 - 0.4 / 3, 2) + std::pow(0.3 - 0.8 / 3, 2) / 2;
    CHECK(g.sigma() == Approx(std::sqrt(rss_g / 1)).epsilon(1e-12));
    CHECK(g.df() == 1.0);
    CHECK(g.span() == 3.0);
}

TEST_CASE("models refuse series they cannot support, and bad series, with a clear message") {
    CHECK_THROWS_WITH(LogLinearTrend(from_logs({2000, 2001}, {1, 2})), Contains("at least 3"));
    CHECK_THROWS_WITH(RandomWalkDrift(from_logs({2000, 2001}, {1, 2})), Contains("at least 3"));
    CHECK_THROWS_WITH(AnnualSeries::from_levels({2000, 2000}, {1, 2}), Contains("strictly increasing"));
    CHECK_THROWS_WITH(AnnualSeries::from_levels({2000, 2001}, {1, -2}), Contains("2001"));
    CHECK_THROWS_WITH(AnnualSeries::from_levels({2000, 2001}, {1}), Contains("differ in length"));
    CHECK_THROWS_WITH(AnnualSeries::from_levels({2000, 2147483647}, {1, 2}), Contains("outside 1000 to 3000"));
    CHECK_THROWS_WITH(parse_model("prophet"), Contains("loglinear, rw_drift"));
}

TEST_CASE("simulated paths have the Student-t predictive marginals of each model") {
    const auto series = from_logs({2018, 2019, 2020, 2021, 2022, 2024}, {1.0, 1.3, 1.2, 1.6, 1.5, 1.9});
    SimulationOptions opt;
    opt.horizon = 10;
    opt.n_paths = 200000;
    opt.seed = 7;
    for (ModelKind kind : {ModelKind::LogLinearTrend, ModelKind::RandomWalkDrift}) {
        const auto model = fit_model(kind, series);
        const auto paths = simulate_paths(kind, series, opt);
        REQUIRE(paths.first_year == 2025);
        for (int k : {0, 5, 9}) {
            for (double p : {0.1, 0.5, 0.9}) {
                INFO(to_string(kind) << " year " << 2025 + k << " p " << p);
                CHECK(column_quantile(paths, k, p) ==
                      Approx(model->quantile_log(2025 + k, p)).margin(0.01 * model->predictive_scale(2025 + k) + 0.004));
            }
        }
    }
}

TEST_CASE("the same seed gives the same paths bit for bit, and another seed does not") {
    const auto series = from_logs({2020, 2021, 2022, 2024}, {1.2, 1.67, 1.39, 1.69}, {0, 0, 0, 0.13});
    SimulationOptions opt;
    opt.n_paths = 1000;
    const auto a = simulate_paths(ModelKind::RandomWalkDrift, series, opt);
    const auto b = simulate_paths(ModelKind::RandomWalkDrift, series, opt);
    CHECK((a.log_level.array() == b.log_level.array()).all());
    opt.seed += 1;
    const auto c = simulate_paths(ModelKind::RandomWalkDrift, series, opt);
    CHECK_FALSE((a.log_level.array() == c.log_level.array()).all());
}

TEST_CASE("source disagreement widens the forecast") {
    // Twelve years with little noise: the predictive is narrow enough for a disputed last year
    // (log sd 0.2) to show (on four points the t predictive with 2 df swamps it).
    std::vector<int> years;
    std::vector<double> logs, sds(12, 0.0);
    for (int t = 0; t < 12; ++t) {
        years.push_back(2013 + t);
        logs.push_back(1.0 + 0.08 * t + 0.03 * std::sin(1.9 * t));
    }
    sds.back() = 0.2;
    SimulationOptions opt;
    opt.n_paths = 40000;
    const auto sharp = simulate_paths(ModelKind::RandomWalkDrift, from_logs(years, logs), opt);
    const auto wide = simulate_paths(ModelKind::RandomWalkDrift, from_logs(years, logs, sds), opt);
    const auto spread = [](const SamplePaths& p) {
        return column_quantile(p, 5, 0.9) - column_quantile(p, 5, 0.1);
    };
    CHECK(spread(wide) > spread(sharp) * 1.2);
    opt.source_uncertainty = false;
    const auto off = simulate_paths(ModelKind::RandomWalkDrift, from_logs(years, logs, sds), opt);
    CHECK((off.log_level.array() == sharp.log_level.array()).all());
}

TEST_CASE("absurd simulation requests are refused before any memory is taken") {
    const auto series = from_logs({2020, 2021, 2022}, {1, 1.1, 1.3});
    SimulationOptions opt;
    opt.n_paths = 100000000;
    CHECK_THROWS_WITH(simulate_paths(ModelKind::LogLinearTrend, series, opt), Contains("GB"));
    opt = SimulationOptions{};
    opt.horizon = 0;
    CHECK_THROWS_WITH(simulate_paths(ModelKind::LogLinearTrend, series, opt), Contains("horizon"));
    opt = SimulationOptions{};
    opt.n_paths = 0;
    CHECK_THROWS_WITH(simulate_paths(ModelKind::LogLinearTrend, series, opt), Contains("n_paths"));
}

TEST_CASE("local linear trend: the fitted variances beat the true ones on the likelihood") {
    Rng rng = make_rng(5, 0);
    boost::random::normal_distribution<double> normal;
    std::vector<int> years;
    std::vector<double> levels;
    double x = 1.0, mu = 0.05;
    for (int t = 0; t < 40; ++t) {
        if (t == 17) continue;  // a gap
        x += mu + 0.05 * normal(rng);
        mu += 0.005 * normal(rng);
        years.push_back(1980 + t);
        levels.push_back(std::exp(x + 0.03 * normal(rng)));
    }
    const auto series = AnnualSeries::from_levels(years, levels);
    const LocalLinearTrendModel m(series);
    const double at_truth = local_linear_trend(series.log_level, 0.03, 0.05, 0.005, 2, 1e6, years).loglik;
    CHECK(m.loglik() >= at_truth);
    CHECK(m.predictive_scale(2025) > m.predictive_scale(2021));
    // The closed-form forecast variance against the covariance recursion P <- T P T' + Q it sums
    // (T: the level takes the slope), and against the sample paths' spread.
    double sigma_irregular = 0, sigma_level = 0, sigma_slope = 0;
    for (const auto& [name, value] : m.params()) {
        if (name == "sigma_irregular") sigma_irregular = value;
        if (name == "sigma_level") sigma_level = value;
        if (name == "sigma_slope") sigma_slope = value;
    }
    Eigen::Matrix2d p = local_linear_trend(series.log_level, sigma_irregular, sigma_level, sigma_slope, 2, 1e6, years).end_cov;
    Eigen::Matrix2d transition;
    transition << 1.0, 1.0, 0.0, 1.0;
    Rng sim = make_rng(11, 0);
    const int horizon = 12, n_paths = 100000;
    Eigen::MatrixXd draws(n_paths, horizon);
    for (int i = 0; i < n_paths; ++i) {
        Eigen::VectorXd row(horizon);
        m.simulate(sim, 2020, row);
        draws.row(i) = row;
    }
    for (int h = 1; h <= horizon; ++h) {
        p = transition * p * transition.transpose();
        p(0, 0) += sigma_level * sigma_level;
        p(1, 1) += sigma_slope * sigma_slope;
        INFO("h = " << h);
        CHECK(m.predictive_scale(2019 + h) == Approx(std::sqrt(p(0, 0) + sigma_irregular * sigma_irregular)).epsilon(1e-9));  // the diffuse start (1e6) leaves ~1e-10
        const Eigen::VectorXd column = draws.col(h - 1);
        const double sd = std::sqrt((column.array() - column.mean()).square().sum() / (n_paths - 1));
        CHECK(sd == Approx(m.predictive_scale(2019 + h)).epsilon(0.02));
    }
    CHECK_THROWS_WITH(LocalLinearTrendModel(from_logs({2000, 2001, 2002, 2003}, {1, 2, 3, 4})),
                      Contains("needs at least 5"));
}

TEST_CASE("paths are the same on one thread and on several") {
    const std::vector<int> years{2018, 2019, 2020, 2021, 2022, 2024};
    const std::vector<double> logs{1.1, 1.3, 1.2, 1.67, 1.39, 1.69};
    for (const bool redraw : {false, true}) {
        SimulationOptions opt;
        opt.n_paths = 5000;  // several blocks of paths_per_block
        opt.source_uncertainty = redraw;
        opt.threads = 1;
        const auto series = from_logs(years, logs, {0, 0, 0.1, 0, 0, 0.2});
        const auto one = simulate_paths(ModelKind::LogLinearTrend, series, opt);
        opt.threads = 3;
        const auto three = simulate_paths(ModelKind::LogLinearTrend, series, opt);
        CHECK((one.log_level.array() == three.log_level.array()).all());
    }
    SimulationOptions bad;
    bad.threads = -1;
    CHECK_THROWS_AS(bad.validate(), InputError);
}

TEST_CASE("Fit diagnostics: the Gaussian likelihood of residuals with gaps, and the information criteria") {
    // residuals 0.1, -0.2 over gaps 1 and 2: s2 = (0.01 + 0.04 / 2) / 2 = 0.015
    const double ll = gaussian_log_likelihood({0.1, -0.2}, {1.0, 2.0});
    CHECK(ll == Approx(-1.0 * (std::log(2.0 * std::acos(-1.0) * 0.015) + 1.0) - 0.5 * std::log(2.0)).epsilon(1e-12));
    // a random walk with drift over a gap: its residuals are the increments about drift * gap
    const AnnualSeries s = AnnualSeries::from_levels({2000, 2001, 2003, 2004}, {1.0, 1.2, 1.5, 1.9});
    const RandomWalkDrift rw(s);
    const FitDiagnostics& d = rw.diagnostics();
    REQUIRE(d.residuals.size() == 3);
    CHECK(d.years == std::vector<int>{2001, 2003, 2004});
    CHECK(d.residuals[1] == Approx(std::log(1.5 / 1.2) - 2.0 * rw.drift()).margin(1e-14));
    CHECK(d.residuals[0] + d.residuals[1] + d.residuals[2] == Approx(0.0).margin(1e-14));
    CHECK(d.log_likelihood == Approx(gaussian_log_likelihood(d.residuals, {1.0, 2.0, 1.0})).epsilon(1e-14));
    CHECK(d.aic() == Approx(-2.0 * d.log_likelihood + 4.0));
    CHECK(std::isnan(d.aicc()));  // n = 3 observations cannot carry the correction for k = 2
    CHECK(d.bic() == Approx(-2.0 * d.log_likelihood + 2.0 * std::log(3.0)));
}

TEST_CASE("One given ETS class or ARIMA order through fit_model is the model of ets.hpp / arima.hpp") {
    const std::vector<double> y{102, 110, 115, 127, 131, 144, 150, 163, 170, 185, 190, 204};
    std::vector<int> years;
    for (int i = 0; i < static_cast<int>(y.size()); ++i) years.push_back(2010 + i);
    const AnnualSeries series = AnnualSeries::from_levels(years, y);

    ModelOptions ets_options;
    ets_options.ets_class = "AAdN";
    const auto ets = fit_model(ModelKind::Ets, series, ets_options);
    const EtsModel direct = EtsModel::fit(y, EtsSpec::parse("AAdN"));
    CHECK(ets->method() == direct.spec().label());
    CHECK(ets->point_forecast(2025) == Approx(direct.mean(4)(3)).epsilon(1e-12));
    CHECK(ets->diagnostics().log_likelihood == Approx(direct.loglik()).epsilon(1e-12));
    CHECK(ets->diagnostics().n_parameters == 6);  // alpha, beta, phi, l0, b0 and sigma^2, as R counts

    ModelOptions arima_options;
    arima_options.arima_order = ArimaOrder{0, 1, 1, true};
    const auto arima = fit_model(ModelKind::Arima, series, arima_options);
    const ArimaModel arima_direct = ArimaModel::fit(y, ArimaOrder{0, 1, 1, true});
    CHECK(arima->method() == arima_direct.order().name());
    CHECK(arima->point_forecast(2022) == Approx(arima_direct.mean(1)(0)).epsilon(1e-12));
    CHECK(arima->diagnostics().aicc() == Approx(arima_direct.aicc()).epsilon(1e-12));

    // without the option each needs, a message that says what to give
    CHECK_THROWS_WITH(fit_model(ModelKind::Ets, series), Contains("the ets model needs a class (ets_class: ANN"));
    CHECK_THROWS_WITH(fit_model(ModelKind::Arima, series), Contains("the arima model needs an order"));
    ets_options.ets_class = "XYZ";
    CHECK_THROWS_AS(fit_model(ModelKind::Ets, series, ets_options), InputError);
}
