#include "tradetarget/measurement.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>

#include <Eigen/Cholesky>
#include <boost/math/constants/constants.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include "tradetarget/errors.hpp"
#include "tradetarget/kalman.hpp"
#include "tradetarget/parallel.hpp"

namespace tradetarget {
namespace {

std::vector<double> log_grid(double lo, double hi, int n) {
    std::vector<double> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)] =
            n == 1 ? lo : std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / (n - 1));
    return out;
}

}  // namespace

void MeasurementOptions::validate() const {
    auto positive = [](double x, const char* name) {
        if (!(std::isfinite(x) && x > 0.0))
            throw InputError(std::string("measurement option ") + name + " must be finite and > 0; got " +
                             std::to_string(x));
    };
    auto non_negative = [](double x, const char* name) {
        if (!(std::isfinite(x) && x >= 0.0))
            throw InputError(std::string("measurement option ") + name + " must be finite and >= 0; got " +
                             std::to_string(x));
    };
    non_negative(sigma_slope, "sigma_slope");
    non_negative(partial_share_sd, "partial_share_sd");
    positive(approx_multiplier, "approx_multiplier");
    non_negative(bias_prior_sd, "bias_prior_sd");
    positive(sigma_level_min, "sigma_level_min");
    positive(sigma_obs_min, "sigma_obs_min");
    if (!(sigma_level_max >= sigma_level_min) || !std::isfinite(sigma_level_max))
        throw InputError("measurement option sigma_level_max must be >= sigma_level_min");
    if (!(sigma_obs_max >= sigma_obs_min) || !std::isfinite(sigma_obs_max))
        throw InputError("measurement option sigma_obs_max must be >= sigma_obs_min");
    if (grid_points < 1 || grid_points > 200)
        throw InputError("measurement option grid_points must be 1 to 200; got " + std::to_string(grid_points));
    if (threads < 0) throw InputError("measurement option threads must be >= 0 (0: all cores); got " + std::to_string(threads));
}

