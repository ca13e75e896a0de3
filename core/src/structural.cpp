#include "tradetarget/structural.hpp"

#include <cmath>
#include <limits>

#include <Eigen/Cholesky>
#include <boost/random/normal_distribution.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/kalman.hpp"
#include "tradetarget/optimize.hpp"

namespace tradetarget {

LocalLinearTrendResult local_linear_trend(const Eigen::VectorXd& y, double sigma_irregular,
                                          double sigma_level, double sigma_slope, int burn,
                                          double kappa, const std::vector<int>& years) {
    if (y.size() < 1) throw InputError("local_linear_trend needs at least one observation");
    if (!y.allFinite()) throw InputError("local_linear_trend needs finite observations");
    if (!years.empty() && static_cast<Eigen::Index>(years.size()) != y.size())
        throw InputError("local_linear_trend: years and values differ in length");
    std::vector<MeasurementRow> rows(static_cast<std::size_t>(y.size()));
    for (Eigen::Index i = 0; i < y.size(); ++i) {
        auto& r = rows[static_cast<std::size_t>(i)];
        r.year = years.empty() ? static_cast<int>(i) : years[static_cast<std::size_t>(i)];
        if (i > 0 && r.year <= rows[static_cast<std::size_t>(i - 1)].year)
            throw InputError("local_linear_trend: years must be strictly increasing");
        r.y = y(i);
    }
    kalman::Setup s;
    s.first_year = rows.front().year;
    s.last_year = rows.back().year;
    s.sigma_level = sigma_level;
    s.sigma_slope = sigma_slope;
    s.sigma_obs = sigma_irregular;
    s.kappa = kappa;
    s.burn = burn;
    kalman::Filtered f = kalman::run_filter(rows, std::vector<int>(rows.size(), -1), s, true);
    LocalLinearTrendResult out;
    out.loglik = f.loglik;
    out.end_mean = f.a_filt.back().head(2);
    out.end_cov = f.p_filt.back().topLeftCorner(2, 2);
    for (std::size_t i = static_cast<std::size_t>(std::max(burn, 0)); i < rows.size(); ++i) {
        out.innovation_years.push_back(rows[i].year);
        out.innovations.push_back(rows[i].y - f.a_pred[static_cast<std::size_t>(rows[i].year - s.first_year)](kalman::level));
    }
    kalman::smooth(f);
    const auto n_years = static_cast<Eigen::Index>(f.a_filt.size());
    out.smoothed_state.resize(n_years, 2);
    for (Eigen::Index i = 0; i < n_years; ++i) {
        out.smoothed_state(i, 0) = f.a_filt[static_cast<std::size_t>(i)](kalman::level);
        out.smoothed_state(i, 1) = f.a_filt[static_cast<std::size_t>(i)](kalman::slope);
    }
    return out;
}

LocalLinearTrendModel::LocalLinearTrendModel(const AnnualSeries& series)
    : GrowthModel(series.last_year(), series.log_level(series.size() - 1)) {
    if (series.size() < minimum_years(ModelKind::LocalLinearTrend))
        throw InputError("the local linear trend estimates 3 variances after a diffuse start of 2 and needs at least " +
                         std::to_string(minimum_years(ModelKind::LocalLinearTrend)) + " observed years; got " +
                         std::to_string(series.size()));
    const Eigen::VectorXd& y = series.log_level;
    // Scale of the starting values: the sd of the year-on-year changes.
    double scale = 0.0;
    for (Eigen::Index i = 1; i < y.size(); ++i) scale += (y(i) - y(i - 1)) * (y(i) - y(i - 1));
    scale = std::sqrt(scale / static_cast<double>(y.size() - 1));
    if (!(scale > 0.0)) scale = 1e-3;
    const double floor = std::log(1e-8 * scale);
    auto objective = [&](const Eigen::VectorXd& log_sd) {
        const Eigen::Vector3d sd = log_sd.cwiseMax(floor).array().exp();
        return -local_linear_trend(y, sd(0), sd(1), sd(2), 2, 1e6, series.years).loglik;
    };
    NelderMeadOptions options;
    options.max_evaluations = 4000;
    NelderMeadResult best;
    best.value = std::numeric_limits<double>::infinity();
    const double l = std::log(scale);
    for (const Eigen::Vector3d& start : {Eigen::Vector3d(l - 0.7, l - 0.7, l - 2.3), Eigen::Vector3d(l - 2.3, l, l - 2.3),
                                         Eigen::Vector3d(l, l - 2.3, l - 4.6)}) {
        const NelderMeadResult r = nelder_mead(objective, start, options);
        if (r.value < best.value) best = r;
    }
    sigma_ = best.x.cwiseMax(floor).array().exp();
    const auto fit = local_linear_trend(y, sigma_(0), sigma_(1), sigma_(2), 2, 1e6, series.years);
    loglik_ = fit.loglik;
    diagnostics_.years = fit.innovation_years;
    diagnostics_.residuals = fit.innovations;
    diagnostics_.log_likelihood = fit.loglik;
    diagnostics_.n_parameters = 3;  // the three variances
    diagnostics_.n_observations = static_cast<int>(fit.innovations.size());  // after the diffuse burn
    end_mean_ = fit.end_mean;
    end_cov_ = fit.end_cov;
    const Eigen::LLT<Eigen::Matrix2d> llt(end_cov_);
    end_chol_ = llt.info() == Eigen::Success ? Eigen::Matrix2d(llt.matrixL())
                                             : Eigen::Matrix2d(end_cov_.diagonal().cwiseMax(0.0).cwiseSqrt().asDiagonal());
}

std::vector<std::pair<std::string, double>> LocalLinearTrendModel::params() const {
    return {{"sigma_irregular", sigma_(0)}, {"sigma_level", sigma_(1)}, {"sigma_slope", sigma_(2)},
            {"level", end_mean_(0)},        {"slope", end_mean_(1)},      {"loglik", loglik_}};
}

double LocalLinearTrendModel::mean_log(int year) const {
    return end_mean_(0) + (year - last_year()) * end_mean_(1);
}

double LocalLinearTrendModel::predictive_scale(int year) const {
    // h steps of level += slope + eta, slope += zeta from the filtered end state (mean m, covariance
    // P): x_{T+h} = x_T + h mu_T + sum_{k<=h} eta_k + sum_{k<h} (h - k) zeta_k, so
    // Var = P_xx + 2h P_xmu + h^2 P_mumu + h sigma_level^2 + sigma_slope^2 (h-1)h(2h-1)/6
    // (the local linear trend's forecast variance, Harvey 1989, sec. 4.2), plus the irregular.
    const double h = static_cast<double>(year - last_year());
    const double state = end_cov_(0, 0) + 2.0 * h * end_cov_(0, 1) + h * h * end_cov_(1, 1);
    const double noise = h * sigma_(1) * sigma_(1) + sigma_(2) * sigma_(2) * (h - 1.0) * h * (2.0 * h - 1.0) / 6.0;
    return std::sqrt(state + noise + sigma_(0) * sigma_(0));
}

void LocalLinearTrendModel::simulate(Rng& rng, int first_year, Eigen::Ref<Eigen::VectorXd> out) const {
    boost::random::normal_distribution<double> normal;
    const Eigen::Vector2d z(normal(rng), normal(rng));
    Eigen::Vector2d state = end_mean_ + end_chol_ * z;
    for (int year = last_year() + 1; year < first_year + out.size(); ++year) {
        state(0) += state(1) + sigma_(1) * normal(rng);
        state(1) += sigma_(2) * normal(rng);
        if (year >= first_year) out(year - first_year) = state(0) + sigma_(0) * normal(rng);
    }
}

}  // namespace tradetarget
