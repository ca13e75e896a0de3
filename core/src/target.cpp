#include "tradetarget/target.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "tradetarget/errors.hpp"

namespace tradetarget {
namespace {

void check_target(double target) {
    if (!std::isfinite(target) || target <= 0.0)
        throw InputError("a target must be finite and positive; got " + std::to_string(target));
}

}  // namespace

double FirstPassage::probability_by(int year) const {
    if (already_reached_year) return year >= *already_reached_year ? 1.0 : 0.0;
    if (year < first_year) return 0.0;
    if (year > last_year())
        throw InputError("year " + std::to_string(year) + " is beyond the forecast horizon (" +
                         std::to_string(last_year()) + "); ask for a longer horizon");
    return cdf(year - first_year);
}

std::optional<int> FirstPassage::quantile_year(double p) const {
    if (!(p > 0.0 && p <= 1.0))
        throw InputError("a probability must be in (0, 1]; got " + std::to_string(p));
    if (already_reached_year) return already_reached_year;
    for (Eigen::Index k = 0; k < cdf.size(); ++k)
        if (cdf(k) >= p) return first_year + static_cast<int>(k);
    return std::nullopt;
}

FirstPassage first_passage(const SamplePaths& paths, double target, const AnnualSeries& observed) {
    check_target(target);
    FirstPassage fp;
    fp.target = target;
    fp.first_year = paths.first_year;
    const double log_target = std::log(target);
    for (int i = 0; i < observed.size(); ++i)
        if (observed.log_level(i) >= log_target) {
            fp.already_reached_year = observed.years[static_cast<std::size_t>(i)];
            break;
        }
    const Eigen::Index horizon = paths.log_level.cols();
    fp.cdf = Eigen::VectorXd::Zero(horizon);
    if (fp.already_reached_year) {
        fp.cdf.setOnes();
        return fp;
    }
    // Histogram of first-passage years, then a cumulative sum: monotone by construction.
    for (Eigen::Index i = 0; i < paths.log_level.rows(); ++i)
        for (Eigen::Index k = 0; k < horizon; ++k)
            if (paths.log_level(i, k) >= log_target) {
                fp.cdf(k) += 1.0;
                break;
            }
    for (Eigen::Index k = 1; k < horizon; ++k) fp.cdf(k) += fp.cdf(k - 1);
    fp.cdf /= static_cast<double>(paths.log_level.rows());
    return fp;
}

double required_growth(double base_value, int base_year, double target, int deadline) {
    check_target(target);
    if (deadline <= base_year)
        throw InputError("the deadline " + std::to_string(deadline) +
                         " is not after the base year " + std::to_string(base_year));
    return compound_growth(base_value, base_year, target, deadline);
}

TargetSummary summarize_target(const FirstPassage& passage, const Eigen::VectorXd& point_log,
                               double log_growth, const AnnualSeries& observed,
                               const std::vector<int>& by, int deadline) {
    if (point_log.size() != passage.cdf.size())
        throw InputError("the point forecast has " + std::to_string(point_log.size()) + " years and the passage " +
                         std::to_string(passage.cdf.size()));
    TargetSummary s;
    s.target = passage.target;
    s.already_reached_year = passage.already_reached_year;
    s.median_year = passage.quantile_year(0.5);
    s.p10_year = passage.quantile_year(0.1);
    s.p90_year = passage.quantile_year(0.9);
    s.horizon_end = passage.last_year();
    s.point_cross_year = passage.already_reached_year;
    const double log_target = std::log(passage.target);
    for (Eigen::Index k = 0; !s.point_cross_year && k < point_log.size(); ++k)
        if (point_log(k) >= log_target) s.point_cross_year = passage.first_year + static_cast<int>(k);
    for (int year : by) s.prob_by.emplace_back(year, passage.probability_by(year));
    s.base_year = observed.last_year();
    s.base_value = std::exp(observed.log_level(observed.size() - 1));
    s.deadline = deadline;
    s.required_growth = required_growth(s.base_value, s.base_year, passage.target, deadline);
    s.historical_from = observed.years.front();
    // One observed year has no past rate (NaN: "not known", never a number), not an error: the
    // calibrated model answers from a single year with its reference class.
    s.historical_growth = observed.size() < 2 ? std::numeric_limits<double>::quiet_NaN()
                                              : compound_growth(std::exp(observed.log_level(0)), s.historical_from,
                                                                s.base_value, s.base_year);
    s.model_growth = std::exp(log_growth) - 1.0;
    return s;
}

TargetSummary summarize_target(const FirstPassage& passage, const GrowthModel& model,
                               const AnnualSeries& observed, const std::vector<int>& by,
                               int deadline) {
    Eigen::VectorXd point_log(passage.cdf.size());
    for (Eigen::Index k = 0; k < point_log.size(); ++k)
        point_log(k) = model.mean_log(passage.first_year + static_cast<int>(k));
    return summarize_target(passage, point_log, model.log_growth(), observed, by, deadline);
}

}  // namespace tradetarget