MeasurementModel::MeasurementModel(const std::vector<Observation>& observations,
                                   const MeasurementOptions& options)
    : options_(options) {
    options.validate();
    decisions_.resize(observations.size());

    // ---- 1. Observations -> measurement rows (and a decision for each).
    struct Part {
        std::size_t index;
        double value;
    };
    std::map<std::pair<std::string, std::string>, std::vector<Part>> components;  // (source, period)
    std::map<std::pair<std::string, std::string>, std::size_t> stated_totals;
    for (std::size_t i = 0; i < observations.size(); ++i) {
        const Observation& o = observations[i];
        Decision& d = decisions_[i];
        d.id = o.id;
        d.where = o.where;
        MeasurementRow row;
        row.id = o.id;
        row.where = o.where;
        row.source = o.source;
        auto use = [&](int year, const std::string& how) {
            row.year = year;
            row.how = how;
            rows_.push_back(row);
            d.used = true;
            d.year = year;
            d.reason = how;
        };
        const Span span = o.span();
        const bool one_year = span == Span::FullYear || span == Span::PartOfYear;
        const std::string period = o.period_text();
        if (!o.component.empty()) {
            if (one_year && (o.statement == Statement::Level || o.statement == Statement::ApproxLevel))
                components[{o.source, period}].push_back({i, o.value});
            else
                d.reason = "a component (" + o.component + ") stated as " + to_string(o.statement) +
                           ": only component levels for one year are used";
            continue;
        }
        switch (o.statement) {
            case Statement::Level:
            case Statement::ApproxLevel:
            case Statement::CurrentLevel: {
                row.multiplier = o.statement == Statement::Level ? 1.0 : options.approx_multiplier;
                row.y = std::log(o.value);
                switch (span) {
                    case Span::Undated: {
                        const int year = o.current_level_year();
                        use(year, "'current' level stated on " + o.published + ": a level of " +
                                      std::to_string(year) + " with a wider error");
                        break;
                    }
                    case Span::SeveralYears:
                        d.reason = "covers " + period + ": multi-year totals are not used yet";
                        break;
                    case Span::FullYear:
                        use(o.period_start->year, o.statement == Statement::Level ? "level for the year"
                                                                                  : "approximate level: a wider error");
                        stated_totals[{o.source, period}] = i;
                        break;
                    case Span::PartOfYear: {
                        const int months = o.period_end->month - o.period_start->month + 1;
                        row.y -= std::log(months / 12.0);
                        row.partial = true;
                        row.extra_variance = options.partial_share_sd * options.partial_share_sd;
                        use(o.period_start->year, "partial year (" + period + "): " + std::to_string(months) +
                                                      "/12 of the year, with an uncertain seasonal share");
                        break;
                    }
                }
                break;
            }
            case Statement::Growth:
                if (!o.is_full_year()) {
                    d.reason = "growth over a partial or multi-year period: not used yet";
                } else {
                    row.growth = true;
                    row.y = std::log1p(o.value);
                    use(o.period_start->year, "growth on the previous year");
                }
                break;
            case Statement::Range:
                if (!o.is_full_year()) {
                    d.reason = "a range for a partial or multi-year period: not used yet";
                } else {
                    const double lo = std::log(o.value), hi = std::log(o.value_upper);
                    row.y = 0.5 * (lo + hi);
                    row.extra_variance = (hi - lo) * (hi - lo) / 12.0;
                    use(o.period_start->year, "range: its midpoint, with the variance of a uniform");
                }
                break;
            case Statement::LowerBound:
                d.reason = "a lower bound: not used (it needs a censored likelihood)";
                break;
            case Statement::Expectation:
                d.reason = "an expectation about the future: never used as data";
                break;
        }
    }
    // Components: a source's parts for one period add up to a level of the series.
    for (auto& [key, parts] : components) {
        double total = 0.0;
        for (const Part& part : parts) total += part.value;
        const Observation& first = observations[parts.front().index];
        const auto stated = stated_totals.find(key);
        std::string reason;
        bool use_sum = parts.size() >= 2;
        if (parts.size() < 2) {
            reason = "one component alone says nothing about the total: not used";
        } else if (stated != stated_totals.end()) {
            const double said = observations[stated->second].value;
            if (std::fabs(total - said) > 0.02 * said)
                throw InputError(first.where + ": contradictory identity: the components stated by " +
                                 key.first + " for " + key.second + " add up to " + std::to_string(total) +
                                 ", but the same source states a total of " + std::to_string(said));
            reason = "components add up to the total the same source states: not counted twice";
            use_sum = false;
        }
        for (const Part& part : parts) {
            Decision& d = decisions_[part.index];
            if (use_sum) {
                d.used = true;
                d.year = first.period_start->year;
                d.reason = "summed with the other components into a level of the series";
            } else {
                d.reason = reason;
            }
        }
        if (use_sum) {
            MeasurementRow row;
            row.id = first.id;
            for (std::size_t j = 1; j < parts.size(); ++j) row.id += "+" + observations[parts[j].index].id;
            row.where = first.where;
            row.source = first.source;
            row.year = first.period_start->year;
            const int months = first.period_end->month - first.period_start->month + 1;
            row.y = std::log(total) - std::log(months / 12.0);
            row.partial = months < 12;
            if (row.partial) row.extra_variance = options.partial_share_sd * options.partial_share_sd;
            row.how = "sum of components";
            rows_.push_back(row);
        }
    }
    if (rows_.empty()) throw InputError("no observation the measurement model can use");
    std::stable_sort(rows_.begin(), rows_.end(),
                     [](const MeasurementRow& a, const MeasurementRow& b) { return a.year < b.year; });

    // ---- 2. Years, sources.
    first_year_ = rows_.front().year;
    int last = rows_.front().year;
    bool any_full = false;
    for (const auto& r : rows_) {
        first_year_ = std::min(first_year_, r.growth ? r.year - 1 : r.year);
        last = std::max(last, r.year);
        if (!r.partial) {
            last_full_year_ = any_full ? std::max(last_full_year_, r.year) : r.year;
            any_full = true;
        }
    }
    if (!any_full) throw InputError("the measurement model needs at least one full-year figure");
    if (last - last_full_year_ > 1)
        throw InputError("partial information for " + std::to_string(last - last_full_year_) +
                         " years after the last full year (" + std::to_string(last_full_year_) +
                         ") is not supported yet: at most one year can be nowcast");
    int n_years_with_level = 0;
    {
        std::vector<int> seen;
        for (const auto& r : rows_)
            if (!r.growth && std::find(seen.begin(), seen.end(), r.year) == seen.end()) seen.push_back(r.year);
        n_years_with_level = static_cast<int>(seen.size());
    }
    if (n_years_with_level < 2)
        throw InputError("the measurement model needs levels for at least two different years");
    std::vector<int> bias_of_row;
    if (options.bias_prior_sd > 0.0) {
        for (const auto& r : rows_)
            if (std::find(sources_.begin(), sources_.end(), r.source) == sources_.end()) sources_.push_back(r.source);
        for (const auto& r : rows_)
            bias_of_row.push_back(static_cast<int>(std::find(sources_.begin(), sources_.end(), r.source) - sources_.begin()));
    } else {
        bias_of_row.assign(rows_.size(), -1);
    }

    kalman::Setup setup;
    setup.first_year = first_year_;
    setup.last_year = last;
    setup.n_bias = static_cast<int>(sources_.size());
    setup.sigma_slope = options.sigma_slope;
    setup.bias_prior_sd = options.bias_prior_sd;

    // ---- 3. Posterior over the (sigma_level, sigma_obs) grid, log-uniform prior.
    const auto levels = log_grid(options.sigma_level_min, options.sigma_level_max, options.grid_points);
    const auto obs = log_grid(options.sigma_obs_min, options.sigma_obs_max, options.grid_points);
    std::vector<std::pair<double, double>> cells;
    for (double sl : levels)
        for (double so : obs) cells.emplace_back(sl, so);
    // The cells are independent filters: run them on every core (each writes its own entry).
    std::vector<double> loglik(cells.size());
    parallel_for(cells.size(), options.threads, [&](std::size_t c) {
        kalman::Setup cell = setup;
        cell.sigma_level = cells[c].first;
        cell.sigma_obs = cells[c].second;
        loglik[c] = kalman::run_filter(rows_, bias_of_row, cell, false).loglik;
    });
    const double best = *std::max_element(loglik.begin(), loglik.end());
    std::vector<double> weight(loglik.size());
    for (std::size_t c = 0; c < loglik.size(); ++c) weight[c] = std::exp(loglik[c] - best);
    const double total_weight = std::accumulate(weight.begin(), weight.end(), 0.0);
    for (double& w : weight) w /= total_weight;
    const std::size_t mode = static_cast<std::size_t>(std::max_element(weight.begin(), weight.end()) - weight.begin());
    sigma_level_mode_ = cells[mode].first;
    sigma_obs_mode_ = cells[mode].second;

    // ---- 4. Smoothed years as a mixture over the cells that matter; the end state per cell.
    const int n_years = last - first_year_ + 1;
    std::vector<double> mean(static_cast<std::size_t>(n_years), 0.0), second(static_cast<std::size_t>(n_years), 0.0);
    Eigen::VectorXd bias_mean = Eigen::VectorXd::Zero(setup.n_bias), bias_second = Eigen::VectorXd::Zero(setup.n_bias);
    double kept = 0.0, drift_second = 0.0;
    for (std::size_t c = 0; c < cells.size(); ++c) {
        if (weight[c] < 1e-6 * weight[mode]) continue;
        setup.sigma_level = cells[c].first;
        setup.sigma_obs = cells[c].second;
        kalman::Filtered f = kalman::run_filter(rows_, bias_of_row, setup, true);
        // End state (x_T, mu_T, x_{T-1}) from the filter at T, before smoothing.
        const Eigen::Matrix3d end_cov = f.p_filt.back().topLeftCorner(3, 3);
        const Eigen::Vector3d end_mean = f.a_filt.back().head(3);
        Eigen::LLT<Eigen::MatrixXd> llt(end_cov);
        Eigen::MatrixXd chol = llt.info() == Eigen::Success ? Eigen::MatrixXd(llt.matrixL())
                                                            : Eigen::MatrixXd(end_cov.diagonal().cwiseMax(0.0).cwiseSqrt().asDiagonal());
        cell_sigma_level_.push_back(cells[c].first);
        cell_weight_.push_back(weight[c]);
        cell_mean_.push_back(end_mean);
        cell_chol_.push_back(chol);
        drift_mean_ += weight[c] * end_mean(kalman::slope);
        drift_second += weight[c] * (end_cov(kalman::slope, kalman::slope) + end_mean(kalman::slope) * end_mean(kalman::slope));
        kalman::smooth(f);
        for (int t = 0; t < n_years; ++t) {
            const auto k = static_cast<std::size_t>(t);
            mean[k] += weight[c] * f.a_filt[k](kalman::level);
            second[k] += weight[c] * (f.p_filt[k](kalman::level, kalman::level) + f.a_filt[k](kalman::level) * f.a_filt[k](kalman::level));
        }
        for (int b = 0; b < setup.n_bias; ++b) {
            bias_mean(b) += weight[c] * f.a_filt.back()(kalman::bias + b);
            bias_second(b) += weight[c] * (f.p_filt.back()(kalman::bias + b, kalman::bias + b) +
                                           f.a_filt.back()(kalman::bias + b) * f.a_filt.back()(kalman::bias + b));
        }
        kept += weight[c];
        sigma_level_mean_ += weight[c] * cells[c].first;
        sigma_obs_mean_ += weight[c] * cells[c].second;
        if (c == mode) {
            // Standardised smoothed residuals at the posterior mode (de Jong 1989): the
            // measurement minus its smoothed prediction, over the sd of that difference.
            Eigen::VectorXd z(kalman::bias + setup.n_bias);
            for (std::size_t r = 0; r < rows_.size(); ++r) {
                double h = 0.0;
                kalman::design(rows_[r], bias_of_row[r], setup, z, h);
                const auto k = static_cast<std::size_t>(rows_[r].year - first_year_);
                ObservationResidual res;
                res.id = rows_[r].id;
                res.where = rows_[r].where;
                res.year = rows_[r].year;
                res.observed = rows_[r].y;
                res.fitted = z.dot(f.a_filt[k]);
                const double var = std::max(h - z.dot(f.p_filt[k] * z), 1e-12 * h);
                res.standardized = (res.observed - res.fitted) / std::sqrt(var);
                residuals_.push_back(res);
            }
        }
    }
    for (double& w : cell_weight_) w /= kept;
    drift_mean_ /= kept;
    drift_sd_ = std::sqrt(std::max(drift_second / kept - drift_mean_ * drift_mean_, 0.0));
    sigma_level_mean_ /= kept;
    sigma_obs_mean_ /= kept;
    for (int t = 0; t < n_years; ++t) {
        const auto k = static_cast<std::size_t>(t);
        LatentYear y;
        y.year = first_year_ + t;
        y.log_mean = mean[k] / kept;
        y.log_sd = std::sqrt(std::max(second[k] / kept - y.log_mean * y.log_mean, 0.0));
        for (const auto& r : rows_) y.n_observations += r.year == y.year ? 1 : 0;
        years_.push_back(y);
    }
    for (int b = 0; b < setup.n_bias; ++b) {
        SourceBias sb;
        sb.source = sources_[static_cast<std::size_t>(b)];
        sb.mean = bias_mean(b) / kept;
        sb.sd = std::sqrt(std::max(bias_second(b) / kept - sb.mean * sb.mean, 0.0));
        biases_.push_back(sb);
    }
}

AnnualSeries MeasurementModel::observed_series() const {
    std::vector<int> years;
    std::vector<double> levels, sds;
    for (const auto& y : years_)
        if (y.year <= last_full_year_) {
            years.push_back(y.year);
            levels.push_back(std::exp(y.log_mean));
            sds.push_back(y.log_sd);
        }
    return AnnualSeries::from_levels(years, levels, sds);
}

Eigen::VectorXd MeasurementModel::point_log(int horizon) const {
    if (horizon < 1) throw InputError("horizon must be at least 1 year");
    Eigen::VectorXd out(horizon);
    const LatentYear& last = years_.back();
    for (int k = 0; k < horizon; ++k) {
        const int year = last_full_year_ + 1 + k;
        out(k) = year <= last.year ? last.log_mean : last.log_mean + drift_mean_ * (year - last.year);
    }
    return out;
}

SamplePaths MeasurementModel::simulate(const SimulationOptions& options) const {
    options.validate();
    SamplePaths paths;
    paths.model = ModelKind::RandomWalkDrift;
    paths.first_year = last_full_year_ + 1;
    paths.log_level.resize(options.n_paths, options.horizon);
    const int last = years_.back().year;
    std::vector<double> cumulative(cell_weight_.size());
    std::partial_sum(cell_weight_.begin(), cell_weight_.end(), cumulative.begin());
    // Blocks of paths_per_refit paths, as before the loop was shared (the same paths).
    for_each_path_block(options.n_paths, options.paths_per_refit, options.seed, options.threads,
                        [&](int, Rng& rng, int begin, int end) {
        boost::random::normal_distribution<double> normal;
        boost::random::uniform_01<double> uniform;
        for (int p = begin; p < end; ++p) {
            const double u = uniform(rng) * cumulative.back();
            const auto c = static_cast<std::size_t>(
                std::min<std::ptrdiff_t>(std::lower_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin(),
                                         static_cast<std::ptrdiff_t>(cumulative.size()) - 1));
            const Eigen::Vector3d z(normal(rng), normal(rng), normal(rng));
            const Eigen::Vector3d state = cell_mean_[c] + cell_chol_[c] * z;
            double x = state(kalman::level), mu = state(kalman::slope);
            int column = 0;
            if (last > last_full_year_) paths.log_level(p, column++) = x;  // the nowcast year
            for (; column < options.horizon; ++column) {
                mu += options_.sigma_slope * normal(rng);
                x += mu + cell_sigma_level_[c] * normal(rng);
                paths.log_level(p, column) = x;
            }
        }
    });
    return paths;
}

}  // namespace tradetarget
